import { createRequire } from 'node:module';
import PQueue from 'p-queue';
import { createWorker, OEM, type Worker } from 'tesseract.js';

const require = createRequire(import.meta.url);
/**
 * English data from the @tesseract.js-data/eng package (the int-quantised "best" LSTM model, 3 MB): read
 * from node_modules, never fetched. tesseract.js itself takes its worker script and wasm core from
 * node_modules under Node, so nothing leaves the machine.
 */
const ENG_DIR = require.resolve('@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz').replace(/\/eng\.traineddata\.gz$/, '');

export class OcrTimeout extends Error {
  override name = 'OcrTimeout';
}

export interface OcrPool {
  /** The words in a greyscale image; throws OcrTimeout past the limit (the worker is then replaced). */
  read(png: Buffer): Promise<string>;
  close(): Promise<void>;
}

/**
 * A bounded pool of tesseract workers (threads), each reading one image at a time, so OCR takes at most
 * `size` cores whatever the queue's concurrency and never holds up the text classifier's process.
 */
export function createOcrPool(opts: { size: number; timeoutMs: number }): OcrPool {
  const idle: Worker[] = [];
  const queue = new PQueue({ concurrency: opts.size });
  let closed = false;
  const spawn = async () => {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath: ENG_DIR, gzip: true, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
    // Screenshots and re-encoded posters carry no or silly DPI; without this tesseract warns on stderr per image and assumes 70.
    await worker.setParameters({ user_defined_dpi: '70' });
    return worker;
  };

  async function withWorker(png: Buffer): Promise<string> {
    const worker = idle.pop() ?? (await spawn());
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        worker.recognize(png),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new OcrTimeout(`OCR took longer than ${opts.timeoutMs} ms`)), opts.timeoutMs))),
      ]);
      idle.push(worker);
      return result.data.text;
    } catch (err) {
      // A worker that timed out may still be busy: it is ended, never handed the next image.
      await worker.terminate().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    read(png) {
      if (closed) return Promise.reject(new Error('OCR pool is closed'));
      return queue.add(() => withWorker(png), { throwOnTimeout: true });
    },
    async close() {
      closed = true;
      await queue.onIdle();
      await Promise.allSettled(idle.splice(0).map((w) => w.terminate()));
    },
  };
}
