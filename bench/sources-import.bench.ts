/**
 * `npm run bench:import`: `vigil sources import` of BENCH_SOURCES (10,000) t.me channels on a scratch database and
 * a Redis prefix of its own, timed from reading the file to every source having its poll scheduler (the issue's
 * bound: under 30 s); then the periodic resync pass over all of them, which every ingest process runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { runSources } from '../cli/sources.command.js';
import { loadConfig } from '../shared/config/config.js';
import { createQueues } from '../shared/queues/queues.js';
import { scheduleSources } from '../workers/ingest/source-schedule.js';
import { dropRedisPrefix, scratchDatabase } from './scratch-database.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_SOURCES ?? 10_000);

async function main(): Promise<void> {
  const scratch = await scratchDatabase('import');
  const prefix = `{bench-import-${process.pid}}`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-import-'));
  const file = join(dir, 'watch.txt');
  writeFileSync(
    file,
    Array.from({ length: N }, (_, i) =>
      i % 3 === 0 ? `https://t.me/chan_${i}` : i % 3 === 1 ? `@chan_${i}` : `chan_${i}`,
    ).join('\n'),
  );
  const config = loadConfig(
    { DATABASE_URL: scratch.url, REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    dir,
  );
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const started = performance.now();
    const code = await runSources(['import', file, '--reason', 'benchmark', '--priority', '2'], config);
    const importS = (performance.now() - started) / 1000;
    const ingest = new Queue('ingest', { connection: redis, prefix });
    const schedulers = await ingest.getJobSchedulersCount();
    const jobs = await ingest.getJobCountByTypes('prioritized', 'delayed', 'waiting');
    await ingest.close();
    const queues = createQueues(redis, prefix, pino({ level: 'silent' }));
    const resyncStarted = performance.now();
    await scheduleSources(scratch.db, queues, pino({ level: 'silent' }), config.ingest);
    const resyncS = (performance.now() - resyncStarted) / 1000;
    await queues.close();
    const result = {
      sources: N,
      exitCode: code,
      importSeconds: Math.round(importS * 10) / 10,
      schedulers,
      pendingPolls: jobs,
      resyncSeconds: Math.round(resyncS * 10) / 10,
    };
    console.log(JSON.stringify(result));
    const ok = code === 0 && schedulers === N && jobs === N && importS < 30;
    console.log(
      `${ok ? 'PASS' : 'FAIL'} ${N} channels imported and scheduled in ${result.importSeconds} s (< 30 s); ${schedulers} schedulers, ${jobs} polls pending`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await dropRedisPrefix(redis, prefix);
    redis.disconnect();
    await scratch.drop();
  }
}

await main();
