import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { sha256Hex } from '../../shared/domain/post.js';
import { BadImage, decodeImage } from '../../shared/media/image-decode.js';
import { readQr } from '../../shared/media/qr.js';
import type { ReadRequest, ThreadMessage } from './image-read.messages.js';

const require = createRequire(import.meta.url);
/**
 * English data from the @tesseract.js-data/eng package (the int-quantised "best" LSTM model, 3 MB): read
 * from node_modules, never fetched. tesseract.js itself takes its worker script and wasm core from
 * node_modules under Node, so nothing leaves the machine.
 */
const ENG_DIR = require
  .resolve('@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz')
  .replace(/\/eng\.traineddata\.gz$/, '');

async function startTesseract(): Promise<Worker> {
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: ENG_DIR,
    gzip: true,
    cacheMethod: 'none',
    logger: () => undefined,
    errorHandler: () => undefined,
  });
  // Screenshots and re-encoded posters carry no or silly DPI; without this tesseract warns on stderr per image and assumes 70.
  await worker.setParameters({ user_defined_dpi: '70' });
  return worker;
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
  const ocr = await startTesseract();
  const post = (m: ThreadMessage) => port.postMessage(m);

  async function read({ id, bytes, maxPixels }: ReadRequest): Promise<void> {
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
      const { data } = await ocr.recognize(image.forOcr);
      post({ kind: 'text', id, text: data.text, ms: performance.now() - t1 });
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
