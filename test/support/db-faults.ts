import { sql } from 'kysely';
import type { Db } from '../../shared/db/client.js';

/**
 * Faults played behind the app's back, for the tests that check it survives them. Nothing here is a
 * repository operation: the app never does these.
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
