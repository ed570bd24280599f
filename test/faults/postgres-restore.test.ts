import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { waitFor } from '../support/wait.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/**
 * PostgreSQL restored from a dump some seconds old while Redis keeps its keys: the review items, alerts and
 * source cursor of those seconds are gone, and must come back from the input, under keys never used for
 * another post.
 */
describe.skipIf(!canOwnPostgres)('fault suite: PostgreSQL restored from an older dump', () => {
  it('re-creates what the dump lacks, with no alert key reused', async () => {
    const run = await startFaultRun('postgres-restore');
    try {
      await run.warmUp();
      await run.stream(3);
      const dumpedAt = Date.now();
      const dump = run.pg.dump(run.database);
      const deliveredAtDump = run.receiver.receipts.length;
      await sleep(6_000);
      await waitFor(
        async () => run.receiver.receipts.length > deliveredAtDump + 20,
        'alerts delivered after the dump',
        30_000,
      );
      await run.burst();
      await run.pg.restore(run.database, dump);
      run.recovered();
      await run.tail();
      const age = Math.round((run.recoveredAt()! - dumpedAt) / 1000);
      const figures = await settle(run, `PostgreSQL restored from a dump ${age} s older (Redis kept)`);
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
    } finally {
      await run.close();
    }
  });
});
