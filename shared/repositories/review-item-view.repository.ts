import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { ReviewItem } from '../domain/review-item.js';
import { anyId, anyText } from './bind-limit.js';

type Executor = Kysely<Database> | Transaction<Database>;

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
  'post.source_id',
  'source.name as source_name',
  'post.platform',
  'post.channel_id',
  'channel.handle as channel',
  'channel.title as channel_title',
  'post.external_id',
  'post.version',
  'post.url',
  'post.author',
  'post.published_at',
  'post.captured_at',
  'post.deleted_at',
  'post.text',
  'post.raw_sha256',
  'post.context',
  'classification.classifier_version',
  'classification.flagged',
  'classification.labels',
  'classification.severity as classified_severity',
  'classification.scores',
  'classification.rationale',
  'classification.entities',
  'classification.created_at as classified_at',
] as const;

/**
 * Review items with their post and classification, for a caller to narrow and order (the desk's page, an id);
 * toReviewItem makes each row the domain object.
 */
export const selectReviewItems = (db: Executor) =>
  db
    .selectFrom('review_item')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .innerJoin('channel', 'channel.id', 'post.channel_id')
    .innerJoin('classification', 'classification.id', 'review_item.classification_id')
    .leftJoin('source', 'source.id', 'post.source_id')
    .select(itemColumns);

type ItemRecord = Awaited<ReturnType<ReturnType<typeof selectReviewItems>['executeTakeFirstOrThrow']>>;

export const toReviewItem = (r: ItemRecord): ReviewItem => ({
  id: r.id,
  status: r.status,
  severity: r.severity,
  createdAt: r.created_at,
  assignedTo: r.assigned_to,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  campaignId: r.campaign_id,
  post: {
    sourceId: r.source_id,
    sourceName: r.source_name,
    platform: r.platform,
    channelId: r.channel_id,
    channel: r.channel,
    channelTitle: r.channel_title,
    externalId: r.external_id,
    version: r.version,
    url: r.url,
    author: r.author,
    publishedAt: r.published_at,
    capturedAt: r.captured_at,
    deletedAt: r.deleted_at,
    text: r.text,
    rawSha256: r.raw_sha256,
    context: r.context,
  },
  classification: {
    classifier: r.classifier_version,
    flagged: r.flagged,
    labels: r.labels,
    severity: r.classified_severity,
    scores: r.scores,
    rationale: r.rationale,
    entities: r.entities,
    classifiedAt: r.classified_at,
  },
});

/** The review items with these ids, in no particular order; ids with no item are left out. */
export async function findReviewItems(db: Executor, ids: number[]): Promise<ReviewItem[]> {
  if (ids.length === 0) return [];
  const rows = await selectReviewItems(db).where('review_item.id', '=', anyId(ids)).execute();
  return rows.map(toReviewItem);
}

export async function findReviewItem(db: Executor, id: number): Promise<ReviewItem | undefined> {
  const row = await selectReviewItems(db).where('review_item.id', '=', id).executeTakeFirst();
  return row && toReviewItem(row);
}

/** The review items of the posts with these external ids (any source), oldest first. */
export async function findReviewItemsByExternalId(db: Executor, externalIds: string[]): Promise<ReviewItem[]> {
  const rows = await selectReviewItems(db)
    .where('post.external_id', '=', anyText(externalIds))
    .orderBy('review_item.id')
    .execute();
  return rows.map(toReviewItem);
}
