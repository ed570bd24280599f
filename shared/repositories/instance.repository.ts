import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/client.js';

/** This instance's id, written once by its migration. */
export const instanceId = async (db: Db): Promise<string> =>
  (await db.selectFrom('instance').select('id').executeTakeFirstOrThrow()).id;

/**
 * The identity of this database's contents, for naming what Redis remembers about it (the seen-set). The
 * instance id alone survives pg_dump and restore, so it is paired with object ids Postgres assigns anew: the
 * database's (a recreated or restored-beside database) and the post_seen table's (a restore with --clean). A
 * file-level restore keeps both; Postgres' confirmation of "seen" guards that case (docs/reliability.md).
 */
export async function databaseEpoch(db: Db): Promise<string> {
  const { rows } = await sql<{ instance: string; database: string; seen: string }>`
    select i.id::text as instance, d.oid::text as database, 'post_seen'::regclass::oid::text as seen
    from instance i, pg_database d where d.datname = current_database()
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error('the instance row is missing; run `vigil migrate`');
  return createHash('sha256').update(`${row.instance}/${row.database}/${row.seen}`).digest('hex').slice(0, 16);
}
