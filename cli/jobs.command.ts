import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { createLogger } from '../shared/logger.js';
import { QUEUE_NAMES, type QueueName } from '../shared/queues/queue.catalog.js';
import { createQueues } from '../shared/queues/queues.js';
import { createRedis } from '../shared/queues/redis.js';
import { UsageError } from './admin.command.js';

/** `vigil jobs failed` lists the dead-letter queue; `vigil jobs retry` re-drives it (after a fix). */
export async function runJobs(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { queue: { type: 'string' }, id: { type: 'string', multiple: true } } });
  if (values.queue && !QUEUE_NAMES.includes(values.queue as QueueName)) throw new UsageError(`jobs: --queue must be one of ${QUEUE_NAMES.join(', ')}`);
  const redis = createRedis(config.redis.url, 'worker');
  const queues = createQueues(redis, config.redis.prefix, createLogger({ level: 'silent', format: 'json' }, config.env));
  try {
    const names = values.queue ? [values.queue as QueueName] : QUEUE_NAMES;
    if (action === 'failed') {
      for (const name of names) {
        for (const job of await queues.byName[name].getFailed(0, 999)) {
          process.stdout.write(`${name}\t${job.id}\t${job.name}\tattempts ${job.attemptsMade}\t${new Date(job.finishedOn ?? 0).toISOString()}\t${job.failedReason}\n`);
        }
      }
      return 0;
    }
    if (action === 'retry') {
      let retried = 0;
      for (const name of names) {
        for (const job of await queues.byName[name].getFailed(0, -1)) {
          if (values.id && !values.id.includes(String(job.id))) continue;
          await job.retry('failed');
          retried += 1;
        }
      }
      process.stdout.write(`re-queued ${retried} failed job(s)\n`);
      return 0;
    }
    throw new UsageError('jobs: failed [--queue Q] | retry [--queue Q] [--id ID…]');
  } finally {
    await queues.close();
    redis.disconnect();
  }
}
