import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import {
  defaultJobOptions,
  jobQueue,
  QUEUE_NAMES,
  type JobData,
  type JobName,
  type QueueName,
} from './queue.catalog.js';

export interface Queues {
  readonly byName: Readonly<Record<QueueName, Queue>>;
  /** The only way a job is added: the name picks the queue and types the payload. */
  enqueue<N extends JobName>(name: N, data: JobData[N], opts?: JobsOptions): Promise<void>;
  enqueueBulk<N extends JobName>(name: N, jobs: { data: JobData[N]; opts?: JobsOptions }[]): Promise<void>;
  close(): Promise<void>;
}

// The events stream is capped so a busy pipeline does not grow Redis without bound.
const EVENTS_MAX_LEN = 10_000;

export function createQueues(connection: Redis, prefix: string, log: Logger): Queues {
  const byName = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, {
        connection,
        prefix,
        defaultJobOptions: defaultJobOptions[name],
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      });
      // Connection errors surface here; ioredis reconnects by itself.
      queue.on('error', (err) => log.warn({ err, queue: name }, 'queue connection error'));
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;

  return {
    byName,
    async enqueue(name, data, opts) {
      await byName[jobQueue[name]].add(name, data, opts);
    },
    async enqueueBulk(name, jobs) {
      if (jobs.length === 0) return;
      await byName[jobQueue[name]].addBulk(jobs.map((j) => ({ name, data: j.data, opts: j.opts })));
    },
    async close() {
      await Promise.allSettled(Object.values(byName).map((q) => q.close()));
    },
  };
}

export const jobMeta = (requestId?: string) => ({
  enqueuedAt: new Date().toISOString(),
  ...(requestId ? { requestId } : {}),
});

/** Delivery jobs for new outbox rows, after their commit; the sweep re-drives any lost in between. */
export async function enqueueDeliveries(
  queues: Queues,
  rows: { id: number; deliver_after: Date | null }[],
): Promise<void> {
  await queues.enqueueBulk(
    'alert.deliver',
    rows.map((r) => ({
      data: { alertId: r.id },
      opts: {
        jobId: `deliver-${r.id}`,
        delay: r.deliver_after ? Math.max(0, r.deliver_after.getTime() - Date.now()) : 0,
      },
    })),
  );
}
