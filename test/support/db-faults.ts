import { sql, type Insertable } from 'kysely';
import type { Db } from '../../shared/db/client.js';
import type { AlertTable } from '../../shared/db/database.js';
import { auditHash, listAudit } from '../../shared/repositories/audit.repository.js';

/**
 * What the application never does to its own rows, played behind its back for the tests that check it copes:
 * lost or restored data, tampering, rows as older versions wrote them, time passing. The one place outside
 * shared/repositories where tests write to tables by hand.
 */

/** A database restored from a dump taken before the source's posts were read: its record of what it saw is gone. */
export async function forgetSeen(db: Db, sourceId: number): Promise<void> {
  await db.deleteFrom('post_seen').where('source_id', '=', sourceId).execute();
}

/** A database recreated empty under a running system: these source rows (all when no ids are given) are gone. */
export async function loseSources(db: Db, ids?: number[]): Promise<void> {
  let query = db.deleteFrom('source');
  if (ids) query = query.where('id', 'in', ids);
  await query.execute();
}

/** An alert whose delivery job went with Redis' data: written `seconds` ago, so the outbox sweep's grace is over. */
export async function backdateAlert(db: Db, id: number, seconds: number): Promise<void> {
  // created_at is never updated by the app, so its type refuses an update: only raw SQL can.
  await sql`update alert set created_at = now() - make_interval(secs => ${seconds}) where id = ${id}`.execute(db);
}

/** An attacker with database access rewrites one audit entry's details, leaving its hash as it was. */
export const rewriteAuditDetails = (db: Db, id: number, details: Record<string, unknown>) =>
  db
    .updateTable('audit_log')
    .set({ details: JSON.stringify(details) })
    .where('id', '=', id)
    .execute();

/** A source error as versions before redaction stored it: the message as it came, credentials and all. */
export const storeUnredactedSourceError = (db: Db, sourceId: number, message: string) =>
  db.updateTable('source').set({ last_error: message }).where('id', '=', sourceId).execute();

/**
 * A source whose last good read was at `at`, without waiting that long: through saveCursor under a fake clock
 * the read would also clear the error a failing source must keep.
 */
export const backdateLastSuccess = (db: Db, sourceId: number, at: Date) =>
  db.updateTable('source').set({ last_success_at: at }).where('id', '=', sourceId).execute();

/** Every source back to unplanned, as before the revisit planner first ran (the planner only ever sets a plan). */
export const forgetRevisitPlans = (db: Db) => db.updateTable('source').set({ tier: null, revisit_ms: null }).execute();

/** Near misses kept `days` ago: created_at is insert-only (the application never backdates it), so raw SQL. */
export const ageNearMisses = (db: Db, externalIdLike: string, days: number) =>
  sql`update near_miss set created_at = now() - make_interval(days => ${days}) where external_id like ${externalIdLike}`.execute(
    db,
  );

/** An outbox row nobody enqueued a delivery for (its job was lost), or one an older version wrote in its own key format. */
export const insertAlertRow = (db: Db, row: Insertable<AlertTable>) =>
  db.insertInto('alert').values(row).returning('id').executeTakeFirstOrThrow();

/** A page sent at `sentAt`: the escalation delay runs on the real clock, which a test cannot wait out. */
export async function backdateAlertSent(db: Db, alertId: number, sentAt: Date): Promise<void> {
  await db.updateTable('alert').set({ sent_at: sentAt }).where('id', '=', alertId).execute();
}

/** An attacker deleting the audit log's newest entries, from `fromId` on (by default every entry). */
export async function truncateAuditLog(db: Db, fromId = 1): Promise<void> {
  await db.deleteFrom('audit_log').where('id', '>=', fromId).execute();
}

/** An attacker editing one audit entry's details and recomputing every hash and link, so the chain alone still checks out. */
export async function forgeAuditChain(db: Db, id: number, details: Record<string, unknown>): Promise<void> {
  const rows = await listAudit(db);
  let prev: string | null = null;
  for (const r of rows) {
    const content = r.id === id ? details : r.details;
    const hash = auditHash(prev, r.at.toISOString(), {
      actor: r.actor,
      actorId: r.actor_id,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      details: content,
    });
    await db
      .updateTable('audit_log')
      .set({ details: JSON.stringify(content), prev_hash: prev, hash })
      .where('id', '=', r.id)
      .execute();
    prev = hash;
  }
}

/** A new install, or a database recreated empty: the instance gets an id of its own. */
export async function giveNewInstanceId(db: Db): Promise<void> {
  // The id is never updated by the app, so its type refuses an update: only raw SQL can.
  await sql`update instance set id = gen_random_uuid()`.execute(db);
}
