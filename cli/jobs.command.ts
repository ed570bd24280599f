import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import type { Config } from '../shared/config/config.js';
import { createDb, type Db } from '../shared/db/client.js';
import { createLogger } from '../shared/logger.js';
import { QUEUE_NAMES, type QueueName } from '../shared/queues/queue.catalog.js';
import { createQueues } from '../shared/queues/queues.js';
import { createRedis } from '../shared/queues/redis.js';
import { appendAudit } from '../shared/repositories/audit.repository.js';
import { UsageError } from './admin.command.js';

/** Jobs named in one audit entry; the count is always exact. */
const MAX_AUDITED_JOBS = 1_000;

type Queues = ReturnType<typeof createQueues>;

async function listFailed(queues: Queues, names: readonly QueueName[]): Promise<number> {
  for (const name of names) {
    for (const job of await queues.byName[name].getFailed(0, 999)) {
      process.stdout.write(
        `${name}\t${job.id}\t${job.name}\tattempts ${job.attemptsMade}\t${new Date(job.finishedOn ?? 0).toISOString()}\t${job.failedReason}\n`,
      );
    }
  }
  return 0;
}

async function retryFailed(
  db: Db,
  queues: Queues,
  names: readonly QueueName[],
  values: { queue?: string; id?: string[] },
): Promise<number> {
  const chosen: { queue: QueueName; job: Job }[] = [];
  for (const name of names) {
    for (const job of await queues.byName[name].getFailed(0, -1)) {
      if (!values.id || values.id.includes(String(job.id))) chosen.push({ queue: name, job });
    }
  }
  if (chosen.length === 0) {
    process.stdout.write('re-queued 0 failed job(s)\n');
    return 0;
  }
  // A re-driven job can page the duty officer or write review items: who did it is recorded before it
  // runs (a failed audit write stops it), and what happened after.
  const audit = { actor: `cli:${userInfo().username}`, entity: 'queue', entityId: values.queue ?? null };
  const jobs = chosen.map(({ queue, job }) => ({ queue, id: String(job.id), name: job.name }));
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      ...audit,
      action: 'jobs.retry',
      details: {
        count: jobs.length,
        jobs: jobs.slice(0, MAX_AUDITED_JOBS),
        ...(values.id ? { ids: values.id } : {}),
      },
    }),
  );
  const failed: { queue: string; id: string; error: string }[] = [];
  for (const { queue, job } of chosen) {
    try {
      await job.retry('failed');
    } catch (err) {
      failed.push({ queue, id: String(job.id), error: (err as Error).message });
    }
  }
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      ...audit,
      action: 'jobs.retry.result',
      details: { retried: jobs.length - failed.length, failed: failed.slice(0, MAX_AUDITED_JOBS) },
    }),
  );
  process.stdout.write(`re-queued ${jobs.length - failed.length} failed job(s)\n`);
  for (const f of failed) process.stdout.write(`not re-queued: ${f.queue} ${f.id}: ${f.error}\n`);
  return failed.length ? 1 : 0;
}

/** `vigil jobs failed` lists the dead-letter queue; `vigil jobs retry` re-drives it (after a fix). */
export async function runJobs(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { queue: { type: 'string' }, id: { type: 'string', multiple: true } },
  });
  if (values.queue && !QUEUE_NAMES.includes(values.queue as QueueName))
    throw new UsageError(`jobs: --queue must be one of ${QUEUE_NAMES.join(', ')}`);
  const redis = createRedis(config.redis.url, 'worker');
  const db = createDb(config.database.url, 2);
  const queues = createQueues(
    redis,
    config.redis.prefix,
    createLogger({ level: 'silent', format: 'json' }, config.env),
  );
  try {
    const names = values.queue ? [values.queue as QueueName] : QUEUE_NAMES;
    if (action === 'failed') return await listFailed(queues, names);
    if (action === 'retry') return await retryFailed(db, queues, names, values);
    throw new UsageError('jobs: failed [--queue Q] | retry [--queue Q] [--id ID…]');
  } finally {
    await queues.close();
    redis.disconnect();
    await db.destroy();
  }
}
