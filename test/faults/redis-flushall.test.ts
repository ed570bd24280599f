import { describe, expect, it } from 'vitest';
import { alertCountsByStatus } from '../../shared/repositories/alert.repository.js';
import { canOwnPostgres } from '../support/owned-services.js';
import { waitFor } from '../support/wait.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/** Redis loses everything at once: queued and running jobs, the seen-set, every job scheduler. */
describe.skipIf(!canOwnPostgres)('fault suite: Redis FLUSHALL', () => {
  it('loses nothing when Redis comes back empty, without restarting a process', async () => {
    // A receiver slow enough (16 deliveries a second) that alerts wait in the deliver queue when it goes.
    const run = await startFaultRun('redis-flushall', { receiverDelayMs: 500 });
    try {
      await run.warmUp();
      await run.stream(3);
      await run.burst();
      await waitFor(
        async () => {
          const counts = await alertCountsByStatus(run.db);
          return Number(counts.find((c) => c.status === 'pending')?.n ?? 0) >= 10;
        },
        'alerts waiting for delivery',
        30_000,
      );
      await run.redis.flushall();
      run.recovered();
      await run.tail();
      const figures = await settle(run, 'Redis FLUSHALL (posts, items and alerts in flight)');
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
    } finally {
      await run.close();
    }
  });
});
