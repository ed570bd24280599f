import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from '../services/api/app.js';
import type { Config } from '../shared/config/config.js';
import { createDb, type Db } from '../shared/db/client.js';
import { auditCheckpointFile, takeCheckpoint } from '../shared/evidence/audit-checkpoint.js';
import { loadOrCreateSigningKey, signingKeyFile } from '../shared/evidence/signing-key.js';
import { safeUrl, type Logger } from '../shared/logger.js';
import { createMetrics, registerDbGauges, registerQueueGauges, type Metrics } from '../shared/metrics.js';
import { registerCoverageGauges } from '../shared/coverage-metrics.js';
import { QueueName } from '../shared/queues/queue.catalog.js';
import { keepSchedulers } from '../shared/queues/job-schedulers.js';
import { createQueues, type Queues } from '../shared/queues/queues.js';
import { createRedis } from '../shared/queues/redis.js';
import { quarantineFailedJob } from '../shared/repositories/quarantine.repository.js';
import { countUsers } from '../shared/repositories/user.repository.js';
import { alertHandlers } from '../workers/alert/alert.worker.js';
import { classifyHandlers } from '../workers/classify/classify.worker.js';
import { deliverHandlers } from '../workers/deliver/deliver.worker.js';
import { createHostBudget, type HostBudget } from '../workers/ingest/host-budget.js';
import { createFetcher } from '../workers/ingest/http-fetcher.js';
import { ingestHandlers } from '../workers/ingest/ingest.worker.js';
import { mediaHandlers } from '../workers/media/media.worker.js';
import { createImageReadPool, type ImageReadPool } from '../workers/media/image-read-pool.js';
import { directoryStore } from '../shared/media/media-store.js';
import { resyncSources, syncSources } from '../workers/ingest/source-schedule.js';
import { closeWorkers, startWorker, type WorkerDeps } from '../workers/worker.runner.js';
import { WORKER_KINDS, type Role, type WorkerKind } from './roles.js';
import { scheduleAlertChores, scheduleDeliveryChores, scheduleMediaChores } from './chores.js';
import { deskItemUrl } from '../shared/desk-url.js';

// Persisting waits on Postgres commits, so it needs many jobs in flight (Little's law); classifying is CPU-bound.
// Media jobs mostly wait on image hosts; reading images (decode, QR, OCR) is bounded by the thread pool (config media.ocrWorkers).
const CONCURRENCY: Record<WorkerKind, number> = { ingest: 4, classify: 8, alert: 64, deliver: 8, media: 4 };
/**
 * Polls of a budgeted host mostly wait for their permit, in priority order, and enough must wait to keep the
 * budget busy; but each holds the source's lock (a pooled connection) and queries on another, so the pool
 * bounds them: 4 at the default poolSize of 10, 16 from a pool of 34.
 */
const ingestConcurrency = (poolSize: number) =>
  Math.max(CONCURRENCY.ingest, Math.min(16, Math.floor((poolSize - 2) / 2)));
/** After the workers, whatever is left (HTTP, queues, pools) gets this long to close; a query stuck on a lock would hold the pool for good. */
const CLOSE_REST_MS = 5_000;

/** Runs `fn`, waiting for it at most `ms`; what it leaves running is abandoned (the process is about to exit). */
async function withinMs(ms: number, fn: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([fn().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export interface Runtime {
  db: Db;
  redis: Redis;
  queues: Queues;
  metrics: Metrics;
  app?: FastifyInstance;
  /** The URL the API listens on, when it was asked to listen. */
  url?: string;
  close(): Promise<void>;
}

/** The parts of a starting runtime, which close() takes down: what has started so far, set as each part starts. */
interface Parts {
  config: Readonly<Config>;
  log: Logger;
  db: Db;
  redis: Redis;
  queues: Queues;
  metrics: Metrics;
  workers: Worker[];
  /** The job schedulers this process owns, by role: asserted at start and kept (see keepSchedulers). */
  schedules: (() => Promise<unknown>)[];
  app?: FastifyInstance;
  apiRedis?: Redis;
  url?: string;
  keeper?: { stop(): void };
  budget?: HostBudget;
  imageReader?: ImageReadPool;
}

async function closeParts(p: Parts): Promise<void> {
  const { config, log } = p;
  p.keeper?.stop();
  // Jobs get the grace period to finish; those still running are abandoned (their locks lapse, another worker retries them).
  const { forced } = await closeWorkers(p.workers, config.workers.shutdownGrace);
  if (forced)
    log.warn(
      { graceMs: config.workers.shutdownGrace },
      'jobs still running at the shutdown limit were abandoned; another worker retries them',
    );
  await withinMs(CLOSE_REST_MS, async () => {
    if (p.app) await p.app.close();
    await p.budget?.close();
    await p.queues.close();
    await Promise.allSettled([p.db.destroy(), p.redis.quit(), p.apiRedis?.quit(), p.imageReader?.close()]);
  });
}

/** The alert worker (with the audit checkpoint and near-miss chores) and the deliverer, when this process has those roles. */
async function startAlertWorkers(
  p: Parts,
  kinds: WorkerKind[],
  deps: WorkerDeps,
  itemUrl: (id: number) => string,
): Promise<void> {
  const { config, log, db, redis, queues } = p;
  if (kinds.includes('alert')) {
    const alertLog = log.child({ worker: 'alert' });
    const checkpointFile = await auditCheckpointFile(db, config);
    const keyFile = await signingKeyFile(db, config.evidence);
    // The key is read at the first checkpoint, which an empty log never takes.
    const checkpointAudit = () =>
      takeCheckpoint(db, {
        key: loadOrCreateSigningKey(keyFile, config.evidence.keyPassphrase),
        file: checkpointFile,
        log: alertLog,
      });
    const handlers = alertHandlers({
      db,
      redis,
      queues,
      prefix: config.redis.prefix,
      alerts: config.alerts,
      nearMiss: config.nearMiss,
      incidents: config.incidents,
      itemUrl,
      log: alertLog,
      checkpointAudit,
    });
    p.workers.push(startWorker(QueueName.Alert, handlers, deps, CONCURRENCY.alert));
    p.schedules.push(() => scheduleAlertChores(queues, config.audit));
  }
  if (kinds.includes('deliver')) {
    const handlers = deliverHandlers({
      db,
      redis,
      queues,
      prefix: config.redis.prefix,
      alerts: config.alerts,
      itemUrl,
      log: log.child({ worker: 'deliver' }),
    });
    p.workers.push(startWorker(QueueName.Deliver, handlers, deps, CONCURRENCY.deliver));
    p.schedules.push(() => scheduleDeliveryChores(queues, config.alerts));
  }
}

/** The workers posts pass through before an alert: classify, media and ingest (which also brings the sources in line with the config). */
async function startPostWorkers(p: Parts, kinds: WorkerKind[], deps: WorkerDeps): Promise<void> {
  const { config, redis, queues } = p;
  if (kinds.includes('classify')) {
    p.workers.push(
      startWorker(
        QueueName.Classify,
        classifyHandlers({
          redis,
          prefix: config.redis.prefix,
          queues,
          uncoveredSamplePerDay: config.nearMiss.uncoveredSamplePerDay,
          readImages: config.media.enabled,
        }),
        deps,
        CONCURRENCY.classify,
      ),
    );
  }
  if (kinds.includes('media')) startMediaWorker(p, deps);
  if (kinds.includes('ingest')) await startIngestWorker(p, deps);
}

function startMediaWorker(p: Parts, deps: WorkerDeps): void {
  const { config, log, db, queues } = p;
  // Image hosts get the same guarded fetcher as sources, with the media size cap and timeout.
  const fetcher = createFetcher({
    timeoutMs: config.media.fetchTimeout,
    maxBytes: config.media.maxBytes,
    allowPrivateNetworks: config.ingest.allowPrivateNetworks,
    perHostIntervalMs: config.ingest.perHostInterval,
  });
  const reader = (p.imageReader = createImageReadPool({
    size: config.media.ocrWorkers,
    timeoutMs: config.media.ocrTimeout,
  }));
  const handlers = mediaHandlers({
    db,
    queues,
    store: directoryStore(config.media.storeDir),
    fetcher,
    reader,
    log: log.child({ worker: 'media' }),
    maxPixels: config.media.maxPixels,
    maxPerPost: config.media.maxPerPost,
    orphanGrace: config.media.orphanGrace,
  });
  p.workers.push(startWorker(QueueName.Media, handlers, deps, CONCURRENCY.media));
  p.schedules.push(() => scheduleMediaChores(queues));
}

/** Ingest, which also brings the sources in line with the config. */
async function startIngestWorker(p: Parts, deps: WorkerDeps): Promise<void> {
  const { config, log, db, redis, queues } = p;
  const budget = (p.budget = await createHostBudget(
    redis,
    config.redis.prefix,
    config.ingest.hosts,
    log.child({ module: 'host-budget' }),
  ));
  const fetcher = createFetcher({
    budget,
    timeoutMs: config.ingest.fetchTimeout,
    maxBytes: config.ingest.maxResponseBytes,
    allowPrivateNetworks: config.ingest.allowPrivateNetworks,
    perHostIntervalMs: config.ingest.perHostInterval,
  });
  const handlers = ingestHandlers({ db, redis, queues, fetcher, config, log: log.child({ worker: 'ingest' }) });
  p.workers.push(startWorker(QueueName.Ingest, handlers, deps, ingestConcurrency(config.database.poolSize)));
  const sourcesLog = log.child({ module: 'sources' });
  await syncSources(db, queues, config, sourcesLog);
  p.schedules.push(() => resyncSources(db, queues, config, sourcesLog));
}

/** The review API, with its gauges; listening (and then known by its URL) when asked to. */
async function startApi(p: Parts, kinds: WorkerKind[], listen: boolean, baseUrl: string): Promise<void> {
  const { config, log, db, redis, queues, metrics } = p;
  const apiRedis = (p.apiRedis = kinds.length ? createRedis(config.redis.url, 'request') : undefined);
  apiRedis?.on('error', () => undefined); // reported through /healthz
  registerQueueGauges(metrics, queues, apiRedis ?? redis, config.redis.prefix);
  registerDbGauges(metrics, db, { perSource: config.metrics.perSource });
  registerCoverageGauges(metrics, db);
  const app = (p.app = await buildApp({
    db,
    redis: apiRedis ?? redis,
    metrics,
    log,
    secureCookies: config.http.publicUrl?.startsWith('https:') ?? false,
    evidence: {
      keyFile: await signingKeyFile(db, config.evidence),
      keyPassphrase: config.evidence.keyPassphrase,
      checkpointFile: await auditCheckpointFile(db, config),
    },
    queues,
    bullBoardReadOnly: config.bullBoard.readOnly,
    metricsToken: config.metrics.token,
    keyPrefix: config.redis.prefix,
    timeouts: config.http,
    login: config.login,
    exports: config.exports,
    alerts: config.alerts,
    incidents: config.incidents,
    importDir: config.ingest.importDir,
    media: directoryStore(config.media.storeDir),
  }));
  if (listen) {
    await app.listen({ host: config.http.host, port: config.http.port });
    const address = app.server.address();
    const url = (p.url =
      typeof address === 'object' && address ? `http://${config.http.host}:${address.port}` : baseUrl);
    log.info({ url, items: `${url}/api/items`, docs: `${url}/docs` }, 'review API listening');
    if ((await countUsers(db)) === 0)
      log.warn(
        'no users yet: add one with `npx vigil user add --email you@example.org --role admin`, then `npx vigil token create --email you@example.org`',
      );
  }
}

export async function startRuntime(
  config: Readonly<Config>,
  log: Logger,
  roles: Role[],
  opts: { listen: boolean } = { listen: true },
): Promise<Runtime> {
  const kinds = WORKER_KINDS.filter((k) => roles.includes(k));
  const db = createDb(config.database.url, config.database.poolSize);
  const redis = createRedis(config.redis.url, kinds.length ? 'worker' : 'request');
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = createQueues(redis, config.redis.prefix, log);
  const metrics = createMetrics();
  const p: Parts = { config, log, db, redis, queues, metrics, workers: [], schedules: [] };

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= closeParts(p));

  try {
    log.info(
      { redis: safeUrl(config.redis.url), database: safeUrl(config.database.url), prefix: config.redis.prefix, roles },
      'starting',
    );
    const deps: WorkerDeps = {
      connection: redis,
      prefix: config.redis.prefix,
      log,
      metrics,
      lockDuration: config.workers.lockDuration,
      onFinalFailure: (f) => quarantineFailedJob(db, f),
    };
    const baseUrl = config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`;
    const itemUrl = (id: number) => deskItemUrl(p.url ?? baseUrl, id);

    await startAlertWorkers(p, kinds, deps, itemUrl);
    await startPostWorkers(p, kinds, deps);
    if (p.schedules.length) {
      const kept = keepSchedulers(
        redis,
        () => Promise.all(p.schedules.map((assert) => assert())),
        config.workers.schedulerResync,
        log.child({ module: 'schedulers' }),
      );
      p.keeper = kept;
      await kept.ready;
    }
    if (roles.includes('api')) await startApi(p, kinds, opts.listen, baseUrl);
  } catch (err) {
    await close();
    throw err;
  }
  return { db, redis, queues, metrics, app: p.app, url: p.url, close };
}
