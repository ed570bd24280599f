import type { Redis } from 'ioredis';
import type { Db } from './db/client.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queues } from './queues/queues.js';
import { QUEUE_NAMES } from './queues/queue.catalog.js';
import { alertCountsByStatus, duplicateRiskTotal } from './repositories/alert.repository.js';
import { enabledSourceHealth } from './repositories/source.repository.js';

/** Pipeline totals kept in Redis, so every worker process adds to the same numbers. */
export const STAT_NAMES = [
  'posts_ingested',
  'posts_duplicate',
  'posts_quarantined',
  'posts_classified',
  'posts_flagged',
  'review_items_created',
] as const;
export type StatName = (typeof STAT_NAMES)[number];

export const statsKey = (prefix: string) => `${prefix}:stats`;

export async function addStats(redis: Redis, prefix: string, counts: Partial<Record<StatName, number>>): Promise<void> {
  const entries = Object.entries(counts).filter(([, n]) => n);
  if (entries.length === 0) return;
  const pipeline = redis.pipeline();
  for (const [name, n] of entries) pipeline.hincrby(statsKey(prefix), name, n);
  await pipeline.exec();
}

/** Adds counts to a hash once per `onceKey` (a job id): a job retried after a crash is not counted twice. */
async function hincrOnce(
  redis: Redis,
  onceKey: string,
  hashKey: string,
  counts: Record<string, number | undefined>,
): Promise<void> {
  const entries = Object.entries(counts).filter(([, n]) => n);
  if (entries.length === 0) return;
  await redis.eval(
    `if redis.call('SET', KEYS[1], '1', 'NX', 'EX', 86400) then for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end end return 1`,
    2,
    onceKey,
    hashKey,
    ...entries.flatMap(([name, n]) => [name, String(n)]),
  );
}

export const addStatsOnce = (
  redis: Redis,
  prefix: string,
  onceKey: string,
  counts: Partial<Record<StatName, number>>,
): Promise<void> => hincrOnce(redis, `${prefix}:counted:${onceKey}`, statsKey(prefix), counts);

/** Posts in a language the classifier does not cover, by language, across every classify process. */
export const uncoveredKey = (prefix: string) => `${prefix}:stats:uncovered_language`;

export const addUncoveredOnce = (
  redis: Redis,
  prefix: string,
  onceKey: string,
  byLanguage: Record<string, number>,
): Promise<void> => hincrOnce(redis, `${prefix}:counted-uncovered:${onceKey}`, uncoveredKey(prefix), byLanguage);

export async function readUncovered(redis: Redis, prefix: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall(uncoveredKey(prefix));
  return Object.fromEntries(Object.entries(raw).map(([lang, n]) => [lang, Number(n)]));
}

export async function readStats(redis: Redis, prefix: string): Promise<Record<StatName, number>> {
  const raw = await redis.hgetall(statsKey(prefix));
  return Object.fromEntries(STAT_NAMES.map((n) => [n, Number(raw[n] ?? 0)])) as Record<StatName, number>;
}

/** The per-process metrics: workers record into them, the API serves them with queue depths added. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
  return {
    registry,
    jobsProcessed: new Counter({
      name: 'vigil_jobs_processed_total',
      help: 'Jobs finished by this process, by queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'vigil_job_duration_seconds',
      help: 'Time a processor spent on a job',
      labelNames: ['queue', 'job'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobLatency: new Histogram({
      name: 'vigil_job_latency_seconds',
      help: 'Time from a job being enqueued to its processor finishing',
      labelNames: ['queue'] as const,
      buckets: [0.005, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Adds gauges read from Redis at scrape time: queue depths and the pipeline totals. */
export function registerQueueGauges(metrics: Metrics, queues: Queues, redis: Redis, prefix: string): void {
  new Gauge({
    name: 'vigil_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      for (const name of QUEUE_NAMES) {
        const counts = await queues.byName[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'vigil_pipeline_total',
    help: 'Pipeline totals across all processes (posts ingested, classified, flagged, review items created)',
    labelNames: ['stat'] as const,
    registers: [metrics.registry],
    async collect() {
      const stats = await readStats(redis, prefix);
      for (const [stat, n] of Object.entries(stats)) this.set({ stat }, n);
    },
  });
  // A counter read from Redis at scrape time: each classify process adds to the shared hash, none holds the total.
  new Counter({
    name: 'vigil_posts_uncovered_language_total',
    help: 'Posts in a language the classifier has no cues or training for, by detected language (ISO 639-1, "und" unknown); a daily sample of each is kept for analysts',
    labelNames: ['lang'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await readUncovered(redis, prefix);
      this.reset();
      for (const [lang, n] of Object.entries(counts)) this.inc({ lang }, n);
    },
  });
}

/** Duty alerts by status, and the deliveries that may have reached a receiver twice. */
function registerAlertGauges(metrics: Metrics, db: Db): void {
  new Gauge({
    name: 'vigil_alerts',
    help: 'Duty alerts (the outbox) by status: pending and failed ones have not reached the officer',
    labelNames: ['status'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const status of ['pending', 'sent', 'failed', 'cancelled']) this.set({ status }, 0);
      const rows = await alertCountsByStatus(db);
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'vigil_alert_possible_repeats',
    help: "Delivery attempts made while an earlier attempt's outcome was unknown (a deliverer killed mid-send, a timeout): alerts a receiver may have got twice",
    registers: [metrics.registry],
    async collect() {
      this.set(await duplicateRiskTotal(db));
    },
  });
}

/** A loader whose callers, while one call is running, share its answer: gauges collected in one scrape share one query. */
export function oneInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () =>
    (inFlight ??= load().finally(() => {
      inFlight = undefined;
    }));
}

/**
 * From the database at scrape time: source health, and duty alerts by status. Sources are counted by kind;
 * series named by source only with `perSource` (config `metrics.perSource`), as the names are the watch-list
 * and whoever can scrape /metrics is not necessarily a desk user.
 */
export function registerDbGauges(metrics: Metrics, db: Db, opts: { perSource: boolean } = { perSource: false }): void {
  registerAlertGauges(metrics, db);
  // The source gauges are collected together at each scrape: they share one query in flight.
  const rows = oneInFlight(() => enabledSourceHealth(db));
  new Gauge({
    name: 'vigil_sources',
    help: 'Enabled sources by kind and state: up (read successfully last time) or failing',
    labelNames: ['kind', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows()) this.inc({ kind: r.kind, state: r.last_error === null ? 'up' : 'failing' });
    },
  });
  new Gauge({
    name: 'vigil_sources_oldest_success_timestamp_seconds',
    help: 'Per kind, the Unix time of the least recent last successful read among enabled sources that have read at least once',
    labelNames: ['kind'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const oldest = new Map<string, number>();
      for (const r of await rows())
        if (r.last_success_at)
          oldest.set(r.kind, Math.min(oldest.get(r.kind) ?? Infinity, r.last_success_at.getTime() / 1000));
      for (const [kind, t] of oldest) this.set({ kind }, t);
    },
  });
  if (!opts.perSource) return;
  new Gauge({
    name: 'vigil_source_up',
    help: 'Whether each enabled source read successfully last time (1) or is failing (0)',
    labelNames: ['source', 'kind'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows()) this.set({ source: r.name, kind: r.kind }, r.last_error === null ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vigil_source_last_success_timestamp_seconds',
    help: "Unix time of each source's last successful read",
    labelNames: ['source', 'kind'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows())
        if (r.last_success_at) this.set({ source: r.name, kind: r.kind }, r.last_success_at.getTime() / 1000);
    },
  });
}
