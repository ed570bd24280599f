import type { Kysely, Transaction } from 'kysely';
import type { Database, ReviewStatus } from '../db/database.js';
import { jsonb } from '../db/jsonb.js';
import type { MediaReading } from '../domain/media.js';
import type { CapturedPost } from '../domain/post.js';
import type { Verdict } from '../domain/verdict.js';
import { bindSlices } from './bind-limit.js';
import { countRows } from './count-rows.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface FlaggedInput {
  post: CapturedPost;
  verdict: Verdict;
  /** The post's images as read (OCR text, hashes), when it had any. */
  media?: MediaReading[];
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
  for (const slice of bindSlices(batch, POST_ROW_PARAMETERS))
    created.push(...(await insertFlaggedSlice(trx, slice, channelId)));
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
      .onConflict((oc) =>
        oc
          .columns(['platform', 'handle'])
          .doUpdateSet((eb) => ({ title: eb.fn.coalesce('excluded.title', 'channel.title') })),
      )
      .returning(['id', 'platform', 'handle'])
      .execute();
    for (const c of upserted) ids.set(channelKey(c.platform, c.handle), c.id);
  }
  return ids;
}

/** The batch's posts, each version once (a post already stored stays as it is). */
async function insertPosts(trx: Executor, batch: FlaggedInput[], channelId: Map<string, number>): Promise<void> {
  const sources = await trx
    .selectFrom('source')
    .select(['id', 'name'])
    .where('name', 'in', unique(batch.map((i) => i.post.source)))
    .execute();
  const sourceId = new Map(sources.map((s) => [s.name, s.id]));

  await trx
    .insertInto('post')
    .values(
      batch.map(({ post }) => ({
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
      })),
    )
    .onConflict((oc) => oc.column('post_key').doNothing())
    .execute();
}

/** The batch's verdicts, once per post and classifier; returns the ids by `postId/classifierVersion`. */
async function insertClassifications(
  trx: Executor,
  batch: FlaggedInput[],
  postId: Map<string, number>,
): Promise<Map<string, number>> {
  await trx
    .insertInto('classification')
    .values(
      batch.map(({ post, verdict }) => ({
        post_id: postId.get(post.key)!,
        classifier_version: verdict.classifier,
        flagged: verdict.flagged,
        labels: verdict.labels,
        severity: verdict.severity,
        scores: jsonb(verdict.scores),
        rationale: jsonb(verdict.rationale),
        entities: jsonb(verdict.entities),
      })),
    )
    .onConflict((oc) => oc.columns(['post_id', 'classifier_version']).doNothing())
    .execute();
  const classifications = await trx
    .selectFrom('classification')
    .select(['id', 'post_id', 'classifier_version'])
    .where('post_id', 'in', [...postId.values()])
    .execute();
  const classificationId = new Map(classifications.map((c) => [`${c.post_id}/${c.classifier_version}`, c.id]));
  return classificationId;
}

async function insertFlaggedSlice(
  trx: Executor,
  batch: FlaggedInput[],
  channelId: Map<string, number>,
): Promise<CreatedItem[]> {
  const byKey = new Map(batch.map((i) => [i.post.key, i]));

  await insertPosts(trx, batch, channelId);
  const posts = await trx
    .selectFrom('post')
    .select(['id', 'post_key'])
    .where('post_key', 'in', [...byKey.keys()])
    .execute();
  const postId = new Map(posts.map((p) => [p.post_key, p.id]));

  const classificationId = await insertClassifications(trx, batch, postId);

  const created = await trx
    .insertInto('review_item')
    .values(
      batch.map(({ post, verdict }) => {
        const id = postId.get(post.key)!;
        return {
          post_id: id,
          classification_id: classificationId.get(`${id}/${verdict.classifier}`)!,
          severity: verdict.severity,
          updated_at: new Date(),
        };
      }),
    )
    .onConflict((oc) => oc.column('post_id').doNothing())
    .returning(['id', 'post_id', 'severity'])
    .execute();
  const keyOf = new Map(posts.map((p) => [p.id, p.post_key]));
  return created.map((r) => ({ reviewItemId: r.id, postKey: keyOf.get(r.post_id)!, severity: r.severity }));
}

export { listItems, type ItemQuery } from './review-queue.repository.js';
export { findReviewItem as findItem } from './review-item-view.repository.js';

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

export async function decideItem(
  db: Executor,
  id: number,
  decision: Decision,
  userId: number,
  reason: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('review_item')
    // prior_status reads the row as it was: in an UPDATE the right-hand side sees the old values.
    .set((eb) => ({
      status: STATUS_OF[decision],
      prior_status: eb.ref('status'),
      decided_by: userId,
      decided_at: new Date(),
      decision_reason: reason,
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export type UndoResult =
  | { ok: true; undone: ReviewStatus; restored: ReviewStatus }
  | { ok: false; why: 'not_found' | 'nothing_to_undo' | 'not_yours' | 'too_late' };

/**
 * Puts an item back to the status its last decision replaced, when that decision is the caller's own and
 * was made after `since`. Locks the row, so a decision racing the undo is either undone or kept whole.
 */
export async function undoDecision(
  trx: Transaction<Database>,
  id: number,
  userId: number,
  since: Date,
): Promise<UndoResult> {
  const row = await trx
    .selectFrom('review_item')
    .select(['status', 'prior_status', 'decided_by', 'decided_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, why: 'not_found' };
  if (row.prior_status === null || row.decided_at === null) return { ok: false, why: 'nothing_to_undo' };
  if (row.decided_by !== userId) return { ok: false, why: 'not_yours' };
  if (row.decided_at < since) return { ok: false, why: 'too_late' };
  await trx
    .updateTable('review_item')
    .set({
      status: row.prior_status,
      prior_status: null,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return { ok: true, undone: row.status, restored: row.prior_status };
}

/** Decides every undecided item of a campaign at once; returns the ids decided, for one audit entry each. */
export async function decideCampaignItems(
  trx: Transaction<Database>,
  campaignId: number,
  decision: Decision,
  userId: number,
  reason: string | null,
): Promise<number[]> {
  const rows = await trx
    .updateTable('review_item')
    .set((eb) => ({
      status: STATUS_OF[decision],
      prior_status: eb.ref('status'),
      decided_by: userId,
      decided_at: new Date(),
      decision_reason: reason,
      updated_at: new Date(),
    }))
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'new')
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function assignItem(db: Executor, id: number, userId: number | null): Promise<boolean> {
  const r = await db
    .updateTable('review_item')
    .set({ assigned_to: userId, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function addNote(db: Executor, itemId: number, userId: number, text: string): Promise<number> {
  const row = await db
    .insertInto('review_note')
    .values({ review_item_id: itemId, user_id: userId, text })
    .returning('id')
    .executeTakeFirstOrThrow();
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

/** Puts items in a campaign, whatever the matcher would make of them. */
export async function setItemsCampaign(db: Executor, itemIds: number[], campaignId: number): Promise<void> {
  await db.updateTable('review_item').set({ campaign_id: campaignId }).where('id', 'in', itemIds).execute();
}

/** Each item created by `until` with its post's URL and its creation time: when the post was caught. */
export const itemCaptureTimes = (db: Executor, until: Date) =>
  db
    .selectFrom('review_item as r')
    .innerJoin('post as p', 'p.id', 'r.post_id')
    .select(['p.url', 'r.created_at'])
    .where('r.created_at', '<=', until)
    .execute();

export const countReviewItems = (db: Executor): Promise<number> => countRows(db, 'review_item');

/** Classifications stored: one per flagged post and classifier version. */
export const countClassifications = (db: Executor): Promise<number> => countRows(db, 'classification');
