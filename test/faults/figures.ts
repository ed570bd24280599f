import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QUEUE_NAMES } from '../../shared/queues/queue.catalog.js';
import { packageRoot } from '../../shared/paths.js';
import { findAlerts } from '../../shared/repositories/alert.repository.js';
import { reviewItemsPerPost } from '../../shared/repositories/post.repository.js';
import { countQuarantined } from '../../shared/repositories/quarantine.repository.js';
import type { FaultRun } from './fault-run.js';
import { externalId } from './live-input.js';

export const FIGURES_DIR = join(packageRoot(), '.scratch', 'faults');
export const FIGURES_FILE = join(FIGURES_DIR, 'figures.jsonl');

/** What one fault scenario measured: the Done-when invariants of issue 11, and what explains them. */
export interface Figures {
  scenario: string;
  fault: string;
  postsWritten: number;
  poisonWritten: number;
  flaggedExpected: number;
  flaggedFound: number;
  lost: number;
  duplicateItems: number;
  /** Review items for lines that are not offers (false positives), reported only. */
  otherItems: number;
  /** Idempotency keys the receiver got for two or more different posts. */
  keysReused: number;
  /** Alert rows not sent when the run ended. */
  pendingAlerts: number;
  /** Offers with a review item that never reached the receiver. */
  undelivered: number;
  /** Longest wait after recovery for an offer's first delivery or an alert row's send; null: something never arrived. */
  maxDeliveryDelayMs: number | null;
  deliveries: number;
  duplicateDeliveries: number;
  /** Deliveries received but not marked sent when the deliverer was killed: the most that may repeat. */
  inFlightAtKill?: number;
  quarantined: number;
  failedJobs: Record<string, number>;
  unexpectedExits: string[];
  runSeconds: number;
}

interface Observation {
  items: Map<string, number>;
  pending: number;
  sends: { created: number; sent: number }[];
  quarantined: number;
}

async function observe(run: FaultRun): Promise<Observation> {
  const alerts = await findAlerts(run.db);
  return {
    items: await reviewItemsPerPost(run.db),
    pending: alerts.filter((a) => a.status !== 'sent').length,
    sends: alerts
      .filter((a) => a.sent_at)
      .map((a) => ({ created: a.created_at.getTime(), sent: a.sent_at!.getTime() })),
    quarantined: await countQuarantined(run.db),
  };
}

/** Offers written that have a review item, and those of them the receiver has seen. */
function delivery(run: FaultRun, o: Observation) {
  const received = new Set(run.receiver.receipts.map((r) => r.post));
  const withItem = [...run.input.offers.keys()].filter((n) => o.items.has(externalId(n)));
  return { withItem, undelivered: withItem.filter((n) => !received.has(n)) };
}

/**
 * Waits until every offer written is a review item, every one is delivered and no alert is pending (and
 * stays so for a few seconds, so late repeats are counted), or until `waitMs` after recovery; then measures.
 */
export async function settle(
  run: FaultRun,
  fault: string,
  opts: { waitMs?: number; inFlightAtKill?: number } = {},
): Promise<Figures> {
  const recoveredAt = run.recoveredAt();
  if (recoveredAt === undefined) throw new Error('settle() before recovered()');
  const deadline = recoveredAt + (opts.waitMs ?? 75_000);
  let settledSince: number | undefined;
  let last: Observation | undefined;
  while (Date.now() < deadline) {
    last = await observe(run).catch(() => last);
    const d = last && delivery(run, last);
    const done =
      last && d && last.pending === 0 && d.undelivered.length === 0 && d.withItem.length === run.input.offers.size;
    settledSince = done ? (settledSince ?? Date.now()) : undefined;
    if (settledSince !== undefined && Date.now() - settledSince > 3_000) break;
    await sleep(250);
  }
  const o = await observe(run).catch(() => last);
  if (!o) throw new Error(`${run.scenario}: Postgres could not be read at the end of the run`);
  return measure(run, fault, o, recoveredAt, opts.inFlightAtKill);
}

async function measure(
  run: FaultRun,
  fault: string,
  o: Observation,
  recoveredAt: number,
  inFlightAtKill: number | undefined,
): Promise<Figures> {
  const offers = run.input.offers;
  const { withItem, undelivered } = delivery(run, o);
  const receipts = run.receiver.receipts;
  const firstReceipt = new Map<number, number>();
  const postsByKey = new Map<string, Set<number | undefined>>();
  for (const r of receipts) {
    if (r.post !== undefined && !firstReceipt.has(r.post)) firstReceipt.set(r.post, r.at);
    postsByKey.set(r.key, (postsByKey.get(r.key) ?? new Set()).add(r.post));
  }
  const delays = [
    ...withItem.map((n) => (firstReceipt.get(n) ?? Infinity) - Math.max(recoveredAt, offers.get(n)!)),
    ...o.sends.map((a) => a.sent - Math.max(recoveredAt, a.created)),
  ];
  const maxDelay = Math.max(0, ...delays);
  const failedJobs: Record<string, number> = {};
  for (const q of QUEUE_NAMES) failedJobs[q] = await run.redis.zcard(`{vigil}:${q}:failed`).catch(() => -1);
  const offerIds = new Set([...offers.keys()].map(externalId));
  return {
    scenario: run.scenario,
    fault,
    postsWritten: run.input.written() - run.input.poisonWritten(),
    poisonWritten: run.input.poisonWritten(),
    flaggedExpected: offers.size,
    flaggedFound: withItem.length,
    lost: offers.size - withItem.length,
    duplicateItems: [...o.items.values()].reduce((sum, n) => sum + n - 1, 0),
    otherItems: [...o.items.keys()].filter((id) => !offerIds.has(id)).length,
    keysReused: [...postsByKey.values()].filter((posts) => posts.size > 1).length,
    pendingAlerts: o.pending,
    undelivered: undelivered.length,
    maxDeliveryDelayMs: o.pending === 0 && Number.isFinite(maxDelay) ? maxDelay : null,
    deliveries: receipts.length,
    duplicateDeliveries: receipts.length - postsByKey.size,
    ...(inFlightAtKill === undefined ? {} : { inFlightAtKill }),
    quarantined: o.quarantined,
    failedJobs,
    unexpectedExits: [...run.unexpectedExits],
    runSeconds: Math.round((Date.now() - run.startedAt) / 1000),
  };
}

export const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export function formatFigures(f: Figures): string {
  return [
    `[fault ${f.scenario}] posts ${f.postsWritten}${f.poisonWritten ? ` (+${f.poisonWritten} poison, ${f.quarantined} quarantined)` : ''}`,
    `flagged ${f.flaggedFound}/${f.flaggedExpected} (lost ${f.lost})`,
    `duplicate items ${f.duplicateItems}`,
    `keys reused ${f.keysReused}`,
    `pending ${f.pendingAlerts}, undelivered ${f.undelivered}`,
    `max delivery delay after recovery ${seconds(f.maxDeliveryDelayMs)}`,
    `deliveries ${f.deliveries} (duplicates ${f.duplicateDeliveries}${f.inFlightAtKill === undefined ? '' : `, in flight at kill ${f.inFlightAtKill}`})`,
    `failed jobs ${Object.values(f.failedJobs).reduce((a, b) => a + b, 0)}`,
    `unexpected exits ${f.unexpectedExits.length}`,
    `${f.runSeconds} s`,
  ].join(', ');
}

/** Prints the one-line figure and keeps it for the suite's summary (written by the global teardown). */
export function record(f: Figures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify(f)}\n`);
  console.log(formatFigures(f));
}

/** The Done-when of issue 11, each invariant by name, so a failure shows every one that does not hold. */
export function invariants(f: Figures) {
  return {
    lost: f.lost,
    duplicateItems: f.duplicateItems,
    keysReused: f.keysReused,
    pendingAlerts: f.pendingAlerts,
    undelivered: f.undelivered,
    deliveredWithin60s: f.maxDeliveryDelayMs !== null && f.maxDeliveryDelayMs <= 60_000,
    unexpectedExits: f.unexpectedExits,
  };
}

export const HOLDS = {
  lost: 0,
  duplicateItems: 0,
  keysReused: 0,
  pendingAlerts: 0,
  undelivered: 0,
  deliveredWithin60s: true,
  unexpectedExits: [],
};
const holds = (f: Figures) => JSON.stringify(invariants(f)) === JSON.stringify(HOLDS);

/** Scenarios in the order of the issue's list, whatever order the files ran in. */
const ORDER = [
  'none',
  'worker-sigkill',
  'postgres-stop',
  'redis-kill',
  'redis-flushall',
  'postgres-restore',
  'append-50k',
  'poison-ids',
];
const rank = (f: Figures) => {
  const i = ORDER.indexOf(f.scenario);
  return i === -1 ? ORDER.length : i;
};

/** The "Fault suite figures" table of docs/reliability.md. */
export function figuresTable(all: Figures[]): string {
  const rows = [...all]
    .sort((a, b) => rank(a) - rank(b))
    .map((f) => {
      const posts = `${f.postsWritten.toLocaleString('en')}${f.poisonWritten ? ` + ${f.poisonWritten} poison (${f.quarantined} quarantined)` : ''}`;
      const repeats = `${f.duplicateDeliveries}${f.inFlightAtKill === undefined ? '' : ` (in flight at kill: ${f.inFlightAtKill})`}`;
      return `| ${f.fault} | ${posts} | ${f.flaggedExpected} / ${f.flaggedFound} | ${f.duplicateItems} | ${f.keysReused} | ${f.pendingAlerts} / ${f.undelivered} | ${seconds(f.maxDeliveryDelayMs)} | ${repeats} | ${holds(f) ? 'yes' : '**no**'} |`;
    });
  return [
    '| Fault | Posts written | Flagged expected / found | Duplicate items | Keys reused | Alerts pending / undelivered | Max delivery delay after recovery | Duplicate deliveries | Holds |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
