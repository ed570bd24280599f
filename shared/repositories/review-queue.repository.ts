import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';
import type { Database, ReviewStatus } from '../db/database.js';
import type { ReviewItem } from '../domain/review-item.js';
import { selectReviewItems, toReviewItem } from './review-item-view.repository.js';

type Executor = Kysely<Database> | Transaction<Database>;

export const ITEM_SORTS = ['newest', 'oldest', 'severity', 'posted'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export interface ItemFilter {
  status?: ReviewStatus;
  severity?: string;
  label?: string;
  source?: string;
  channel?: string;
  from?: string;
  to?: string;
  /** The desk's Search: words of the post, @handles and postcode districts (see searchTerms). */
  q?: string;
  campaignId?: number;
  /** An assignee's user id, or null for items nobody has. */
  assignedTo?: number | null;
  /** A postcode district the classifier found in the post ("E10"). */
  district?: string;
}

export interface ItemQuery extends ItemFilter {
  sort?: ItemSort;
  limit: number;
  offset: number;
}

type Items = ExpressionBuilder<Database, 'review_item'>;

const HANDLE = /^@[\p{L}\p{N}_.]{2,64}$/u;
const DISTRICT = /^[a-z]{1,2}\d[a-z\d]?$/i;

/** A search split the way it is matched: @handles and postcode districts exactly, the other words by full-text search. */
export function searchTerms(q: string): { handles: string[]; districts: string[]; words: string } {
  const handles: string[] = [];
  const districts: string[] = [];
  const words: string[] = [];
  for (const token of q.trim().split(/\s+/).filter(Boolean)) {
    if (HANDLE.test(token)) handles.push(token);
    else if (DISTRICT.test(token)) districts.push(token.toUpperCase());
    else words.push(token);
  }
  return { handles, districts, words: words.join(' ') };
}

// Every condition below is a set of post or classification ids, each found through its own index (the GIN
// indexes of the desk-search migration), so a search never computes a tsvector per row of the queue and
// counting a tab needs no join.
const contains = (key: string, values: string[]) =>
  sql<SqlBool>`${sql.join(
    values.map((v) => sql`entities @> ${JSON.stringify({ [key]: [v] })}::jsonb`),
    sql` or `,
  )}`;
const postsWithWords = (db: Executor, words: string) =>
  db
    .selectFrom('post')
    .select('id')
    .where(sql<SqlBool>`to_tsvector('simple', text) @@ websearch_to_tsquery('simple', ${words})`);
const postsInChannels = (db: Executor, names: string[]) =>
  db
    .selectFrom('post')
    .select('id')
    .where(
      'channel_id',
      'in',
      db
        .selectFrom('channel')
        .select('id')
        .where((eb) =>
          eb.or([eb(eb.fn('lower', ['handle']), 'in', names), eb(eb.fn('lower', ['title']), 'in', names)]),
        ),
    );
const postsWithEntity = (db: Executor, key: string, values: string[]) =>
  db.selectFrom('classification').select('post_id as id').where(contains(key, values));

function searchCondition(db: Executor, eb: Items, q: string): Expression<SqlBool> {
  const { handles, districts, words } = searchTerms(q);
  const all: Expression<SqlBool>[] = [];
  for (const h of handles) {
    const bare = h.slice(1).toLowerCase();
    const posts = postsWithEntity(db, 'contacts', [...new Set([h, `@${bare}`])])
      .union(
        db
          .selectFrom('post')
          .select('id')
          .where((p) => p(p.fn('lower', ['author']), 'in', [h.toLowerCase(), bare])),
      )
      .union(postsInChannels(db, [bare]));
    all.push(eb('review_item.post_id', 'in', posts));
  }
  // A district the classifier did not pick out still matches as a word of the post.
  for (const d of districts)
    all.push(
      eb('review_item.post_id', 'in', postsWithEntity(db, 'postcodeDistricts', [d]).union(postsWithWords(db, d))),
    );
  if (words)
    all.push(
      eb('review_item.post_id', 'in', postsWithWords(db, words).union(postsInChannels(db, [words.toLowerCase()]))),
    );
  return eb.and(all);
}

/** The items a filter selects, from review_item alone: the list joins what it shows, the counts join nothing. */
function filtered(db: Executor, f: ItemFilter) {
  let query = db.selectFrom('review_item');
  if (f.status) query = query.where('review_item.status', '=', f.status);
  if (f.campaignId) query = query.where('review_item.campaign_id', '=', f.campaignId);
  if (f.severity) query = query.where('review_item.severity', '=', f.severity);
  if (f.label)
    query = query.where(
      'review_item.classification_id',
      'in',
      db
        .selectFrom('classification')
        .select('id')
        .where(sql<SqlBool>`${f.label} = any(labels)`),
    );
  if (f.channel)
    query = query.where(
      'review_item.post_id',
      'in',
      db
        .selectFrom('post')
        .select('id')
        .where('channel_id', 'in', db.selectFrom('channel').select('id').where('handle', '=', f.channel)),
    );
  if (f.source)
    query = query.where(
      'review_item.post_id',
      'in',
      db
        .selectFrom('post')
        .select('id')
        .where('source_id', 'in', db.selectFrom('source').select('id').where('name', '=', f.source)),
    );
  if (f.from) query = query.where('review_item.created_at', '>=', new Date(f.from));
  if (f.to) query = query.where('review_item.created_at', '<', new Date(f.to));
  if (f.assignedTo !== undefined)
    query = query.where('review_item.assigned_to', f.assignedTo === null ? 'is' : '=', f.assignedTo);
  if (f.district)
    query = query.where(
      'review_item.post_id',
      'in',
      postsWithEntity(db, 'postcodeDistricts', [f.district.toUpperCase()]),
    );
  const q = f.q?.trim();
  if (q) query = query.where((eb) => searchCondition(db, eb, q));
  return query;
}

// Exactly the expressions of the queue-order indexes (migration desk-search), so the planner can read a page from them.
const WORST_FIRST = sql`array_position(array['critical','high','medium','low']::text[], review_item.severity)`;
const MINUTE = sql`date_trunc('minute', review_item.created_at at time zone 'UTC')`;

const ORDER: Record<ItemSort, RawBuilder<unknown>> = {
  newest: sql`${MINUTE} desc, ${WORST_FIRST}, review_item.id desc`,
  oldest: sql`review_item.created_at asc, review_item.id asc`,
  severity: sql`${WORST_FIRST}, review_item.created_at desc, review_item.id desc`,
  posted: sql`coalesce(post.published_at, post.captured_at) desc, review_item.id desc`,
};

/**
 * One page of items, newest first (worst first within a minute) unless sorted otherwise; every filter optional.
 * The page's ids are chosen from review_item alone (joined to post only to sort by post time), then joined for
 * what the desk shows: joining every match before sorting is what made a common word slow.
 */
export function listItems(db: Executor, q: ItemQuery): Promise<ReviewItem[]> {
  const sort = q.sort ?? 'newest';
  const base = filtered(db, q);
  const page = (sort === 'posted' ? base.innerJoin('post', 'post.id', 'review_item.post_id') : base)
    .select('review_item.id')
    .orderBy(ORDER[sort])
    .limit(q.limit)
    .offset(q.offset);
  return selectReviewItems(db)
    .where('review_item.id', 'in', page)
    .orderBy(ORDER[sort])
    .execute()
    .then((rows) => rows.map(toReviewItem));
}

export type StatusCounts = Record<ReviewStatus | 'all', number>;

/** How many items match the filter in each status, for the desk's tabs (the status filter itself is ignored). */
export async function countItems(db: Executor, f: ItemFilter): Promise<StatusCounts> {
  const rows = await filtered(db, { ...f, status: undefined })
    .select(['review_item.status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('review_item.status')
    .execute();
  const counts: StatusCounts = { new: 0, confirmed: 0, escalated: 0, dismissed: 0, all: 0 };
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    counts.all += Number(r.n);
  }
  return counts;
}

/** The newest item and how many are new: what the desk's live count watches for a change. */
export async function queueHead(db: Executor): Promise<{ newest: number; new: number }> {
  const row = await db
    .selectFrom('review_item')
    .select([
      (eb) => eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('newest'),
      sql<string>`count(*) filter (where status = 'new')`.as('new'),
    ])
    .executeTakeFirstOrThrow();
  return { newest: Number(row.newest), new: Number(row.new) };
}
