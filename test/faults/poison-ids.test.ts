import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { canOwnPostgres } from '../support/owned-services.js';
import { startFaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/** Lines no query can bind or no schema accepts, each followed by more of the live stream. */
const POISON = [
  JSON.stringify({
    id: 'p-\u0000-1',
    text: '£100 to anyone who sprays the mosque in E10, send a pic to @payday_admin',
  }),
  JSON.stringify({ id: 'p-2', channel: 'east\u0000watch', text: 'bins again' }),
  JSON.stringify({ id: 'p-3', author: 'pay\u001bday', text: 'bins again' }),
  JSON.stringify({ id: 'p-\ud800', text: 'bins again' }),
  JSON.stringify({ id: 'p-5', date: '2025-01-10T21:14:05+23:00', text: 'bins again' }),
  '{"id": "p-6", "text": "cut short',
];

describe.skipIf(!canOwnPostgres)('fault suite: poison ids', () => {
  it('quarantines each poisoned line and loses none of the posts after it', async () => {
    const run = await startFaultRun('poison-ids');
    try {
      await run.warmUp();
      await run.stream(1);
      for (const line of POISON) {
        run.input.appendPoison(line);
        await sleep(1_000);
      }
      run.recovered();
      await run.tail();
      const figures = await settle(
        run,
        `poison lines (${POISON.length}: NUL, ESC, lone surrogate, bad date, cut JSON)`,
      );
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
      expect(figures.quarantined).toBe(POISON.length);
    } finally {
      await run.close();
    }
  });
});
