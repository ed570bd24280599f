import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/** The control: the same live input with no fault, so every other scenario's figures have a baseline. */
describe.skipIf(!canOwnPostgres)('fault suite: none (control)', () => {
  it('turns every offer into one review item and one delivery', async () => {
    const run = await startFaultRun('none');
    try {
      await run.warmUp();
      await run.stream(3);
      await run.burst();
      run.recovered();
      await run.tail();
      const figures = await settle(run, 'none (control)');
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
      expect(figures.duplicateDeliveries).toBe(0);
    } finally {
      await run.close();
    }
  });
});
