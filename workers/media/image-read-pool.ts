import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import PQueue from 'p-queue';
// Loaded on the main thread before any reading thread, so its shared libraries are never unloaded when a thread ends (sharp#2263).
import 'sharp';
import { BadImage, type ImageLimits } from '../../shared/media/image-decode.js';
import { sniffImageType } from '../../shared/media/image-type.js';
import type { ImageFacts, ReadRequest, ThreadMessage } from './image-read.messages.js';

export interface ImageRead extends ImageFacts {
  ocrText: string;
  /** Why OCR gave no text (it overran or its thread crashed); the image is still evidence. */
  ocrMissing?: string;
  /** Time in the thread: decode, hashes and QR; OCR (absent when it did not finish). */
  ms: { decode: number; ocr?: number };
}

export interface ImageReadPool {
  /** Reads an image in a thread: decode and checks, hashes, QR code, OCR. Throws BadImage for bytes that can never be read. */
  read(bytes: Buffer, limits: ImageLimits, language?: string): Promise<ImageRead>;
  close(): Promise<void>;
}

export interface ImageReadPoolOptions {
  /** Threads, each reading one image at a time (config media.ocrWorkers). */
  size: number;
  /** One image's whole read (config media.ocrTimeout); a thread that overruns is stopped and replaced. */
  timeoutMs: number;
  /** The thread's entry; tests give one that hangs or crashes on cue. */
  script?: URL;
}

/** A thread loads sharp, jsQR and tesseract's model; on a busy machine that takes seconds, never this long. */
const START_TIMEOUT_MS = 120_000;

interface Reader {
  thread: Worker;
  /** Set once the thread is stopped or has exited: it is never handed another image. */
  gone: boolean;
  error?: string;
  onMessage?: (m: ThreadMessage) => void;
  onExit?: (why: string) => void;
}

const ownScript = new URL(`./image-read.thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/** Built code starts the script as it is; from sources (tests, tsx) the thread first registers tsx's loader. */
function startThread(script: URL): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); })`,
    { eval: true },
  );
}

function spawn(script: URL): Promise<Reader> {
  const reader: Reader = { thread: startThread(script), gone: false };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reader.gone = true;
      void reader.thread.terminate();
      reject(new Error(`image-reading thread did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    reader.thread.on('message', (m: ThreadMessage) => {
      if (m.kind !== 'ready') return reader.onMessage?.(m);
      clearTimeout(timer);
      resolve(reader);
    });
    reader.thread.on('error', (err) => (reader.error = err.message));
    reader.thread.on('exit', (code) => {
      clearTimeout(timer);
      reader.gone = true;
      const why = reader.error ?? `exit code ${code}`;
      // Not the image's fault (a missing module, a bad install): the job fails and is retried.
      reject(new Error(`image-reading thread ended before it was ready: ${why}`));
      reader.onExit?.(why);
    });
  });
}

/**
 * One image on one thread. The facts (type, size, hashes, QR) arrive before OCR starts: a read that
 * overruns or crashes after them keeps the image without text, one that does so before them could not
 * decode it and is a BadImage. Either way the thread is stopped and never reused.
 */
function readOn(reader: Reader, req: ReadRequest, timeoutMs: number): Promise<ImageRead> {
  const type = sniffImageType(req.bytes) ?? 'image';
  return new Promise<ImageRead>((resolve, reject) => {
    let facts: ImageFacts | undefined;
    let decodeMs = 0;
    const settle = (stop: boolean, done: () => void) => {
      clearTimeout(timer);
      reader.onMessage = reader.onExit = undefined;
      if (stop && !reader.gone) {
        reader.gone = true;
        void reader.thread.terminate();
      }
      done();
    };
    const lost = (ocrWhy: string, decodeWhy: string) => () =>
      facts
        ? resolve({ ...facts, ocrText: '', ocrMissing: ocrWhy, ms: { decode: decodeMs } })
        : reject(new BadImage(`undecodable ${type}: ${decodeWhy}`));
    const timer = setTimeout(
      () =>
        settle(
          true,
          lost(`OCR took longer than ${timeoutMs} ms`, `not read within ${timeoutMs} ms (its thread was stopped)`),
        ),
      timeoutMs,
    );
    reader.onExit = (why) => settle(true, lost(`OCR thread crashed (${why})`, `its reading thread crashed (${why})`));
    reader.onMessage = (m) => {
      if (m.kind === 'ready' || m.id !== req.id) return;
      switch (m.kind) {
        case 'facts':
          facts = m.facts;
          decodeMs = m.ms;
          return;
        case 'text':
          return settle(false, () => resolve({ ...facts!, ocrText: m.text, ms: { decode: decodeMs, ocr: m.ms } }));
        case 'bad':
          return settle(false, () => reject(new BadImage(m.reason)));
        case 'failed':
          // tesseract's state after an error is unknown: the thread goes.
          return settle(true, () => reject(new Error(`image read failed: ${m.error}`)));
      }
    };
    reader.thread.postMessage(req);
  });
}

/**
 * A bounded pool of image-reading threads. The whole read of an image (decode, hashes, QR, OCR) runs off
 * the main thread, so a media worker in the same process as the classifier leaves it the event loop, and
 * takes at most `size` cores whatever the queue's concurrency. A hung or crashed thread is replaced.
 */
export function createImageReadPool(opts: ImageReadPoolOptions): ImageReadPool {
  const script = opts.script ?? ownScript;
  const idle: Reader[] = [];
  const all = new Set<Reader>();
  const queue = new PQueue({ concurrency: opts.size });
  let closed = false;
  let ids = 0;

  async function withReader(bytes: Buffer, limits: ImageLimits, language?: string): Promise<ImageRead> {
    const reader = idle.pop() ?? (await spawn(script));
    all.add(reader);
    try {
      return await readOn(reader, { id: ++ids, bytes, maxPixels: limits.maxPixels, language }, opts.timeoutMs);
    } finally {
      if (reader.gone) all.delete(reader);
      else idle.push(reader);
    }
  }

  return {
    read(bytes, limits, language) {
      if (closed) return Promise.reject(new Error('image-read pool is closed'));
      return queue.add(() => withReader(bytes, limits, language), { throwOnTimeout: true });
    },
    async close() {
      closed = true;
      await queue.onIdle();
      idle.length = 0;
      await Promise.allSettled([...all].map((r) => r.thread.terminate()));
      all.clear();
    },
  };
}
