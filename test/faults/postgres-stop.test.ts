import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

describe.skipIf(!canOwnPostgres)('fault suite: PostgreSQL stopped and started', () => {
  it('loses nothing while PostgreSQL is down for 20 s, and delivers the backlog after', async () => {
    const run = await startFaultRun('postgres-stop');
    try {
      await run.warmUp();
      await run.stream(3);
      await run.burst();
      run.pg.stop();
      await sleep(20_000);
      run.pg.start();
      run.recovered();
      await run.tail();
      const figures = await settle(run, 'PostgreSQL stopped 20 s, started');
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
    } finally {
      await run.close();
    }
  });
});
