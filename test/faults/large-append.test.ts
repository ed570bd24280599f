import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/** Past the 13,107 posts one statement could once bind (65,535 parameters, five a post). */
const LINES = 50_000;

describe.skipIf(!canOwnPostgres)('fault suite: a 50,000-post append', () => {
  it('ingests one append of 50,000 lines: every offer an item and a delivery', async () => {
    const run = await startFaultRun('append-50k');
    try {
      await run.warmUp();
      run.input.append(LINES);
      run.recovered();
      const figures = await settle(run, '50,000 lines in one append', { waitMs: 120_000 });
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
    } finally {
      await run.close();
    }
  });
});
