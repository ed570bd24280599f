import { Telegram } from 'telegraf';
import type { Redis } from 'ioredis';
import { composeAlert } from '../../shared/alert-message.js';
import type { Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { Handlers } from '../../shared/queues/queue.catalog.js';
import { enqueueDeliveries, type Queues } from '../../shared/queues/queues.js';
import {
  acknowledge,
  beginSend,
  cancelAlert,
  dueForEscalation,
  duePending,
  findAlertForDelivery,
  insertOutbox,
  markAttemptFailed,
  markEscalated,
  markSent,
} from '../../shared/repositories/alert.repository.js';
import { appendAudit } from '../../shared/repositories/audit.repository.js';
import { emailNotifier } from './notifiers/email.notifier.js';
import { DeliveryRefused, type Notifier } from './notifiers/notifier.js';
import { ACK_PREFIX, telegramNotifier } from './notifiers/telegram.notifier.js';
import { webhookNotifier } from './notifiers/webhook.notifier.js';

export interface DeliverDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  prefix: string;
  alerts: Config['alerts'];
  itemUrl: (reviewItemId: number) => string;
  log: Logger;
}

/** A delivery job older than this that left its row pending was lost; the sweep sends it again. */
const SWEEP_GRACE_MS = 30_000;

export function notifiersFor(alerts: Config['alerts']): Partial<Record<string, Notifier>> {
  return {
    ...(alerts.webhook ? { webhook: webhookNotifier(alerts.webhook) } : {}),
    ...(alerts.email ? { email: emailNotifier(alerts.email) } : {}),
    ...(alerts.telegram ? { telegram: telegramNotifier(alerts.telegram) } : {}),
  };
}

/** Escalates the alerts no one acknowledged in time, to the escalation's channels. */
async function escalate(deps: DeliverDeps): Promise<unknown> {
  const { db, queues, alerts, log } = deps;
  if (!alerts.escalation) return { skipped: 'no escalation configured' };
  const due = await dueForEscalation(db, 0, alerts.escalation.after);
  if (due.length === 0) return { escalated: 0 };
  const items = [...new Set(due.map((d) => d.review_item_id))];
  const rows = await db.transaction().execute(async (trx) => {
    const created = await insertOutbox(
      trx,
      items.flatMap((reviewItemId) =>
        alerts.escalation!.channels.map((channel) => ({ reviewItemId, channel, tier: 1 })),
      ),
    );
    await markEscalated(
      trx,
      due.map((d) => d.id),
    );
    return created;
  });
  await enqueueDeliveries(queues, rows);
  log.warn({ items, alerts: rows.length }, 'unacknowledged alerts escalated');
  return { escalated: items.length };
}

/** Takes the Acknowledge presses on Telegram alerts since the last poll. */
async function pollAlertBot(deps: DeliverDeps): Promise<unknown> {
  const { db, alerts } = deps;
  const offsetKey = `${deps.prefix}:alertbot:offset`;
  if (!alerts.telegram) return { skipped: 'no telegram channel configured' };
  const telegram = new Telegram(alerts.telegram.botToken, { apiRoot: alerts.telegram.apiRoot });
  const offset = Number((await deps.redis.get(offsetKey)) ?? 0);
  const updates = await telegram.getUpdates(0, 100, offset, ['callback_query']);
  let acknowledged = 0;
  for (const u of updates) {
    const q = 'callback_query' in u ? u.callback_query : undefined;
    const data = q && 'data' in q ? q.data : undefined;
    if (q && data?.startsWith(ACK_PREFIX)) {
      const who = `telegram:${q.from.username ? `@${q.from.username}` : q.from.id}`;
      const result = await db.transaction().execute(async (trx) => {
        const r = await acknowledge(trx, Number(data.slice(ACK_PREFIX.length)), who);
        if (r && !r.already)
          await appendAudit(trx, {
            actor: who,
            action: 'alert.acknowledge',
            entity: 'review_item',
            entityId: String(r.reviewItemId),
            details: { alertId: Number(data.slice(ACK_PREFIX.length)) },
          });
        return r;
      });
      await telegram
        .answerCbQuery(q.id, result ? (result.already ? 'Already acknowledged' : 'Acknowledged') : 'Unknown alert')
        .catch(() => undefined);
      if (result && !result.already) acknowledged += 1;
    }
    // Moved past each update once it is handled: a crash repeats at most one, and acknowledging twice is harmless.
    await deps.redis.set(offsetKey, String(u.update_id + 1));
  }
  return { acknowledged };
}

/**
 * Sends the outbox at least once. Neither HTTP nor SMTP nor the Bot API can take a message and our record of
 * it in one step, so the row is marked sent in the statement right after the receiver's acknowledgement (the
 * status line, the SMTP 250, the Bot API reply): a crash can repeat an alert only inside that window, which
 * beginSend detects and counts, and the idempotency key lets the receiver drop the repeat.
 */
export function deliverHandlers(deps: DeliverDeps, notifiers = notifiersFor(deps.alerts)): Handlers<'deliver'> {
  const { db, queues, log } = deps;

  return {
    'alert.deliver': async ({ alertId }, job) => {
      const alert = await findAlertForDelivery(db, alertId);
      // A failed row is sent again only when its job is re-driven (`vigil jobs retry`).
      if (!alert || (alert.status !== 'pending' && alert.status !== 'failed'))
        return { skipped: alert ? alert.status : 'missing' };
      // An escalation is queued before it goes out; the item may be acknowledged or dismissed meanwhile.
      if (alert.tier > 0 && (alert.acknowledged || alert.item.status === 'dismissed')) {
        const why = alert.acknowledged ? 'acknowledged' : 'dismissed';
        await cancelAlert(db, alertId, `${why} before the escalation went out`);
        return { skipped: why };
      }
      const notifier = notifiers[alert.channel];
      if (!notifier) {
        await markAttemptFailed(db, alertId, `no ${alert.channel} channel is configured`, true);
        return { skipped: 'channel not configured' };
      }
      const message = composeAlert(alert, deps.itemUrl(alert.item.id));
      const claim = await beginSend(db, alertId);
      if (!claim) return { skipped: 'no longer pending' };
      if (claim.possibleRepeat)
        log.warn(
          { alertId, channel: alert.channel, key: alert.idempotencyKey },
          'an earlier attempt may have reached the receiver unrecorded; sending again, counted as a possible repeat',
        );
      let receipt: Record<string, unknown>;
      try {
        receipt = await notifier({ alertId, idempotencyKey: alert.idempotencyKey, message });
      } catch (err) {
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await markAttemptFailed(db, alertId, (err as Error).message, final, err instanceof DeliveryRefused);
        throw err;
      }
      await markSent(db, alertId, receipt);
      log.info({ alertId, channel: alert.channel, tier: alert.tier, key: alert.idempotencyKey }, 'alert delivered');
      return { sent: alert.channel };
    },

    'outbox.sweep': async () => {
      const ids = await duePending(db, SWEEP_GRACE_MS);
      // Same job ids as the original deliveries: a job still queued is not duplicated.
      await enqueueDeliveries(
        queues,
        ids.map((id) => ({ id, deliver_after: null })),
      );
      return { requeued: ids.length };
    },

    'alerts.escalate': async () => escalate(deps),

    'alertbot.poll': async () => pollAlertBot(deps),
  };
}
