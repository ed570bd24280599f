import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NearMissRow } from '../db/database.js';
import { jsonb } from '../db/jsonb.js';
import type { KeptPost, NearMissDecision, NearMissReason } from '../domain/near-miss.js';
import type { FlagLabel } from '../domain/verdict.js';
import { valueSlices } from './bind-limit.js';
import { countRows } from './count-rows.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Postgres text cannot hold NUL; attacker text can. */
const pgText = <T extends string | null>(s: T): T => (s === null ? s : (s.replace(/\u0000/g, '\ufffd') as T));

/** Keyed on the post, so a retried or replayed batch adds nothing; returns how many rows are new. */
export async function insertNearMisses(db: Executor, items: KeptPost[]): Promise<number> {
  const values = items.map(({ reason, post, verdict }) => ({
    post_key: post.key,
    reason,
    source: pgText(post.source),
    platform: pgText(post.platform),
    channel: pgText(post.channel),
    external_id: pgText(post.externalId),
    url: pgText(post.url),
    published_at: post.publishedAt,
    text: pgText(post.text),
    language: verdict.language,
    classifier_version: verdict.classifier,
    labels: verdict.labels,
    scores: jsonb(verdict.scores),
  }));
  let inserted = 0;
  for (const slice of valueSlices(values)) {
    const rows = await db
      .insertInto('near_miss')
      .values(slice)
      .onConflict((oc) => oc.column('post_key').doNothing())
      .returning('id')
      .execute();
    inserted += rows.length;
  }
  return inserted;
}

/** Every row kept, decided or not. */
export const countNearMisses = (db: Executor): Promise<number> => countRows(db, 'near_miss');

/**
 * Deletes the oldest undecided rows past `maxRows`. Decided rows are training data and go only with
 * retention. A transaction-level lock makes concurrent trims count the same table, so none over-deletes.
 */
export async function trimNearMisses(trx: Transaction<Database>, maxRows: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('vigil.near_miss'))`.execute(trx);
  const excess = (await countNearMisses(trx)) - maxRows;
  if (excess <= 0) return 0;
  const oldest = trx
    .selectFrom('near_miss')
    .select('id')
    .where('decision', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .limit(excess);
  const r = await trx.deleteFrom('near_miss').where('id', 'in', oldest).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes every row, decided or not, kept longer than the retention period. */
export async function pruneNearMisses(db: Executor, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const r = await db.deleteFrom('near_miss').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface NearMissQuery {
  reason?: NearMissReason;
  language?: string;
  /** true: decided only; false: undecided only; absent: both. */
  decided?: boolean;
  limit: number;
  offset: number;
}

/** Newest first. */
export function listNearMisses(db: Executor, q: NearMissQuery): Promise<NearMissRow[]> {
  let query = db.selectFrom('near_miss').selectAll();
  if (q.reason) query = query.where('reason', '=', q.reason);
  if (q.language) query = query.where('language', '=', q.language);
  if (q.decided !== undefined) query = query.where('decision', q.decided ? 'is not' : 'is', null);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
}

export const findNearMiss = (db: Executor, id: number): Promise<NearMissRow | undefined> =>
  db.selectFrom('near_miss').selectAll().where('id', '=', id).executeTakeFirst();

export interface NearMissVerdict {
  decision: NearMissDecision;
  /** Required for 'incitement', null for 'not' (a check constraint holds it). */
  label: FlagLabel | null;
  userId: number;
  reason: string | null;
}

/** Records (or corrects) an analyst's call; false when there is no such row. */
export async function decideNearMiss(db: Executor, id: number, v: NearMissVerdict): Promise<boolean> {
  const r = await db
    .updateTable('near_miss')
    .set({
      decision: v.decision,
      decided_label: v.label,
      decided_by: v.userId,
      decided_at: new Date(),
      decision_reason: v.reason,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Analysts' calls on near misses as training examples: an incitement carries its label, a 'not' none. */
export async function listNearMissDecisions(db: Executor): Promise<{ id: string; text: string; labels: string[] }[]> {
  const rows = await db
    .selectFrom('near_miss')
    .select(['id', 'text', 'decided_label'])
    .where('decision', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: `near-miss-${r.id}`, text: r.text, labels: r.decided_label ? [r.decided_label] : [] }));
}
