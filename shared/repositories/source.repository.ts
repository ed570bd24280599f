import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { SourceOrigin, SourceRow } from '../db/database.js';
import { redactSecrets } from '../redact.js';

/** Upserts a source declared in config; returns its row. */
export async function upsertSource(
  db: Db,
  name: string,
  kind: string,
  config: object,
  origin: Exclude<SourceOrigin, 'api'>,
): Promise<SourceRow> {
  return db
    .insertInto('source')
    .values({ name, kind, origin, config: JSON.stringify(config), enabled: true, updated_at: new Date() })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ kind, origin, config: JSON.stringify(config), enabled: true, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Disables config-managed sources no longer in the config (rows stay: posts and audit refer to them). */
export async function disableSourcesExcept(db: Db, keep: string[]): Promise<SourceRow[]> {
  let query = db
    .updateTable('source')
    .set({ enabled: false, updated_at: new Date() })
    .where('enabled', '=', true)
    .where('origin', 'in', ['config', 'demo']);
  if (keep.length) query = query.where('name', 'not in', keep);
  return query.returningAll().execute();
}

export const findSource = (db: Db, id: number) =>
  db.selectFrom('source').selectAll().where('id', '=', id).executeTakeFirst();

export const findSourceByName = (db: Db, name: string) =>
  db.selectFrom('source').selectAll().where('name', '=', name).executeTakeFirst();

/** Inserts a config-declared source whose row is missing (a recreated database); an existing row, even a disabled one, is left alone. */
export async function insertSourceIfMissing(
  db: Db,
  name: string,
  kind: string,
  config: object,
  origin: Exclude<SourceOrigin, 'api'>,
): Promise<boolean> {
  const r = await db
    .insertInto('source')
    .values({ name, kind, origin, config: JSON.stringify(config), enabled: true, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Adds a source an admin declared through the API; undefined when the name is taken. */
export const insertApiSource = (db: Db, name: string, kind: string, config: object) =>
  db
    .insertInto('source')
    .values({ name, kind, origin: 'api', config: JSON.stringify(config), updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();

/** Enables or disables a source; undefined when there is no such source. */
export const setSourceEnabled = (db: Db, id: number, enabled: boolean) =>
  db
    .updateTable('source')
    .set({ enabled, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export const listSources = (db: Db) => db.selectFrom('source').selectAll().orderBy('id').execute();

/** The enabled sources' health, by name: for /api/health. */
export const enabledSourceHealth = (db: Db) =>
  db
    .selectFrom('source')
    .select(['name', 'kind', 'last_error', 'last_success_at', 'backoff_until', 'tier', 'revisit_ms', 'created_at'])
    .where('enabled', '=', true)
    .orderBy('name')
    .execute();

/** A successful read (at `now`): the cursor moves on and the source is healthy again. */
export async function saveCursor(
  db: Db,
  id: number,
  cursor: Record<string, unknown> | null,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('source')
    .set({
      cursor: JSON.stringify(cursor),
      last_polled_at: now,
      last_success_at: now,
      last_error: null,
      last_error_at: null,
      consecutive_failures: 0,
      backoff_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Marks the source unhealthy with its error (credentials in URLs redacted: admins and health checks show it); polls are skipped until `backoffUntil`. */
export async function recordSourceError(db: Db, id: number, message: string, backoffUntil: Date | null): Promise<void> {
  const now = new Date();
  await db
    .updateTable('source')
    .set((eb) => ({
      last_error: redactSecrets(message).slice(0, 2000),
      last_error_at: now,
      last_polled_at: now,
      backoff_until: backoffUntil,
      consecutive_failures: eb('consecutive_failures', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Runs `fn` holding a session-level advisory lock on the source, so two workers never poll one source
 * at once and nobody moves its cursor under a running poll. Without `wait`, returns undefined when
 * another holds the lock.
 */
export async function withSourceLock<T>(
  db: Db,
  id: number,
  fn: () => Promise<T>,
  wait = false,
): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    if (wait) await sql`select pg_advisory_lock(hashtext('vigil.source'), ${id})`.execute(conn);
    else {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(hashtext('vigil.source'), ${id}) as locked`.execute(conn);
      if (!rows[0]?.locked) return undefined;
    }
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext('vigil.source'), ${id})`.execute(conn);
    }
  });
}

/** Makes the next poll read the source from the start; waits for a poll in progress to finish first. */
export async function resetCursor(db: Db, id: number): Promise<void> {
  await withSourceLock(
    db,
    id,
    () => db.updateTable('source').set({ cursor: null, updated_at: new Date() }).where('id', '=', id).execute(),
    true,
  );
}
