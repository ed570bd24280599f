import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { bindSlices } from './bind-limit.js';

/**
 * Every source with what the revisit planner weighs: its flagged posts since `since`, dismissed ones aside
 * (a false positive is no risk).
 */
export const sourcesForRevisit = (db: Db, since: Date) =>
  db
    .selectFrom('source')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('review_item as r')
          .innerJoin('post as p', 'p.id', 'r.post_id')
          .select(['p.source_id', (e) => e.fn.countAll<number>().as('flagged')])
          .where('r.created_at', '>', since)
          .where('r.status', '!=', 'dismissed')
          .groupBy('p.source_id')
          .as('f'),
      (join) => join.onRef('f.source_id', '=', 'source.id'),
    )
    .select([
      'source.id',
      'source.name',
      'source.kind',
      'source.config',
      'source.enabled',
      'source.priority',
      'source.posts_per_hour',
      'source.revisit_ms',
      'source.tier',
      'source.last_success_at',
    ])
    .select((eb) => eb.fn.coalesce('f.flagged', sql<number>`0`).as('flagged'))
    .orderBy('source.id')
    .execute();

export type RevisitRow = Awaited<ReturnType<typeof sourcesForRevisit>>[number];

/** The planner's decisions, for the coverage views; one statement for any number of sources. */
export async function saveRevisitPlans(
  db: Db,
  plans: { id: number; intervalMs: number; tier: string }[],
): Promise<void> {
  for (const slice of bindSlices(plans, 3)) {
    const values = sql.join(slice.map((p) => sql`(${p.id}::int, ${p.intervalMs}::int, ${p.tier}::text)`));
    await sql`update source set revisit_ms = v.ms, tier = v.tier from (values ${values}) as v(id, ms, tier) where source.id = v.id`.execute(
      db,
    );
  }
}

export async function savePostingRate(db: Db, id: number, postsPerHour: number): Promise<void> {
  await db.updateTable('source').set({ posts_per_hour: postsPerHour }).where('id', '=', id).execute();
}

/**
 * Coverage by tier ('fixed' for sources read every pollInterval): how many, how long since each was last read
 * successfully (never read: since it was added), and how many are overdue (over twice their planned interval).
 * Aggregates only: at 10,000 channels a series per channel would be the watch-list in the metrics.
 */
export const coverageByTier = (db: Db) =>
  sql<{ tier: string; sources: number; p50: number; p90: number; max: number; overdue: number }>`
    with s as (
      select coalesce(tier, 'fixed') as tier, revisit_ms,
             extract(epoch from now() - coalesce(last_success_at, created_at))::float8 as stale
      from source where enabled
    )
    select tier, count(*)::int as sources,
           percentile_cont(0.5) within group (order by stale)::float8 as p50,
           percentile_cont(0.9) within group (order by stale)::float8 as p90,
           max(stale)::float8 as max,
           (count(*) filter (where revisit_ms is not null and stale * 1000 > 2 * revisit_ms))::int as overdue
    from s group by tier order by tier`
    .execute(db)
    .then((r) => r.rows);
