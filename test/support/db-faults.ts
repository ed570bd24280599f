import { sql } from 'kysely';
import type { Db } from '../../shared/db/client.js';

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
