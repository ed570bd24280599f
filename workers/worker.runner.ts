import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { redactError } from '../shared/redact.js';
import type { FailedJob } from '../shared/repositories/quarantine.repository.js';
import {
  isJobOf,
  jobSchemas,
  jobsOf,
  type Handlers,
  type JobsOf,
  type QueueName,
} from '../shared/queues/queue.catalog.js';

export interface WorkerDeps {
  connection: Redis;
  prefix: string;
  log: Logger;
  metrics: Metrics;
  /**
   * How long a job's lock lasts without renewal (config `workers.lockDuration`). BullMQ renews it every half of
   * that while the job runs, and every worker checks for lapsed locks as often, so a killed worker's jobs are
   * running again within about one and a half lock durations.
   */
  lockDuration?: number;
  /** Records a job that failed for good where analysts can see it (the quarantine table). */
  onFinalFailure?: (failure: FailedJob) => Promise<void>;
}

/** Catches a handler map that drifted from the catalog, at start-up rather than at the first job. */
function assertHandlersComplete(queue: QueueName, handlers: object): void {
  const expected = jobsOf(queue).sort();
  const actual = Object.keys(handlers).sort();
  if (expected.join() !== actual.join()) {
    throw new Error(`queue "${queue}" needs handlers for [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}

/**
 * Validates a job's payload against its schema and returns the call of its handler with it. Generic in the
 * job's name, so the compiler checks that the schema and the handler are the same job's.
 */
function boundHandler<Q extends QueueName, N extends JobsOf<Q>>(
  handlers: Handlers<Q>,
  name: N,
  job: Job<unknown>,
): () => Promise<unknown> {
  const parsed = jobSchemas[name].safeParse(job.data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UnrecoverableError(`invalid ${name} payload at ${first?.path.join('.') || '(root)'}: ${first?.message}`);
  }
  const handler = handlers[name];
  return () => handler(parsed.data, job);
}

/** Counts a failure; a final one is logged as such and handed to the final-failure hook for re-drive. */
function onFailed(queue: QueueName, deps: WorkerDeps, log: Logger) {
  return (job: Job<unknown> | undefined, err: Error): void => {
    if (!job) return;
    const final =
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    deps.metrics.jobsProcessed.inc({ queue, job: job.name, outcome: final ? 'failed' : 'retried' });
    const fields = { err, jobId: job.id, job: job.name, attempt: job.attemptsMade };
    if (!final) {
      log.warn(fields, 'job failed; will retry with backoff');
      return;
    }
    log.error(fields, 'job failed for good; kept in the failed set for re-drive');
    const failure = {
      queue,
      jobId: job.id,
      jobName: job.name,
      attempts: job.attemptsMade,
      reason: err.message,
      data: job.data,
    };
    deps
      .onFinalFailure?.(failure)
      .catch((hookErr: unknown) => log.error({ err: hookErr, jobId: job.id }, 'could not record the failed job'));
  };
}

/**
 * Runs one queue's handlers in a BullMQ Worker. Payloads are validated here, at the boundary;
 * one that can never be valid fails at once (UnrecoverableError) and stays in the failed set.
 */
export function startWorker<Q extends QueueName>(
  queue: Q,
  handlers: Handlers<Q>,
  deps: WorkerDeps,
  concurrency: number,
): Worker {
  assertHandlersComplete(queue, handlers);
  const log = deps.log.child({ queue });

  const worker = new Worker<unknown>(
    queue,
    async (job) => {
      const name = job.name;
      if (!isJobOf(queue, name)) throw new UnrecoverableError(`no handler for job "${name}" on queue "${queue}"`);
      const run = boundHandler(handlers, name, job);
      const stop = deps.metrics.jobDuration.startTimer({ queue, job: name });
      try {
        return await run();
      } catch (err) {
        // BullMQ stores the message and stack with the failed job (Bull Board shows them): no source credentials there.
        throw redactError(err);
      } finally {
        stop();
      }
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency,
      autorun: true,
      ...(deps.lockDuration
        ? {
            lockDuration: deps.lockDuration,
            lockRenewTime: deps.lockDuration / 2,
            stalledInterval: deps.lockDuration / 2,
          }
        : {}),
    },
  );

  worker.on('completed', (job) => {
    deps.metrics.jobsProcessed.inc({ queue, job: job.name, outcome: 'completed' });
    const enqueuedAt = Date.parse((job.data as { meta?: { enqueuedAt?: string } }).meta?.enqueuedAt ?? '');
    if (Number.isFinite(enqueuedAt)) deps.metrics.jobLatency.observe({ queue }, (Date.now() - enqueuedAt) / 1000);
  });
  worker.on('failed', onFailed(queue, deps, log));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  log.info({ concurrency }, 'worker started');
  return worker;
}

/** What a forced close still waits for (the workers' own connections), at most. */
const FORCE_CLOSE_MS = 5_000;

/**
 * Stops taking jobs and lets running ones finish for up to `graceMs`; then closes without waiting for the
 * rest. BullMQ's `close(true)` cannot do this after a plain `close()` (a second call returns the first's
 * promise), hence the pause. An abandoned job's lock is no longer renewed, so it lapses and another worker
 * runs the job again (at least once): handlers are idempotent for that reason.
 */
export async function closeWorkers(workers: Worker[], graceMs: number): Promise<{ forced: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<true>((r) => (timer = setTimeout(() => r(true), graceMs)));
  const forced = await Promise.race([Promise.allSettled(workers.map((w) => w.pause())).then(() => false), expired]);
  clearTimeout(timer);
  const closed = Promise.allSettled(workers.map((w) => w.close(forced)));
  await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, FORCE_CLOSE_MS)))]);
  clearTimeout(timer);
  return { forced };
}
