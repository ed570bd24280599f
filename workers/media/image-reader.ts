import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { identifyLanguage } from '../../shared/classifier/language.js';
import { sha256Hex } from '../../shared/domain/post.js';
import { BadImage, decodeImage } from '../../shared/media/image-decode.js';
import { readQr } from '../../shared/media/qr.js';
import type { ReadRequest, ThreadMessage } from './image-read.messages.js';

const require = createRequire(import.meta.url);

/**
 * Tesseract's model for each language the classifier covers, from the @tesseract.js-data packages (the
 * int-quantised "best" LSTM models, 2–4 MB each): read from node_modules, never fetched. There is no
 * Russian package; Ukrainian's Cyrillic model reads Russian posters well enough to classify them.
 * tesseract.js itself takes its worker script and wasm core from node_modules under Node.
 */
const OCR_MODEL: Readonly<Record<string, string>> = {
  en: 'eng',
  fr: 'fra',
  de: 'deu',
  nl: 'nld',
  pl: 'pol',
  es: 'spa',
  uk: 'ukr',
  ru: 'ukr',
};

/**
 * One folder holding every shipped model, as tesseract.js reads a language list from one `langPath` (its
 * Lang objects with data in memory are joined wrongly at init in 7.0): links into node_modules, made once
 * per process in the temp folder. Nothing is downloaded or copied.
 */
function modelDir(): string {
  const dir = join(tmpdir(), `vigil-ocr-models-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const code of new Set(Object.values(OCR_MODEL))) {
    const link = join(dir, `${code}.traineddata.gz`);
    if (existsSync(link)) continue;
    try {
      symlinkSync(require.resolve(`@tesseract.js-data/${code}/4.0.0_best_int/${code}.traineddata.gz`), link);
    } catch (err) {
      // Another thread of this process made it first.
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
  }
  return dir;
}

/** A post's language as OCR needs it: the tesseract model of a covered language other than English. */
function otherModel(language: string | undefined): string | undefined {
  const code = language ? OCR_MODEL[language] : undefined;
  return code === 'eng' ? undefined : code;
}

async function startTesseract(langPath: string, codes: string): Promise<Worker> {
  const worker = await createWorker(codes, OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    cacheMethod: 'none',
    logger: () => undefined,
    errorHandler: () => undefined,
  });
  await dpi(worker);
  return worker;
}

// Screenshots and re-encoded posters carry no or silly DPI; without this tesseract warns on stderr per image and assumes 70.
const dpi = (worker: Worker) => worker.setParameters({ user_defined_dpi: '70' });

/**
 * English, and one other language at a time beside it (a second tesseract worker, switched to the language
 * an image needs): most images are English, and loading every model into one worker slows every read.
 */
function ocrEngines(langPath: string, english: Worker) {
  let other: { code: string; worker: Worker } | undefined;
  return {
    english,
    async withEnglish(code: string): Promise<Worker> {
      if (other?.code === code) return other.worker;
      if (other) {
        await other.worker.reinitialize(`${code}+eng`, OEM.LSTM_ONLY);
        await dpi(other.worker);
        other.code = code;
      } else other = { code, worker: await startTesseract(langPath, `${code}+eng`) };
      return other.worker;
    },
  };
}

const WORD = /\p{L}{3,}/gu;

/**
 * The text of an image. With the post's language (its caption's) the image is read with that language's
 * model beside English; without it, in English, and again with another covered language's model when the
 * English reading looks like that language (read as English, a Polish poster's zł becomes "zt", a German für "fur").
 */
async function recognise(
  engines: ReturnType<typeof ocrEngines>,
  image: Buffer,
  language: string | undefined,
): Promise<string> {
  const hinted = otherModel(language);
  if (hinted) return (await (await engines.withEnglish(hinted)).recognize(image)).data.text;
  const { text } = (await engines.english.recognize(image)).data;
  // A photo's OCR noise is no language: only words (three of three letters or more) earn a second reading.
  const seen = (text.match(WORD) ?? []).length >= 3 ? otherModel(identifyLanguage(text).code) : undefined;
  return seen ? (await (await engines.withEnglish(seen)).recognize(image)).data.text : text;
}

/** A thread's side of the channel (its parentPort); the tests' faulty thread wraps it. */
export interface ReadPort {
  on(event: 'message', listener: (req: ReadRequest) => void): unknown;
  postMessage(m: ThreadMessage): void;
}

const message = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);

/**
 * The whole read of an image, inside a reading thread: decode and checks, hashes, QR code, then OCR (in
 * tesseract's own thread, which ends with this one). The facts go to the pool before OCR starts.
 */
export async function serveImageReads(port: ReadPort): Promise<void> {
  const langPath = modelDir();
  const engines = ocrEngines(langPath, await startTesseract(langPath, 'eng'));
  const post = (m: ThreadMessage) => port.postMessage(m);

  async function read({ id, bytes, maxPixels, language }: ReadRequest): Promise<void> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const t0 = performance.now();
    try {
      const image = await decodeImage(buf, { maxPixels });
      const qr = readQr(image.forQr) ?? null;
      post({
        kind: 'facts',
        id,
        facts: {
          sha256: sha256Hex(buf),
          type: image.type,
          width: image.width,
          height: image.height,
          phash: image.phash,
          dhash: image.dhash,
          qr,
        },
        ms: performance.now() - t0,
      });
      const t1 = performance.now();
      const text = await recognise(engines, image.forOcr, language);
      post({ kind: 'text', id, text, ms: performance.now() - t1 });
    } catch (err) {
      post(
        err instanceof BadImage
          ? { kind: 'bad', id, reason: err.message }
          : { kind: 'failed', id, error: message(err) },
      );
    }
  }

  port.on('message', (req: ReadRequest) => void read(req));
  post({ kind: 'ready' });
}
