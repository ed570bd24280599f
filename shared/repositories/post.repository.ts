import type { Kysely, Transaction } from 'kysely';
import type { Database, PostRow } from '../db/database.js';
import { countRows } from './count-rows.js';

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

/** The newest stored version of a post, by its id at the source (of one source, or of any). */
export function findPostByExternalId(
  db: Executor,
  externalId: string,
  sourceId?: number,
): Promise<PostRow | undefined> {
  let query = db.selectFrom('post').selectAll().where('external_id', '=', externalId);
  if (sourceId !== undefined) query = query.where('source_id', '=', sourceId);
  return query.orderBy('version', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** How many flagged posts are stored, each version once (its post key is unique): a duplicate write shows here. */
export const countPosts = (db: Executor): Promise<number> => countRows(db, 'post');

/** How many review items each post has, by the post's external id: a post with two has been persisted twice. */
export async function reviewItemsPerPost(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('review_item')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .select(['post.external_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('post.external_id')
    .execute();
  return new Map(rows.map((r) => [r.external_id, Number(r.n)]));
}

/** How many channels posts were stored from. */
export const countChannels = (db: Executor): Promise<number> => countRows(db, 'channel');
