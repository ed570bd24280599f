import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import type { Config } from '../../shared/config/config.js';
import type { Logger } from '../../shared/logger.js';

/** How long a slot outlives an API process that died holding it; renewed while its export runs. */
const LEASE_MS = 60_000;

/**
 * Slots for evidence exports, per user and overall. Each export reads, hashes and zips many posts, so a
 * few at once would starve everything else; the slots are Redis semaphores (redis-semaphore) so every API
 * process counts the same exports.
 */
export function exportSlots(redis: Redis, keyPrefix: string, limits: Config['exports'], log: Logger) {
  const semaphore = (key: string, limit: number) =>
    new Semaphore(redis, `${keyPrefix}:exports:${key}`, limit, {
      lockTimeout: LEASE_MS,
      acquireAttemptsLimit: 1,
      // The library's default throws where nothing can catch it; an export that outlived its slot just finishes.
      onLockLost: (err) => log.warn({ err }, 'an export slot expired while the export ran'),
    });
  return {
    /** Takes the user's slot and one of the instance's; answers their release, or undefined when either is full. */
    async take(userId: number): Promise<(() => Promise<void>) | undefined> {
      const mine = semaphore(`user:${userId}`, limits.perUser);
      if (!(await mine.tryAcquire())) return undefined;
      const all = semaphore('all', limits.global);
      if (!(await all.tryAcquire())) {
        await mine.release();
        return undefined;
      }
      let released: Promise<void> | undefined;
      return () => (released ??= Promise.allSettled([all.release(), mine.release()]).then(() => undefined));
    },
  };
}
