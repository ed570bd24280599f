/**
 * `npm run bench:media`: what reading images costs and whether it slows text down.
 *  1. OCR time per 1280×720 image (p50/p95), the whole read (decode, hashes, QR, OCR) per image, and
 *     images per hour on one core (one OCR thread, reads one after another).
 *  2. The text pipeline's throughput (the classify worker on real Redis) with no image posts, then with
 *     10 % image posts while the media worker reads them in the same process: it must stay above half.
 * Writes bench/media-results.json. BENCH_IMAGES, BENCH_POSTS and BENCH_IMAGE_SHARE change the sizes.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { capturePost, type CapturedPost } from '../shared/domain/post.js';
import { directoryStore } from '../shared/media/media-store.js';
import { createMetrics, readStats } from '../shared/metrics.js';
import { packageRoot } from '../shared/paths.js';
import { QueueName } from '../shared/queues/queue.catalog.js';
import { createQueues, jobMeta } from '../shared/queues/queues.js';
import { classifyHandlers } from '../workers/classify/classify.worker.js';
import { createFetcher } from '../workers/ingest/http-fetcher.js';
import { mediaHandlers } from '../workers/media/media.worker.js';
import { createImageReadPool } from '../workers/media/image-read-pool.js';
import { closeWorkers, startWorker } from '../workers/worker.runner.js';
import { scratchDatabase } from './scratch-database.js';
import { photo, poster } from './synthetic-images.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 40);
const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const SHARE = Number(process.env.BENCH_IMAGE_SHARE ?? 0.1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH = 50;
const log = pino({ level: 'silent' });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

const PLACES = ['the mosque on X Road E10', 'the school gate on Park Lane N15', 'the hotel on Station Road E17', 'the synagogue on High Street N16'];
const WORDS = ['Community bake sale Saturday', 'Lost cat, answers to Miso', 'Road closed for resurfacing', 'Choir practice moved to Thursday'];

async function images(): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      i % 4 === 3
        ? photo(i)
        : poster(i % 2 ? { lines: [`£${50 * (i % 5 + 1)} to whoever paints`, PLACES[i % 4]!, `send pic, t.me/chan_${i}`], qr: `https://t.me/chan_${i}` } : { lines: [WORDS[i % 4]!, 'all welcome, free entry', `call 0207 946 ${String(1000 + i)}`], background: '#e8f4ff' }),
    ),
  );
}

async function ocrBench(imgs: Buffer[]) {
  const reader = createImageReadPool({ size: 1, timeoutMs: 60_000 });
  await reader.read(imgs[0]!, { maxPixels: 40_000_000 }); // the thread's start-up, not counted
  const ocrMs: number[] = [];
  const readMs: number[] = [];
  for (const img of imgs) {
    const t0 = performance.now();
    const read = await reader.read(img, { maxPixels: 40_000_000 });
    readMs.push(performance.now() - t0);
    ocrMs.push(read.ms.ocr ?? NaN);
  }
  await reader.close();
  const mean = readMs.reduce((a, b) => a + b, 0) / readMs.length;
  return { images: imgs.length, size: '1280x720', ocrMs: { p50: round(pct(ocrMs, 0.5)), p95: round(pct(ocrMs, 0.95)) }, wholeReadMs: { p50: round(pct(readMs, 0.5)), p95: round(pct(readMs, 0.95)), mean: round(mean) }, imagesPerHourOneCore: Math.round(3_600_000 / mean) };
}

const CHATTER = ['Morning all, the bins are late again on our road and the council says the lorry broke down', 'Great turnout at the food bank today, thank you to all the volunteers', 'Anyone going to the match on Saturday? I need a lift from Walthamstow'];

function makePosts(n: number, share: number, imageBase: string, run: string): CapturedPost[] {
  const every = share > 0 ? Math.round(1 / share) : 0;
  return Array.from({ length: n }, (_, i) => {
    const text = i % 100 === 0 ? `£100 to anyone who sprays the mosque on Leyton High Road E10, pic to @payday_admin (#${i})` : `${CHATTER[i % CHATTER.length]} #${i}`;
    const media = every && i % every === 0 ? [{ kind: 'photo', url: `${imageBase}/${i % IMAGES}.img` }] : [];
    return capturePost({ source: 'bench', platform: 'telegram', channel: `chan_${i % 100}`, externalId: `${run}-${i}`, text, media }, Buffer.from(text), 'text/html; charset=utf-8', { url: 'https://t.me/s/bench', fetchedAt: new Date().toISOString(), fetcher: 'bench' });
  });
}

/** Posts per second through the classify worker (two jobs at a time, as on two cores beside other work), with the media worker running when images are mixed in. */
async function textThroughput(imgs: Buffer[], share: number, run: string) {
  const server = createServer((req, res) => {
    const i = Number(/\/(\d+)\.img$/.exec(req.url ?? '')?.[1] ?? -1);
    if (!imgs[i]) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(imgs[i]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `{vigil-bench-media-${process.pid}-${run}}`;
  const queues = createQueues(redis, prefix, log);
  const scratch = await scratchDatabase(`media_${run}`);
  const metrics = createMetrics();
  const deps = { connection: redis, prefix, log, metrics };
  const reader = createImageReadPool({ size: 1, timeoutMs: 60_000 });
  const workers = [startWorker(QueueName.Classify, classifyHandlers({ redis, prefix, queues, uncoveredSamplePerDay: 0, readImages: true }), deps, 2)];
  if (share > 0) {
    const fetcher = createFetcher({ timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024, allowPrivateNetworks: 'loopback', perHostIntervalMs: 0 });
    workers.push(startWorker(QueueName.Media, mediaHandlers({ db: scratch.db, queues, store: directoryStore(join(packageRoot(), 'bench', `.media-${process.pid}`)), fetcher, reader, log, maxPixels: 40_000_000, maxPerPost: 10, orphanGrace: 60_000 }), deps, 4));
  }
  const posts = makePosts(POSTS, share, base, run);
  const t0 = performance.now();
  for (let i = 0; i < posts.length; i += BATCH) await queues.enqueue('posts.classify', { posts: posts.slice(i, i + BATCH), meta: jobMeta() });
  while (((await readStats(redis, prefix)).posts_classified ?? 0) < POSTS) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const mediaJobs = await queues.byName[QueueName.Media].getJobCounts('completed', 'waiting', 'active', 'prioritized');
  await closeWorkers(workers, 1_000);
  await reader.close();
  for (const q of Object.values(queues.byName)) await q.obliterate({ force: true });
  await queues.close();
  redis.disconnect();
  server.close();
  await scratch.drop();
  return { posts: POSTS, imageShare: share, seconds: round(seconds), postsPerSecond: Math.round(POSTS / seconds), mediaQueueAtEnd: mediaJobs };
}

async function main() {
  const imgs = await images();
  const ocr = await ocrBench(imgs);
  console.log('OCR', ocr);
  const textOnly = await textThroughput(imgs, 0, 'text');
  console.log('text only', textOnly);
  const mixed = await textThroughput(imgs, SHARE, 'mixed');
  console.log('with images', mixed);
  const ratio = Math.round((mixed.postsPerSecond / textOnly.postsPerSecond) * 100) / 100;
  const result = { at: new Date().toISOString(), ocr, textOnly, mixed, ratio, ok: ratio >= 0.5 };
  writeFileSync(join(packageRoot(), 'bench', 'media-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`text throughput with ${SHARE * 100}% image posts: ${ratio}× of text only (must stay ≥ 0.5): ${result.ok ? 'OK' : 'TOO SLOW'}`);
  if (!result.ok) process.exitCode = 1;
}

await main();
