/**
 * An image-reading thread that fails on cue, and otherwise reads as the real one does: bytes starting
 * "HANG" or "CRASH" hang or crash it before anything is decoded; an image whose bytes end with
 * "HANG-IN-OCR" or "CRASH-IN-OCR" does so once its facts are sent, while OCR would run.
 */
import { parentPort } from 'node:worker_threads';
import type { ReadRequest, ThreadMessage } from '../../workers/media/image-read.messages.js';
import { serveImageReads } from '../../workers/media/image-reader.js';

const port = parentPort!;
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
let inOcr: 'HANG' | 'CRASH' | undefined;

const hang = () => {
  const until = Date.now() + 3_600_000;
  while (Date.now() < until); // busy: only terminate() ends it
};

// Registered before the real reader's listener, so a cue acts before any decoding starts.
port.on('message', (req: ReadRequest) => {
  const head = text(req.bytes.subarray(0, 5));
  const tail = text(req.bytes.subarray(-12));
  inOcr = tail.endsWith('HANG-IN-OCR') ? 'HANG' : tail.endsWith('CRASH-IN-OCR') ? 'CRASH' : undefined;
  if (head.startsWith('HANG')) hang();
  if (head.startsWith('CRASH')) process.exit(3);
});

await serveImageReads({
  on: (event, listener) => port.on(event, listener),
  postMessage(m: ThreadMessage) {
    port.postMessage(m);
    if (m.kind !== 'facts') return;
    if (inOcr === 'HANG') hang();
    if (inOcr === 'CRASH') process.exit(4);
  },
});
