import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { JobData, JobName } from './queue.catalog.js';

/**
 * Creates or updates a job scheduler only when it is missing or differs: an upsert reschedules its next run,
 * so re-asserting a ten-minute chore every 30 s unconditionally would run it every 30 s. Returns whether it wrote.
 */
export async function ensureJobScheduler<N extends JobName>(
  queue: Queue,
  id: string,
  every: number,
  job: { name: N; data: JobData[N] },
): Promise<boolean> {
  const existing = await queue.getJobScheduler(id);
  if (
    existing?.every === every &&
    existing.name === job.name &&
    JSON.stringify(existing.template?.data ?? {}) === JSON.stringify(job.data)
  )
    return false;
  await queue.upsertJobScheduler(id, { every }, job);
  return true;
}

/**
 * Keeps a process' job schedulers in Redis: `assert` runs now, every `everyMs`, and whenever the connection
 * is ready again after a reconnect, so schedulers a restarted-empty or flushed Redis lost come back without a
 * restart. Runs never overlap; one asked for during a run follows it. Returns the stop function.
 */
export function keepSchedulers(
  redis: Redis,
  assert: () => Promise<unknown>,
  everyMs: number,
  log: Logger,
): { ready: Promise<void>; stop(): void } {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await assert().catch((err: unknown) =>
          log.warn({ err }, 'could not assert job schedulers; trying again shortly'),
        );
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const onReady = () => void run();
  redis.on('ready', onReady);
  const timer = setInterval(onReady, everyMs);
  timer.unref();
  return {
    ready: run(),
    stop() {
      stopped = true;
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}
