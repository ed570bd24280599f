import type { Config } from '../shared/config/config.js';
import { QueueName } from '../shared/queues/queue.catalog.js';
import { ensureJobScheduler } from '../shared/queues/job-schedulers.js';
import type { Queues } from '../shared/queues/queues.js';

/**
 * The deliverer's periodic chores, as BullMQ job schedulers (one runs at a time whatever the process count).
 * Re-asserted by keepSchedulers, so they come back when Redis loses them.
 */
export async function scheduleDeliveryChores(queues: Queues, alerts: Config['alerts']): Promise<void> {
  const deliver = queues.byName[QueueName.Deliver];
  await ensureJobScheduler(deliver, 'outbox-sweep', 15_000, { name: 'outbox.sweep', data: {} });
  // Checked often enough that an escalation goes out within a quarter of its delay.
  const escalateEvery = alerts.escalation
    ? Math.min(15_000, Math.max(500, Math.round(alerts.escalation.after / 4)))
    : 0;
  if (alerts.escalation)
    await ensureJobScheduler(deliver, 'alerts-escalate', escalateEvery, { name: 'alerts.escalate', data: {} });
  else await deliver.removeJobScheduler('alerts-escalate');
  if (alerts.telegram) await ensureJobScheduler(deliver, 'alertbot-poll', 2_000, { name: 'alertbot.poll', data: {} });
  else await deliver.removeJobScheduler('alertbot-poll');
}

/** Media retention: unkept images are looked for this often (they are deleted once past config media.orphanGrace). */
const MEDIA_PRUNE_EVERY_MS = 10 * 60_000;

export async function scheduleMediaChores(queues: Queues): Promise<void> {
  await ensureJobScheduler(queues.byName[QueueName.Media], 'media-prune', MEDIA_PRUNE_EVERY_MS, {
    name: 'media.prune',
    data: {},
  });
}
/** Near-miss retention, as a BullMQ job scheduler: one prune runs at a time whatever the process count. */
const NEAR_MISS_PRUNE_EVERY_MS = 10 * 60_000;
/**
 * The alert worker owns the audit checkpoint as well: it runs in every deployment (the pipeline cannot work
 * without it), already runs Postgres chores on job schedulers, and the API runs no BullMQ workers.
 */
export async function scheduleAlertChores(queues: Queues, audit: Config['audit']): Promise<void> {
  await ensureJobScheduler(queues.byName[QueueName.Alert], 'near-miss-prune', NEAR_MISS_PRUNE_EVERY_MS, {
    name: 'near-misses.prune',
    data: {},
  });
  await ensureJobScheduler(queues.byName[QueueName.Alert], 'audit-checkpoint', audit.checkpointEvery, {
    name: 'audit.checkpoint',
    data: {},
  });
}
