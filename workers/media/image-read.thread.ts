/** Entry of an image-reading thread (started by image-read-pool.ts). */
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { serveImageReads } from './image-reader.js';

if (!parentPort) throw new Error('image-read.thread runs as a worker thread of the media worker');
// Images are backlog work and text is not: on Linux pid 0 is this thread alone (tesseract's thread, started
// below, inherits it), so when both want a core the classifier in the same process, or on the same node, gets it.
// Elsewhere pid 0 is the whole process, classifier included, so it is left alone.
if (process.platform === 'linux') setPriority(0, constants.priority.PRIORITY_LOW);
await serveImageReads(parentPort);
