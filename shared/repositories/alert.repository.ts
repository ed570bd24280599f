import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AlertStatus, AlertTable, Database } from '../db/database.js';
import type { DutyAlert } from '../domain/alert.js';
import { redactSecrets } from '../redact.js';
import { anyId, anyText, valueSlices } from './bind-limit.js';
import { findReviewItem } from './review-item-view.repository.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface OutboxEntry {
  reviewItemId: number;
  /** An incident linked to the item's campaign, which this alert announces (one per incident, channel and tier). */
  incidentId?: number;
  channel: string;
  tier?: number;
  deliverAfter?: Date | null;
}

/**
 * The key a receiver uses to drop a second delivery of the same alert (webhook header, email Message-ID).
 * Built from this instance's id and the post's key, never from a serial id: a database restored from an
 * older dump reuses review-item ids, and a key already sent for another post would be dropped as a repeat.
 * The two are hashed to 128 bits so the Message-ID header stays on one line.
 */
export function alertIdempotencyKey(k: {
  instanceId: string;
  postKey: string;
  channel: string;
  tier?: number;
}): string {
  const id = createHash('sha256').update(`${k.instanceId}/${k.postKey}`).digest('hex').slice(0, 32);
  return `vigil-alert-${id}-${k.channel}${k.tier ? `-t${k.tier}` : ''}`;
}

/**
 * Writes outbox rows; call it in the transaction that creates what they announce. Returns the new rows.
 * A row already there for the item, channel and tier is kept with its key, so a sent alert's key never changes.
 */
export async function insertOutbox(
  trx: Executor,
  entries: OutboxEntry[],
): Promise<{ id: number; deliver_after: Date | null }[]> {
  if (entries.length === 0) return [];
  const { id: instanceId } = await trx.selectFrom('instance').select('id').executeTakeFirstOrThrow();
  const posts = await trx
    .selectFrom('review_item')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .select(['review_item.id', 'post.post_key'])
    .where('review_item.id', '=', anyId([...new Set(entries.map((e) => e.reviewItemId))]))
    .execute();
  const postKey = new Map(posts.map((p) => [p.id, p.post_key]));
  // An incident's alert is keyed on the report and the site, never on the item it points at.
  const incidentIds = [...new Set(entries.flatMap((e) => (e.incidentId ? [e.incidentId] : [])))];
  const incidents = incidentIds.length
    ? await trx
        .selectFrom('incident')
        .innerJoin('incident_report', 'incident_report.id', 'incident.report_id')
        .select(['incident.id', 'incident_report.post_key', 'incident.site_key'])
        .where('incident.id', '=', anyId(incidentIds))
        .execute()
    : [];
  const incidentKey = new Map(incidents.map((i) => [i.id, `incident/${i.post_key}/${i.site_key}`]));
  const values = entries.map((e) => {
    const key = e.incidentId ? incidentKey.get(e.incidentId) : postKey.get(e.reviewItemId);
    if (key === undefined)
      throw new Error(
        e.incidentId ? `incident ${e.incidentId} does not exist` : `review item ${e.reviewItemId} does not exist`,
      );
    return {
      review_item_id: e.reviewItemId,
      incident_id: e.incidentId ?? null,
      channel: e.channel,
      tier: e.tier ?? 0,
      deliver_after: e.deliverAfter ?? null,
      idempotency_key: alertIdempotencyKey({ instanceId, postKey: key, channel: e.channel, tier: e.tier }),
    };
  });
  const created: { id: number; deliver_after: Date | null }[] = [];
  for (const slice of valueSlices(values)) {
    // No conflict target: a repeat meets the (item, channel, tier) key whatever its key's format.
    created.push(
      ...(await trx
        .insertInto('alert')
        .values(slice)
        .onConflict((oc) => oc.doNothing())
        .returning(['id', 'deliver_after'])
        .execute()),
    );
  }
  return created;
}

/** An alert with what its message needs: the item (its post and classification), its campaign's labels, the incident it announces. */
export async function findAlertForDelivery(db: Executor, id: number): Promise<DutyAlert | undefined> {
  const row = await db
    .selectFrom('alert')
    .innerJoin('review_item', 'review_item.id', 'alert.review_item_id')
    .leftJoin('campaign', 'campaign.id', 'review_item.campaign_id')
    .leftJoin('incident', 'incident.id', 'alert.incident_id')
    .leftJoin('incident_report', 'incident_report.id', 'incident.report_id')
    .select([
      'alert.id',
      'alert.channel',
      'alert.status',
      'alert.tier',
      'alert.idempotency_key',
      'alert.deliver_after',
      'alert.review_item_id',
      'campaign.labels as campaign_labels',
      sql<boolean>`exists (select 1 from alert a where a.review_item_id = alert.review_item_id and a.acknowledged_at is not null)`.as(
        'acknowledged',
      ),
      'incident.id as incident_id',
      'incident.act as incident_act',
      'incident.place_type as incident_place_type',
      'incident.place_name as incident_place_name',
      'incident.road as incident_road',
      'incident.town as incident_town',
      'incident.postcode_district as incident_district',
      sql<string>`to_char(incident.occurred_on, 'YYYY-MM-DD')`.as('incident_occurred_on'),
      'incident_report.url as incident_url',
    ])
    .where('alert.id', '=', id)
    .executeTakeFirst();
  const item = row && (await findReviewItem(db, row.review_item_id));
  if (!row || !item) return undefined;
  const { incident_id: incidentId, incident_act: act, incident_place_type: placeType } = row;
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    tier: row.tier,
    idempotencyKey: row.idempotency_key,
    deliverAfter: row.deliver_after,
    item,
    campaignLabels: row.campaign_labels,
    acknowledged: row.acknowledged,
    incident:
      incidentId !== null && act !== null && placeType !== null
        ? {
            id: incidentId,
            act,
            placeType,
            placeName: row.incident_place_name,
            road: row.incident_road,
            town: row.incident_town,
            postcodeDistrict: row.incident_district,
            occurredOn: row.incident_occurred_on,
            url: row.incident_url,
          }
        : null,
  };
}

/**
 * Marks an attempt as handed to the receiver, just before it is. Returns undefined when the row is no longer
 * sendable, and whether this attempt may repeat one that reached the receiver unrecorded: the last attempt got
 * this far and recorded no outcome (its worker died mid-send, or it could not tell whether the receiver took it).
 * Such attempts are counted on the row (`duplicate_risk`).
 */
export async function beginSend(db: Executor, id: number): Promise<{ possibleRepeat: boolean } | undefined> {
  const row = await db
    .updateTable('alert')
    .from(db.selectFrom('alert').select(['id', 'send_started_at']).where('id', '=', id).as('prev'))
    .set({
      send_started_at: new Date(),
      duplicate_risk: sql<number>`alert.duplicate_risk + (prev.send_started_at is not null)::int`,
    })
    .whereRef('alert.id', '=', 'prev.id')
    .where('alert.status', 'in', ['pending', 'failed'])
    .returning(sql<boolean>`prev.send_started_at is not null`.as('possible_repeat'))
    .executeTakeFirst();
  return row ? { possibleRepeat: row.possible_repeat } : undefined;
}

/** Marks the send; only a still-pending row moves, so a duplicate job cannot rewrite history. */
export async function markSent(db: Executor, id: number, receipt: Record<string, unknown>): Promise<boolean> {
  const r = await db
    .updateTable('alert')
    .set((eb) => ({
      status: 'sent',
      sent_at: new Date(),
      send_started_at: null,
      attempts: eb('attempts', '+', 1),
      receipt: JSON.stringify(receipt),
      last_error: null,
    }))
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * A notifier's error can quote its endpoint (a webhook URL, the Bot API path with the bot token): redacted before
 * it is stored and listed. `refused`: the receiver answered that it did not take the alert, so the attempt's
 * outcome is known; otherwise (a timeout, a dropped connection) it may have, and the next attempt counts as a possible repeat.
 */
export async function markAttemptFailed(
  db: Executor,
  id: number,
  error: string,
  final: boolean,
  refused = false,
): Promise<void> {
  await db
    .updateTable('alert')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: redactSecrets(error).slice(0, 2000),
      ...(refused ? { send_started_at: null } : {}),
      ...(final ? { status: 'failed' as const } : {}),
    }))
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'failed'])
    .execute();
}

/** Deliveries the receivers may have got twice, over all alerts (see beginSend). */
export async function duplicateRiskTotal(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('alert')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('duplicate_risk'), sql<number>`0`).as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function cancelAlert(db: Executor, id: number, reason: string): Promise<void> {
  await db
    .updateTable('alert')
    .set({ status: 'cancelled', last_error: reason })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Pending rows due now whose job may have been lost; older than `graceMs` so fresh ones are left to their job. */
export async function duePending(db: Executor, graceMs: number, limit = 500): Promise<number[]> {
  const rows = await db
    .selectFrom('alert')
    .select('id')
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('deliver_after', 'is', null), eb('deliver_after', '<=', new Date())]))
    .where('created_at', '<', new Date(Date.now() - graceMs))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Sent alerts of the given tier that nobody acknowledged within `afterMs` and that have not escalated
 * yet. An item an analyst dismissed is a false positive: nobody is paged further about it.
 */
export async function dueForEscalation(
  db: Executor,
  tier: number,
  afterMs: number,
  limit = 500,
): Promise<{ id: number; review_item_id: number }[]> {
  return db
    .selectFrom('alert')
    .innerJoin('review_item', 'review_item.id', 'alert.review_item_id')
    .select(['alert.id', 'alert.review_item_id'])
    .where('alert.status', '=', 'sent')
    .where('alert.tier', '=', tier)
    .where('alert.escalated_at', 'is', null)
    .where('alert.sent_at', '<=', new Date(Date.now() - afterMs))
    .where('review_item.status', '!=', 'dismissed')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('alert as a')
            .select('a.id')
            .whereRef('a.review_item_id', '=', 'alert.review_item_id')
            .where('a.acknowledged_at', 'is not', null),
        ),
      ),
    )
    .orderBy('alert.id')
    .limit(limit)
    .execute();
}

export async function markEscalated(db: Executor, ids: number[]): Promise<void> {
  if (ids.length)
    await db.updateTable('alert').set({ escalated_at: new Date() }).where('id', '=', anyId(ids)).execute();
}

/** Acknowledges every alert of the item the given alert belongs to; returns the item id, or undefined if unknown. */
export async function acknowledge(
  db: Executor,
  alertId: number,
  via: string,
  userId: number | null = null,
): Promise<{ reviewItemId: number; already: boolean } | undefined> {
  const alert = await db
    .selectFrom('alert')
    .select(['review_item_id', 'acknowledged_at'])
    .where('id', '=', alertId)
    .executeTakeFirst();
  if (!alert) return undefined;
  const r = await db
    .updateTable('alert')
    .set({ acknowledged_at: new Date(), acknowledged_via: via, acknowledged_by: userId })
    .where('review_item_id', '=', alert.review_item_id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return { reviewItemId: alert.review_item_id, already: Number(r.numUpdatedRows) === 0 };
}

/** The alerts sent for one item, and who acknowledged them. */
export const alertsForItem = (db: Executor, reviewItemId: number) =>
  db
    .selectFrom('alert')
    .select(['id', 'channel', 'tier', 'status', 'created_at', 'sent_at', 'acknowledged_at', 'acknowledged_via'])
    .where('review_item_id', '=', reviewItemId)
    .orderBy('id')
    .execute();

/** Alerts, newest first, with what the desk's Alerts page shows of each: the item's severity, status, channel and the post's opening words. */
export function listAlerts(db: Executor, opts: { unacknowledged?: boolean; limit: number }) {
  let query = db
    .selectFrom('alert')
    .innerJoin('review_item', 'review_item.id', 'alert.review_item_id')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .selectAll('alert')
    .select([
      'review_item.severity',
      'review_item.status as item_status',
      'channel.handle as post_channel',
      'channel.title as post_channel_title',
      sql<string>`left(post.text, 200)`.as('excerpt'),
    ])
    .orderBy('alert.id', 'desc')
    .limit(opts.limit);
  if (opts.unacknowledged) query = query.where('alert.acknowledged_at', 'is', null);
  return query.execute();
}

/** How many alerts are in each status. */
export const alertCountsByStatus = (db: Executor) =>
  db
    .selectFrom('alert')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();

export type AlertRow = Selectable<AlertTable>;

export interface AlertFilter {
  reviewItemId?: number;
  /** Alerts for the items of posts with this external id. */
  externalId?: string;
  status?: AlertStatus;
  idempotencyKeys?: string[];
  /** 1: escalations only. */
  minTier?: number;
}

/** Outbox rows as stored, oldest first; every filter optional: what an operator checks of deliveries. */
export function findAlerts(db: Executor, f: AlertFilter = {}): Promise<AlertRow[]> {
  const { externalId } = f;
  let query = db.selectFrom('alert').selectAll('alert');
  if (externalId !== undefined)
    query = query.where('alert.review_item_id', 'in', (eb) =>
      eb
        .selectFrom('review_item')
        .innerJoin('post', 'post.id', 'review_item.post_id')
        .select('review_item.id')
        .where('post.external_id', '=', externalId),
    );
  if (f.reviewItemId !== undefined) query = query.where('alert.review_item_id', '=', f.reviewItemId);
  if (f.status) query = query.where('alert.status', '=', f.status);
  if (f.idempotencyKeys) query = query.where('alert.idempotency_key', '=', anyText(f.idempotencyKeys));
  if (f.minTier !== undefined) query = query.where('alert.tier', '>=', f.minTier);
  return query.orderBy('alert.id').execute();
}

export const findAlert = (db: Executor, id: number): Promise<AlertRow | undefined> =>
  db.selectFrom('alert').selectAll().where('id', '=', id).executeTakeFirst();
