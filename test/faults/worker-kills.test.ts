import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { WorkerKind } from '../../cli/roles.js';
import { findAlerts } from '../../shared/repositories/alert.repository.js';
import { canOwnPostgres } from '../support/owned-services.js';
import { waitFor } from '../support/wait.js';
import { startFaultRun, type FaultRun } from './fault-run.js';
import { HOLDS, invariants, record, settle } from './figures.js';

/** Kills the deliverer while the receiver holds deliveries open; returns how many it had received and not marked sent. */
async function killDelivererMidSend(run: FaultRun): Promise<number> {
  await waitFor(async () => run.receiver.open() >= 3, 'deliveries in flight', 30_000);
  await run.kill('deliver');
  const received = [...new Set(run.receiver.receipts.map((r) => r.key))];
  const sent = await findAlerts(run.db, { status: 'sent', idempotencyKeys: received });
  return received.length - sent.length;
}

describe.skipIf(!canOwnPostgres)('fault suite: worker SIGKILLs', () => {
  it('loses nothing when each worker is killed mid-stream, and repeats at most the deliveries in flight', async () => {
    // A slow receiver, so several deliveries are open when the deliverer dies.
    const run = await startFaultRun('worker-sigkill', { receiverDelayMs: 300 });
    try {
      await run.warmUp();
      await run.stream(3);
      for (const kind of ['ingest', 'classify', 'alert'] satisfies WorkerKind[]) {
        await run.burst(2_000);
        await run.kill(kind);
        await sleep(500);
        run.restart(kind);
      }
      await run.burst(2_000);
      const inFlightAtKill = await killDelivererMidSend(run);
      await sleep(500);
      run.restart('deliver');
      run.recovered();
      await run.tail();
      const figures = await settle(run, 'worker SIGKILLs (ingest, classify, alert, deliver)', { inFlightAtKill });
      record(figures);
      expect(invariants(figures)).toEqual(HOLDS);
      expect(figures.duplicateDeliveries).toBeLessThanOrEqual(inFlightAtKill);
    } finally {
      await run.close();
    }
  });
});
