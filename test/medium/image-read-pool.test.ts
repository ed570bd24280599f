import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadImage } from '../../shared/media/image-decode.js';
import { createImageReadPool, type ImageReadPool } from '../../workers/media/image-read-pool.js';
import { OFFER_POSTER, poster } from '../support/posters.js';

/** Long enough for a poster's read on a busy machine, short enough to wait for a hung thread. */
const TIMEOUT_MS = 8_000;
const LIMITS = { maxPixels: 40_000_000 };

describe('the image-read pool replaces a hung or crashed thread, and the next image still reads', () => {
  let sut: ImageReadPool;
  let offer: Buffer;
  const cued = (cue: string) => Buffer.concat([offer, Buffer.from(cue, 'latin1')]);

  beforeAll(async () => {
    offer = await poster(OFFER_POSTER);
    // One thread, so each next image is read by whatever replaced the failed one.
    sut = createImageReadPool({
      size: 1,
      timeoutMs: TIMEOUT_MS,
      script: new URL('../support/faulty-image-read.thread.ts', import.meta.url),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  const readsTheOffer = async () => {
    const read = await sut.read(offer, LIMITS);
    expect(read.ocrMissing).toBeUndefined();
    expect(read.ocrText).toMatch(/whoever paints/);
    expect(read).toMatchObject({ type: 'image/png', width: 1280, height: 720, qr: 'https://t.me/somechannel' });
  };

  it('reads a whole image in the thread: type, size, hashes, QR code and text', async () => {
    await readsTheOffer();
  }, 60_000);

  it('quarantines an image whose thread hangs before decoding it, then reads the next on a new thread', async () => {
    const err = await sut.read(Buffer.from('HANG and never answer'), LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadImage);
    expect((err as BadImage).message).toBe(
      `undecodable image: not read within ${TIMEOUT_MS} ms (its thread was stopped)`,
    );
    await readsTheOffer();
  }, 60_000);

  it('quarantines an image whose thread crashes before decoding it, then reads the next on a new thread', async () => {
    const err = await sut.read(Buffer.from('CRASH the thread'), LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadImage);
    expect((err as BadImage).message).toBe('undecodable image: its reading thread crashed (exit code 3)');
    await readsTheOffer();
  }, 60_000);

  it('keeps an image without text when OCR hangs or crashes after its facts, then reads the next on a new thread', async () => {
    for (const [cue, why] of [
      ['HANG-IN-OCR', `OCR took longer than ${TIMEOUT_MS} ms`],
      ['CRASH-IN-OCR', 'OCR thread crashed (exit code 4)'],
    ] as const) {
      const read = await sut.read(cued(cue), LIMITS);
      expect(read, cue).toMatchObject({
        type: 'image/png',
        width: 1280,
        height: 720,
        qr: 'https://t.me/somechannel',
        ocrText: '',
        ocrMissing: why,
      });
      expect(read.phash, cue).toMatch(/^[0-9a-f]{16}$/);
      await readsTheOffer();
    }
  }, 90_000);

  it('refuses reads once closed', async () => {
    await sut.close();
    await expect(sut.read(offer, LIMITS)).rejects.toThrow('image-read pool is closed');
  });
});
