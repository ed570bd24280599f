import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageReadPool, type ImageReadPool } from '../../workers/media/image-read-pool.js';
import { OFFER_POSTER, poster } from '../support/posters.js';

const LIMITS = { maxPixels: 40_000_000 };
// Posters in the project's own words: offers as DOMAIN.md describes them, no real people, no slurs. The
// English model reads these letters wrongly (zł as "zt", płatność as "ptatnosdé", für as "fur", Cyrillic as Latin).
const POLISH = ['100 zł za meczet', 'zdjęcie jako dowód, płatność', 'od ręki, kontakt na czacie'];
const GERMAN = ['100 € für die Moschee', 'Foto als Beweis, Zahlung', 'sofort, Kontakt über Chat'];
const UKRAINIAN = ['100 фунтів за мечеть', 'надішліть фото як доказ', 'оплата одразу'];

describe('OCR reads posters in the covered languages with their own models', () => {
  let sut: ImageReadPool;
  let polish: Buffer;
  let german: Buffer;
  let ukrainian: Buffer;

  beforeAll(async () => {
    polish = await poster({ lines: POLISH });
    german = await poster({ lines: GERMAN });
    ukrainian = await poster({ lines: UKRAINIAN });
    sut = createImageReadPool({ size: 1, timeoutMs: 60_000 });
  });
  afterAll(() => sut?.close());

  it('reads a Polish poster with the Polish model when the caption is Polish', async () => {
    const { ocrText } = await sut.read(polish, LIMITS, 'pl');
    expect(ocrText).toMatch(/100 zł za meczet/);
    expect(ocrText).toMatch(/płatność/);
  }, 120_000);

  it('reads a captionless poster in English, sees its language, and reads it again with that model', async () => {
    expect((await sut.read(german, LIMITS, 'und')).ocrText).toMatch(/für die Moschee/);
    expect((await sut.read(polish, LIMITS, 'und')).ocrText).toMatch(/dowód, płatność/);
  }, 120_000);

  it('reads a Ukrainian poster in Cyrillic when the caption is Ukrainian or Russian', async () => {
    for (const language of ['uk', 'ru']) {
      const { ocrText } = await sut.read(ukrainian, LIMITS, language);
      expect(ocrText, language).toMatch(/мечеть/);
      expect(ocrText, language).toMatch(/фото/);
    }
  }, 120_000);

  it('reads an English poster in English, and a German one under an English caption in German', async () => {
    expect((await sut.read(await poster(OFFER_POSTER), LIMITS, 'en')).ocrText).toMatch(/£100 to whoever paints/);
    expect((await sut.read(german, LIMITS, 'en')).ocrText).toMatch(/über Chat/);
  }, 120_000);
});
