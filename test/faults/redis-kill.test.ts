import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

describe.skipIf(!canOwnPostgres)('fault suite: Redis killed (AOF, fsync always)', () => {
  it('loses nothing when Redis is SIGKILLed and restarted from its AOF', async () => {
    const run = await startFaultRun('redis-kill');
    try {
      await run.warmUp();
      await run.stream(3);
      await run.burst();
      await run.redisOwned.restart(2_000);
      run.recovered();
      await run.tail();
      const figures = await settle(run, 'Redis SIGKILL, down 2 s, restarted from AOF');
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
    } finally {
      await run.close();
    }
  });
});
