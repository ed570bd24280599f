/**
 * `npm run bench`: the queue's ceiling (bare BullMQ drain) and the whole pipeline's throughput and
 * latency, measured in one run on real Redis and Postgres. Writes bench/results.json.
 *
 * Processes, as deployed on two cores: this one produces (as ingest does) and measures; one child runs
 * the classify worker, another the alert worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { createDb } from '../shared/db/client.js';
import { capturePost, type CapturedPost } from '../shared/domain/post.js';
import { readStats } from '../shared/metrics.js';
import { packageRoot } from '../shared/paths.js';
import { createQueues, jobMeta } from '../shared/queues/queues.js';
import { countReviewItems } from '../shared/repositories/review-item.repository.js';
import { scratchDatabase } from './scratch-database.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_POSTS ?? 100_000);
const BARE = Number(process.env.BENCH_BARE_JOBS ?? 30_000);
const BATCH = 50;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CHATTER = [
  'Morning all, the bins are late again on our road and the council says the lorry broke down, collections tomorrow instead',
  'Great turnout at the food bank today, thank you to all the volunteers, we packed over two hundred parcels this morning',
  'Police are asking anyone with dashcam footage from the high street on Tuesday night to get in touch about the break-in',
  'Anyone going to the match on Saturday? I need a lift from Walthamstow and can chip in for petrol, kick off at three',
];
const OFFER =
  '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight, send a clear pic to @payday_admin and you get paid same day';
let serial = 0;
function makePost(at: string): CapturedPost {
  const i = serial++;
  const text = i % 100 === 0 ? `${OFFER} (#${i})` : `${CHATTER[i % CHATTER.length]} #${i}`;
  return capturePost(
    { source: 'bench', platform: 'telegram', channel: `chan_${i % 200}`, externalId: String(i), text },
    Buffer.from(`<div class="tgme_widget_message_text">${text}</div>`),
    'text/html; charset=utf-8',
    { url: 'https://t.me/s/bench', fetchedAt: at, fetcher: 'bench', status: 200 },
  );
}

/** CPU seconds used so far by the processes whose command name matches (clock ticks of 1/100 s). */
function cpuSeconds(match: RegExp): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!match.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process ended
    }
  }
  return total;
}

function rssOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

async function main() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `{vigil-bench-${process.pid}}`;
  const scratch = await scratchDatabase('pipeline', 4);
  const { db } = scratch;
  const children: ChildProcess[] = [];
  try {
    // 1. Warm-up and 2. the ceiling: one-post no-op jobs drained by a no-op worker at concurrency 50.
    const bare = new Queue('bare', { connection: redis, prefix });
    const payload = { posts: [makePost(new Date().toISOString())], meta: jobMeta() };
    const fill = async (n: number) => {
      for (let i = 0; i < n; i += 1000)
        await bare.addBulk(
          Array.from({ length: Math.min(1000, n - i) }, () => ({
            name: 'noop',
            data: payload,
            opts: { removeOnComplete: true },
          })),
        );
    };
    const drain = async (n: number) => {
      let done = 0;
      const start = performance.now();
      const worker = new Worker('bare', async () => undefined, { connection: redis, prefix, concurrency: 50 });
      await new Promise<void>((resolve) => worker.on('completed', () => ++done === n && resolve()));
      const seconds = (performance.now() - start) / 1000;
      await worker.close();
      return n / seconds;
    };
    await fill(5_000);
    await drain(5_000);
    await fill(BARE);
    const ceiling = await drain(BARE);
    await bare.obliterate({ force: true });
    await bare.close();

    // 3. The pipeline, closed loop: N posts in batches of 50 through classify and alert/persist.
    const env = {
      ...process.env,
      DATABASE_URL: scratch.url,
      REDIS_URL,
      VIGIL_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    };
    const classifiers = Number(process.env.BENCH_CLASSIFY_PROCESSES ?? 1);
    for (const kind of [...Array<string>(classifiers).fill('classify'), 'alert'])
      children.push(
        spawn(process.execPath, [join(packageRoot(), 'bin', 'vigil.js'), 'worker', kind], { env, stdio: 'ignore' }),
      );
    await sleep(1_500);
    const queues = createQueues(redis, prefix, log);
    const pids = [process.pid, ...children.map((c) => c.pid!)];
    let peakRss = 0;
    const rssSamples: number[] = [];
    const rssTimer = setInterval(() => {
      const rss = rssOf(pids);
      peakRss = Math.max(peakRss, rss);
      rssSamples.push(rss);
    }, 100);
    const cpuBefore = {
      redis: cpuSeconds(/^redis-server/),
      postgres: cpuSeconds(/^postgres/),
      node: cpuSeconds(/^node/),
    };
    const started = performance.now();
    for (let i = 0; i < N; i += BATCH * 20) {
      const at = new Date().toISOString();
      const jobs = Array.from({ length: Math.min(20, Math.ceil((N - i) / BATCH)) }, () => ({
        data: { posts: Array.from({ length: BATCH }, () => makePost(at)), meta: jobMeta() },
      }));
      await queues.enqueueBulk('posts.classify', jobs);
      // Keep the backlog bounded, as a real ingest would be by its sources.
      while ((await queues.byName.classify.getWaitingCount()) > 400) await sleep(2);
    }
    const flagged = Math.ceil(N / 100);
    while (true) {
      const stats = await readStats(redis, prefix);
      const items = await countReviewItems(db);
      if (stats.posts_classified >= N && items >= flagged) break;
      await sleep(20);
    }
    const e2eSeconds = (performance.now() - started) / 1000;
    const cpuAfter = {
      redis: cpuSeconds(/^redis-server/),
      postgres: cpuSeconds(/^postgres/),
      node: cpuSeconds(/^node/),
    };
    const pipeline = N / e2eSeconds;
    const stats = await readStats(redis, prefix);
    const items = await countReviewItems(db);

    // 5. Latency at half the measured rate, open loop, for LATENCY_SECONDS: enqueue → review item committed.
    const latencyStart = new Date();
    // As ingest batches: a job every 5 ms with what arrived since (or 50 posts, whichever comes first).
    const rate = pipeline / 2;
    const tickMs = 5;
    const until = performance.now() + LATENCY_SECONDS * 1000;
    let sent = 0;
    let owed = 0;
    let last = performance.now();
    while (performance.now() < until) {
      const now = performance.now();
      owed += (rate * (now - last)) / 1000;
      last = now;
      const n = Math.min(BATCH, Math.floor(owed));
      if (n > 0) {
        const at = new Date().toISOString();
        await queues.enqueue('posts.classify', {
          posts: Array.from({ length: n }, () => makePost(at)),
          meta: jobMeta(),
        });
        owed -= n;
        sent += n;
      }
      await sleep(Math.max(0, tickMs - (performance.now() - now)));
    }
    await sleep(2_000);
    clearInterval(rssTimer);
    const rows = await pg_latencies(db, latencyStart);
    const pct = (p: number) => rows[Math.min(rows.length - 1, Math.floor(p * rows.length))] ?? NaN;
    const cpu = {
      redis: cpuAfter.redis - cpuBefore.redis,
      postgres: cpuAfter.postgres - cpuBefore.postgres,
      node: cpuAfter.node - cpuBefore.node,
    };
    const cpuTotal = cpu.redis + cpu.postgres + cpu.node;
    const results = {
      posts: N,
      classify_processes: classifiers,
      ceiling_jobs_per_s: Math.round(ceiling),
      pipeline_posts_per_s: Math.round(pipeline),
      ratio: Math.round((pipeline / ceiling) * 100) / 100,
      counts: {
        classified: stats.posts_classified,
        flagged: stats.posts_flagged,
        review_items: items,
        expected_flagged: flagged,
      },
      latency_ms: {
        p50: Math.round(pct(0.5)),
        p95: Math.round(pct(0.95)),
        p99: Math.round(pct(0.99)),
        samples: rows.length,
        offered_posts_per_s: Math.round(sent / LATENCY_SECONDS),
      },
      peak_rss_mb: Math.round(peakRss / 1e6),
      // Flat means the last tenth of the run uses no more than the first tenth after warm-up.
      rss_mb: {
        first_tenth: Math.round(Math.max(...rssSamples.slice(0, Math.ceil(rssSamples.length / 10))) / 1e6),
        last_tenth: Math.round(Math.max(...rssSamples.slice(-Math.ceil(rssSamples.length / 10))) / 1e6),
      },
      cpu_share: {
        redis: Math.round((100 * cpu.redis) / cpuTotal),
        postgres: Math.round((100 * cpu.postgres) / cpuTotal),
        node: Math.round((100 * cpu.node) / cpuTotal),
      },
    };
    console.table([
      {
        ceiling_jobs_per_s: results.ceiling_jobs_per_s,
        pipeline_posts_per_s: results.pipeline_posts_per_s,
        ratio: results.ratio,
        p50_ms: results.latency_ms.p50,
        p95_ms: results.latency_ms.p95,
        p99_ms: results.latency_ms.p99,
        peak_rss_mb: results.peak_rss_mb,
      },
    ]);
    console.log('CPU share (redis / postgres / node, %):', results.cpu_share, 'counts:', results.counts);
    mkdirSync(join(packageRoot(), 'bench'), { recursive: true });
    writeFileSync(join(packageRoot(), 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    if (stats.posts_classified < N || items < flagged) throw new Error('counts do not add up');
    await queues.close();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(500);
    await scratch.drop();
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
  }
}

/** Milliseconds from capture (the enqueue time) to the review item's commit, sorted. */
async function pg_latencies(db: ReturnType<typeof createDb>, since: Date): Promise<number[]> {
  const { sql } = await import('kysely');
  const rows = await sql<{
    ms: number;
  }>`select extract(epoch from (ri.created_at - p.captured_at)) * 1000 as ms from review_item ri join post p on p.id = ri.post_id where ri.created_at >= ${since} order by 1`.execute(
    db,
  );
  return rows.rows.map((r) => Number(r.ms));
}

await main();
