import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { anyText } from './bind-limit.js';

export interface SeenRow {
  external_id: string;
  version: number;
  text_sha256: string;
  deleted_at: Date | null;
}

export async function findSeen(db: Db, sourceId: number, externalIds: string[]): Promise<Map<string, SeenRow>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('post_seen')
    .select(['external_id', 'version', 'text_sha256', 'deleted_at'])
    .where('source_id', '=', sourceId)
    .where('external_id', '=', anyText(externalIds))
    .execute();
  return new Map(rows.map((r) => [r.external_id, r]));
}

/** Everything a source's reads have seen, deleted posts included, by external id. */
export const listSeen = (db: Db, sourceId: number): Promise<SeenRow[]> =>
  db
    .selectFrom('post_seen')
    .select(['external_id', 'version', 'text_sha256', 'deleted_at'])
    .where('source_id', '=', sourceId)
    .orderBy('external_id')
    .execute();

/** Numeric ids seen in [from, to] and not known deleted: what a channel page in that range should still show. */
export async function seenIdsBetween(db: Db, sourceId: number, from: number, to: number): Promise<string[]> {
  const rows = await db
    .selectFrom('post_seen')
    .select('external_id')
    .where('source_id', '=', sourceId)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`external_id ~ '^[0-9]+$' and external_id::bigint between ${from} and ${to}`)
    .execute();
  return rows.map((r) => r.external_id);
}

/**
 * One statement however large the read: the rows travel as three arrays (`unnest`), so a read of any
 * size binds four parameters and is recorded whole or not at all.
 */
export async function recordSeen(
  db: Db,
  sourceId: number,
  posts: { externalId: string; version: number; textSha256: string }[],
): Promise<void> {
  if (posts.length === 0) return;
  const rows = db.selectFrom(
    sql<{
      external_id: string;
      version: number;
      text_sha256: string;
    }>`unnest(${posts.map((p) => p.externalId)}::text[], ${posts.map((p) => p.version)}::int[], ${posts.map((p) => p.textSha256)}::text[])`.as<'r'>(
      sql`r(external_id, version, text_sha256)`,
    ),
  );
  await db
    .insertInto('post_seen')
    .columns(['source_id', 'external_id', 'version', 'text_sha256', 'last_seen_at'])
    .expression(
      rows.select((eb) => [
        eb.val(sourceId).as('source_id'),
        'r.external_id',
        'r.version',
        'r.text_sha256',
        eb.val(new Date()).as('last_seen_at'),
      ]),
    )
    .onConflict((oc) =>
      oc.columns(['source_id', 'external_id']).doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        text_sha256: eb.ref('excluded.text_sha256'),
        last_seen_at: eb.ref('excluded.last_seen_at'),
      })),
    )
    .execute();
}

/** Deletions are facts: the rows stay, with the time the post was found gone. */
export async function markDeleted(db: Db, sourceId: number, externalIds: string[], at = new Date()): Promise<number> {
  if (externalIds.length === 0) return 0;
  await db
    .updateTable('post_seen')
    .set({ deleted_at: at })
    .where('source_id', '=', sourceId)
    .where('external_id', '=', anyText(externalIds))
    .where('deleted_at', 'is', null)
    .execute();
  const flagged = await db
    .updateTable('post')
    .set({ deleted_at: at })
    .where('source_id', '=', sourceId)
    .where('external_id', '=', anyText(externalIds))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(flagged.numUpdatedRows);
}
