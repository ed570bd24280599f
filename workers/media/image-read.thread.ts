/** Entry of an image-reading thread (started by image-read-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { serveImageReads } from './image-reader.js';

if (!parentPort) throw new Error('image-read.thread runs as a worker thread of the media worker');
await serveImageReads(parentPort);
