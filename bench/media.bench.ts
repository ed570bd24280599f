/**
 * `npm run bench:media`: what reading images costs and whether it slows text down.
 *  1. OCR time per 1280×720 image (p50/p95), the whole read (decode, hashes, QR, OCR) per image, and
 *     images per hour on one core (one reading thread, reads one after another).
 *  2. The text pipeline's throughput (the classify worker on real Redis) with no image posts, then with
 *     10 % image posts while the media worker reads them, in both layouts: in the same process as the
 *     classifier, and as its own process (`vigil worker media`, as infra/k8s and docker-compose deploy it).
 *     Text-only runs come first and last, and the ratios are against their mean, so drifting load on a
 *     shared machine weighs on both sides. It must stay above half.
 * Writes bench/media-results.json (with the load average before and after). BENCH_IMAGES, BENCH_POSTS and
 * BENCH_IMAGE_SHARE change the sizes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { capturePost, type CapturedPost } from '../shared/domain/post.js';
import { directoryStore } from '../shared/media/media-store.js';
import { createMetrics, readStats } from '../shared/metrics.js';
import { packageRoot } from '../shared/paths.js';
import { QueueName } from '../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../shared/queues/queues.js';
import { classifyHandlers } from '../workers/classify/classify.worker.js';
import { createFetcher } from '../workers/ingest/http-fetcher.js';
import { mediaHandlers } from '../workers/media/media.worker.js';
import { createImageReadPool } from '../workers/media/image-read-pool.js';
import { closeWorkers, startWorker } from '../workers/worker.runner.js';
import { dropRedisPrefix, scratchDatabase } from './scratch-database.js';
import { photo, poster } from './synthetic-images.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 40);
// At some 10,000 posts/s on an idle machine, fewer would time a couple of seconds.
const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const SHARE = Number(process.env.BENCH_IMAGE_SHARE ?? 0.1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH = 50;
const log = pino({ level: 'silent' });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

const PLACES = [
  'the mosque on X Road E10',
  'the school gate on Park Lane N15',
  'the hotel on Station Road E17',
  'the synagogue on High Street N16',
];
const WORDS = [
  'Community bake sale Saturday',
  'Lost cat, answers to Miso',
  'Road closed for resurfacing',
  'Choir practice moved to Thursday',
];

async function images(): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      i % 4 === 3
        ? photo(i)
        : poster(
            i % 2
              ? {
                  lines: [`£${50 * ((i % 5) + 1)} to whoever paints`, PLACES[i % 4]!, `send pic, t.me/chan_${i}`],
                  qr: `https://t.me/chan_${i}`,
                }
              : {
                  lines: [WORDS[i % 4]!, 'all welcome, free entry', `call 0207 946 ${String(1000 + i)}`],
                  background: '#e8f4ff',
                },
          ),
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
  return {
    images: imgs.length,
    size: '1280x720',
    ocrMs: { p50: round(pct(ocrMs, 0.5)), p95: round(pct(ocrMs, 0.95)) },
    wholeReadMs: { p50: round(pct(readMs, 0.5)), p95: round(pct(readMs, 0.95)), mean: round(mean) },
    imagesPerHourOneCore: Math.round(3_600_000 / mean),
  };
}

const CHATTER = [
  'Morning all, the bins are late again on our road and the council says the lorry broke down',
  'Great turnout at the food bank today, thank you to all the volunteers',
  'Anyone going to the match on Saturday? I need a lift from Walthamstow',
];

function makePosts(n: number, share: number, imageBase: string, run: string): CapturedPost[] {
  const every = share > 0 ? Math.round(1 / share) : 0;
  return Array.from({ length: n }, (_, i) => {
    const text =
      i % 100 === 0
        ? `£100 to anyone who sprays the mosque on Leyton High Road E10, pic to @payday_admin (#${i})`
        : `${CHATTER[i % CHATTER.length]} #${i}`;
    const media = every && i % every === 0 ? [{ kind: 'photo', url: `${imageBase}/${i % IMAGES}.img` }] : [];
    return capturePost(
      { source: 'bench', platform: 'telegram', channel: `chan_${i % 100}`, externalId: `${run}-${i}`, text, media },
      Buffer.from(text),
      'text/html; charset=utf-8',
      { url: 'https://t.me/s/bench', fetchedAt: new Date().toISOString(), fetcher: 'bench' },
    );
  });
}

/** Where the media worker runs; 'unread' queues the image posts' media jobs with no media worker, the classifier's own share of the cost. */
type Layout = 'text only' | 'unread' | 'in process' | 'own process';

/** Serves the bench images on loopback, as an image host would. */
async function imageHost(imgs: Buffer[]) {
  const server = createServer((req, res) => {
    const i = Number(/\/(\d+)\.img$/.exec(req.url ?? '')?.[1] ?? -1);
    if (!imgs[i]) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(imgs[i]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.close(r);
        // A fetch cut short when the workers closed leaves a connection no one will end.
        server.closeAllConnections();
      }),
  };
}

/** `vigil worker media` as deployed, on the bench's database, Redis prefix and image host; resolves once its worker is on the queue. */
async function mediaProcess(
  databaseUrl: string,
  prefix: string,
  storeDir: string,
  queues: Queues,
): Promise<{ stop(): Promise<void> }> {
  const config = join(storeDir, 'vigil.config.yaml');
  mkdirSync(storeDir, { recursive: true });
  writeFileSync(
    config,
    `database: { url: ${JSON.stringify(databaseUrl)} }
redis: { url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)} }
ingest: { allowPrivateNetworks: loopback, perHostInterval: 0 }
media: { storeDir: ${JSON.stringify(storeDir)}, ocrWorkers: 1, ocrTimeout: 60s, fetchTimeout: 10s }
`,
  );
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'vigil.js'), 'worker', 'media'], {
    env: {
      ...process.env,
      VIGIL_CONFIG: config,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      VIGIL_QUEUE_PREFIX: prefix,
      VIGIL_MEDIA_DIR: storeDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = Date.now();
  while ((await queues.byName[QueueName.Media].getWorkersCount()) === 0) {
    if (child.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`vigil worker media did not start (exit code ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One image post through classify and media, waited for. */
async function warmUp(queues: Queues, redis: Redis, prefix: string, posts: CapturedPost[]) {
  await queues.enqueue('posts.classify', { posts, meta: jobMeta() });
  const media = queues.byName[QueueName.Media];
  const busy = async () =>
    Object.values(await media.getJobCounts('waiting', 'active', 'prioritized')).some((n) => n > 0);
  while (((await readStats(redis, prefix)).posts_classified ?? 0) < 1 || (await busy()))
    await new Promise((r) => setTimeout(r, 50));
}

/** Posts per second through the classify worker (two jobs at a time, as on two cores beside other work), with the media worker reading the image posts in the given layout. */
async function textThroughput(imgs: Buffer[], layout: Layout, run: string, count = POSTS) {
  const share = layout === 'text only' ? 0 : SHARE;
  const host = await imageHost(imgs);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `{vigil-bench-media-${process.pid}-${run}}`;
  const queues = createQueues(redis, prefix, log);
  const scratch = await scratchDatabase(`media_${run}`);
  const metrics = createMetrics();
  const deps = { connection: redis, prefix, log, metrics };
  const storeDir = join(packageRoot(), 'bench', `.media-${process.pid}`, run);
  const reader = layout === 'in process' ? createImageReadPool({ size: 1, timeoutMs: 60_000 }) : undefined;
  const workers = [
    startWorker(
      QueueName.Classify,
      classifyHandlers({ redis, prefix, queues, uncoveredSamplePerDay: 0, readImages: true }),
      deps,
      2,
    ),
  ];
  let child: { stop(): Promise<void> } | undefined;
  if (reader) {
    const fetcher = createFetcher({
      timeoutMs: 10_000,
      maxBytes: 10 * 1024 * 1024,
      allowPrivateNetworks: 'loopback',
      perHostIntervalMs: 0,
    });
    workers.push(
      startWorker(
        QueueName.Media,
        mediaHandlers({
          db: scratch.db,
          queues,
          store: directoryStore(storeDir),
          fetcher,
          reader,
          log,
          maxPixels: 40_000_000,
          maxPerPost: 10,
          orphanGrace: 60_000,
        }),
        deps,
        4,
      ),
    );
  }
  if (layout === 'own process') child = await mediaProcess(scratch.url, prefix, storeDir, queues);
  // A deployed media worker is long-running: its reading thread is started (one image read) before the clock.
  const warm = share > 0 && layout !== 'unread' ? 1 : 0;
  if (warm) await warmUp(queues, redis, prefix, makePosts(1, 1, host.base, `${run}-warm`));
  const posts = makePosts(count, share, host.base, run);
  const t0 = performance.now();
  for (let i = 0; i < posts.length; i += BATCH)
    await queues.enqueue('posts.classify', { posts: posts.slice(i, i + BATCH), meta: jobMeta() });
  while (((await readStats(redis, prefix)).posts_classified ?? 0) < count + warm)
    await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const mediaJobs = await queues.byName[QueueName.Media].getJobCounts('completed', 'waiting', 'active', 'prioritized');
  await child?.stop();
  // The media worker's jobs in hand finish their reads (a few seconds): a worker abandoned mid-job keeps its Redis connection open.
  await closeWorkers(workers, 60_000);
  await reader?.close();
  for (const q of Object.values(queues.byName)) await q.obliterate({ force: true });
  await queues.close();
  // The classifier's counters and dedup keys outlive the queues.
  await dropRedisPrefix(redis, prefix);
  redis.disconnect();
  await host.close();
  await scratch.drop();
  rmSync(storeDir, { recursive: true, force: true });
  return {
    layout,
    posts: count,
    imageShare: share,
    seconds: round(seconds),
    postsPerSecond: Math.round(count / seconds),
    mediaQueueAtEnd: mediaJobs,
  };
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function main() {
  const loadBefore = load();
  console.log('load average (1, 5, 15 min)', loadBefore, 'on', cpus().length, 'cores');
  const imgs = await images();
  const ocr = await ocrBench(imgs);
  console.log('OCR', ocr);
  // Not counted: the classifier's first few thousand posts run cold (JIT, Redis scripts loaded).
  await textThroughput(imgs, 'text only', 'warmup', Math.min(POSTS, 5_000));
  const textFirst = await textThroughput(imgs, 'text only', 'text1');
  console.log(textFirst);
  const unread = await textThroughput(imgs, 'unread', 'unread');
  console.log(unread);
  const inProcess = await textThroughput(imgs, 'in process', 'inproc');
  console.log(inProcess);
  const ownProcess = await textThroughput(imgs, 'own process', 'ownproc');
  console.log(ownProcess);
  const textLast = await textThroughput(imgs, 'text only', 'text2');
  console.log(textLast);
  const textOnly = (textFirst.postsPerSecond + textLast.postsPerSecond) / 2;
  const ratio = (r: { postsPerSecond: number }) => Math.round((r.postsPerSecond / textOnly) * 100) / 100;
  const ratios = { unread: ratio(unread), inProcess: ratio(inProcess), ownProcess: ratio(ownProcess) };
  const loadAfter = load();
  const result = {
    at: new Date().toISOString(),
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadAfter },
    ocr,
    textOnly: [textFirst, textLast],
    textOnlyMean: Math.round(textOnly),
    unread,
    inProcess,
    ownProcess,
    ratios,
    ok: ratios.inProcess >= 0.5 && ratios.ownProcess >= 0.5,
  };
  writeFileSync(join(packageRoot(), 'bench', 'media-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  rmSync(join(packageRoot(), 'bench', `.media-${process.pid}`), { recursive: true, force: true });
  console.log(
    `text throughput with ${SHARE * 100}% image posts (must stay ≥ 0.5× of text only, ${Math.round(textOnly)} posts/s): media jobs queued but unread ${ratios.unread}×, media worker in process ${ratios.inProcess}×, in its own process ${ratios.ownProcess}× — ${result.ok ? 'OK' : 'TOO SLOW'}; load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after`,
  );
  if (!result.ok) process.exitCode = 1;
}

await main();
