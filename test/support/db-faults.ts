import { sql } from 'kysely';
import type { Db } from '../../shared/db/client.js';

// What the application never does to its own rows, played behind its back: tampering, legacy rows, time
// passing. The one place outside shared/repositories where tests write to tables by hand.

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
