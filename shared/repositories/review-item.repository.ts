import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ReviewStatus } from '../db/database.js';
import { jsonb } from '../db/jsonb.js';
import type { CapturedPost } from '../domain/post.js';
import type { Verdict } from '../domain/verdict.js';
import { bindSlices } from './bind-limit.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface FlaggedInput {
  post: CapturedPost;
  verdict: Verdict;
}

export interface CreatedItem {
  reviewItemId: number;
  postKey: string;
  severity: string;
}

const unique = <T>(values: T[]) => [...new Set(values)];
/** Postgres text cannot hold NUL; the raw bytea column keeps the post exactly as captured. */
const pgText = <T extends string | null>(s: T): T => (s === null ? s : (s.replace(/\u0000/g, '\ufffd') as T));

/** Parameters one post row binds: the widest of insertFlagged's statements, so it sets the slice size. */
const POST_ROW_PARAMETERS = 20;

/** Parameters one channel row binds in the upsert. */
const CHANNEL_ROW_PARAMETERS = 3;

/**
 * Writes a batch of flagged posts with their classifications and review items, in multi-row statements.
 * Every insert is keyed, so a retried batch adds nothing; only review items created now are returned, in
 * the batch's order. A batch of any size goes in slices under Postgres' parameter limit, all in the
 * caller's transaction.
 *
 * Rows that concurrent batches can share (channels, posts) are written in one global order, sorted by
 * their unique key: the upsert locks each channel row until commit, and two batches that take the same
 * rows in opposite orders deadlock.
 */
export async function insertFlagged(trx: Executor, items: FlaggedInput[]): Promise<CreatedItem[]> {
  const inputOrder = [...new Map(items.map((i) => [i.post.key, i])).values()];
  const batch = [...inputOrder].sort((a, b) => compare(a.post.key, b.post.key));
  const channelId = await upsertChannels(trx, inputOrder);
  const created: CreatedItem[] = [];
  for (const slice of bindSlices(batch, POST_ROW_PARAMETERS)) created.push(...(await insertFlaggedSlice(trx, slice, channelId)));
  const position = new Map(inputOrder.map((i, n) => [i.post.key, n]));
  return created.sort((a, b) => position.get(a.postKey)! - position.get(b.postKey)!);
}

/** Code-unit order, the same in every process (no locale). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const channelKey = (platform: string, handle: string) => JSON.stringify([platform, handle]);

/** Upserts every channel the batch names, sorted and each once, and returns their ids by `channelKey`. */
async function upsertChannels(trx: Executor, batch: FlaggedInput[]): Promise<Map<string, number>> {
  const titles = new Map<string, string | null>();
  for (const { post } of batch) {
    const key = channelKey(post.platform, pgText(post.channel));
    // The first title the batch gives a channel wins; a post without one does not erase it.
    if (!titles.has(key) || titles.get(key) === null) titles.set(key, pgText(post.channelTitle ?? null));
  }
  const rows = [...titles.keys()].sort(compare).map((key) => {
    const [platform, handle] = JSON.parse(key) as [string, string];
    return { platform, handle, title: titles.get(key) ?? null };
  });
  const ids = new Map<string, number>();
  for (const slice of bindSlices(rows, CHANNEL_ROW_PARAMETERS)) {
    const upserted = await trx
      .insertInto('channel')
      .values(slice)
      .onConflict((oc) => oc.columns(['platform', 'handle']).doUpdateSet((eb) => ({ title: eb.fn.coalesce('excluded.title', 'channel.title') })))
      .returning(['id', 'platform', 'handle'])
      .execute();
    for (const c of upserted) ids.set(channelKey(c.platform, c.handle), c.id);
  }
  return ids;
}

async function insertFlaggedSlice(trx: Executor, batch: FlaggedInput[], channelId: Map<string, number>): Promise<CreatedItem[]> {
  const byKey = new Map(batch.map((i) => [i.post.key, i]));

  const sources = await trx.selectFrom('source').select(['id', 'name']).where('name', 'in', unique(batch.map((i) => i.post.source))).execute();
  const sourceId = new Map(sources.map((s) => [s.name, s.id]));

  await trx
    .insertInto('post')
    .values(batch.map(({ post }) => ({
      post_key: post.key,
      source_id: sourceId.get(post.source) ?? null,
      channel_id: channelId.get(channelKey(post.platform, pgText(post.channel)))!,
      platform: post.platform,
      external_id: post.externalId,
      version: post.version,
      url: pgText(post.url),
      author: pgText(post.author),
      published_at: post.publishedAt,
      edited_at: post.editedAt,
      text: pgText(post.text),
      reply_to: pgText(post.replyTo),
      forwarded_from: pgText(post.forwardedFrom),
      media: jsonb(post.media),
      raw: Buffer.from(post.raw.base64, 'base64'),
      raw_sha256: post.raw.sha256,
      raw_content_type: post.raw.contentType,
      capture: jsonb(post.capture),
      captured_at: post.capture.fetchedAt,
      context: post.context ? jsonb(post.context) : null,
    })))
    .onConflict((oc) => oc.column('post_key').doNothing())
    .execute();
  const posts = await trx.selectFrom('post').select(['id', 'post_key']).where('post_key', 'in', [...byKey.keys()]).execute();
  const postId = new Map(posts.map((p) => [p.post_key, p.id]));

  await trx
    .insertInto('classification')
    .values(batch.map(({ post, verdict }) => ({
      post_id: postId.get(post.key)!,
      classifier_version: verdict.classifier,
      flagged: verdict.flagged,
      labels: verdict.labels,
      severity: verdict.severity,
      scores: jsonb(verdict.scores),
      rationale: jsonb(verdict.rationale),
      entities: jsonb(verdict.entities),
    })))
    .onConflict((oc) => oc.columns(['post_id', 'classifier_version']).doNothing())
    .execute();
  const classifications = await trx
    .selectFrom('classification')
    .select(['id', 'post_id', 'classifier_version'])
    .where('post_id', 'in', [...postId.values()])
    .execute();
  const classificationId = new Map(classifications.map((c) => [`${c.post_id}/${c.classifier_version}`, c.id]));

  const created = await trx
    .insertInto('review_item')
    .values(batch.map(({ post, verdict }) => {
      const id = postId.get(post.key)!;
      return { post_id: id, classification_id: classificationId.get(`${id}/${verdict.classifier}`)!, severity: verdict.severity, updated_at: new Date() };
    }))
    .onConflict((oc) => oc.column('post_id').doNothing())
    .returning(['id', 'post_id', 'severity'])
    .execute();
  const keyOf = new Map(posts.map((p) => [p.id, p.post_key]));
  return created.map((r) => ({ reviewItemId: r.id, postKey: keyOf.get(r.post_id)!, severity: r.severity }));
}

export interface ItemQuery {
  status?: ReviewStatus;
  severity?: string;
  label?: string;
  source?: string;
  channel?: string;
  from?: string;
  to?: string;
  /** Words to find in the post text (case-insensitive). */
  q?: string;
  campaignId?: number;
  limit: number;
  offset: number;
}

const itemColumns = [
  'review_item.id',
  'review_item.status',
  'review_item.severity',
  'review_item.created_at',
  'review_item.assigned_to',
  'review_item.decided_by',
  'review_item.decided_at',
  'review_item.decision_reason',
  'review_item.campaign_id',
  'post.platform',
  'post.deleted_at',
  'post.context',
  'channel.handle as channel',
  'channel.title as channel_title',
  'post.external_id',
  'post.version',
  'post.url',
  'post.author',
  'post.published_at',
  'post.text',
  'post.raw_sha256',
  'post.captured_at',
  'classification.classifier_version',
  'classification.labels',
  'classification.scores',
  'classification.rationale',
  'classification.entities',
] as const;

function itemsBase(db: Executor) {
  return db
    .selectFrom('review_item')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .innerJoin('classification', 'classification.id', 'review_item.classification_id')
    .select(itemColumns);
}

/** Newest first, worst first within a minute; every filter optional. */
export function listItems(db: Executor, q: ItemQuery) {
  let query = itemsBase(db);
  if (q.status) query = query.where('review_item.status', '=', q.status);
  if (q.campaignId) query = query.where('review_item.campaign_id', '=', q.campaignId);
  if (q.severity) query = query.where('review_item.severity', '=', q.severity);
  if (q.label) query = query.where(sql<boolean>`${q.label} = any(classification.labels)`);
  if (q.channel) query = query.where('channel.handle', '=', q.channel);
  if (q.source) query = query.where('post.source_id', 'in', db.selectFrom('source').select('id').where('name', '=', q.source));
  if (q.from) query = query.where('review_item.created_at', '>=', new Date(q.from));
  if (q.to) query = query.where('review_item.created_at', '<', new Date(q.to));
  if (q.q) query = query.where('post.text', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return query
    .orderBy(sql`date_trunc('minute', review_item.created_at)`, 'desc')
    .orderBy(sql`array_position(array['critical','high','medium','low'], review_item.severity)`)
    .orderBy('review_item.id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
}

export const findItem = (db: Executor, id: number) => itemsBase(db).where('review_item.id', '=', id).executeTakeFirst();

export type ItemRow = Awaited<ReturnType<typeof findItem>> & {};

/** Analysts' decisions as training examples: a confirmed item keeps its labels, a dismissed one has none. */
export async function listDecisions(db: Executor): Promise<{ id: string; text: string; labels: string[] }[]> {
  const rows = await db
    .selectFrom('review_item')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .innerJoin('classification', 'classification.id', 'review_item.classification_id')
    .select(['review_item.id', 'review_item.status', 'post.text', 'classification.labels'])
    .where('review_item.status', 'in', ['confirmed', 'dismissed'])
    .orderBy('review_item.id')
    .execute();
  return rows.map((r) => ({ id: `decision-${r.id}`, text: r.text, labels: r.status === 'confirmed' ? r.labels : [] }));
}

export type Decision = 'confirm' | 'dismiss' | 'escalate';
const STATUS_OF: Record<Decision, ReviewStatus> = { confirm: 'confirmed', dismiss: 'dismissed', escalate: 'escalated' };

export async function decideItem(db: Executor, id: number, decision: Decision, userId: number, reason: string | null): Promise<boolean> {
  const r = await db
    .updateTable('review_item')
    .set({ status: STATUS_OF[decision], decided_by: userId, decided_at: new Date(), decision_reason: reason, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function assignItem(db: Executor, id: number, userId: number | null): Promise<boolean> {
  const r = await db.updateTable('review_item').set({ assigned_to: userId, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function addNote(db: Executor, itemId: number, userId: number, text: string): Promise<number> {
  const row = await db.insertInto('review_note').values({ review_item_id: itemId, user_id: userId, text }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export const listNotes = (db: Executor, itemId: number) =>
  db
    .selectFrom('review_note')
    .innerJoin('app_user', 'app_user.id', 'review_note.user_id')
    .select(['review_note.id', 'review_note.text', 'review_note.created_at', 'app_user.email as author'])
    .where('review_note.review_item_id', '=', itemId)
    .orderBy('review_note.id')
    .execute();
