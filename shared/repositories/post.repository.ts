import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PostFilter {
  sourceId?: number;
  externalId?: string;
}

/** Stored (flagged) posts, oldest first, byte-exact with their capture: the evidentiary copies. */
export function listPosts(db: Executor, f: PostFilter = {}) {
  let query = db.selectFrom('post').selectAll();
  if (f.sourceId !== undefined) query = query.where('source_id', '=', f.sourceId);
  if (f.externalId !== undefined) query = query.where('external_id', '=', f.externalId);
  return query.orderBy('id').execute();
}

export async function countPosts(db: Executor): Promise<number> {
  const { n } = await db
    .selectFrom('post')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}
