import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { ExtractedIncident } from '../domain/incident.js';
import type { CapturedPost } from '../domain/post.js';
import type { CampaignTargets, IncidentLink } from '../incidents/link.js';
import { anyId } from './bind-limit.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReportedIncidents {
  post: CapturedPost;
  incidents: ExtractedIncident[];
}

export interface RecordedIncident {
  id: number;
  reportId: number;
  incident: ExtractedIncident;
  source: string;
}

/** What makes one site of a report one row, whatever the order the extractor found it in. */
const siteKey = (i: ExtractedIncident) =>
  createHash('sha256')
    .update(JSON.stringify([i.act, i.placeType, i.placeName, i.road, i.town, i.postcodeDistrict, i.occurredOn]))
    .digest('hex')
    .slice(0, 32);

/**
 * Keeps reports of acts byte-exact with the incidents read from them. Returns only incidents new to the
 * database: a retried job, or the same report read again, records nothing twice.
 */
export async function recordIncidents(
  trx: Transaction<Database>,
  reports: ReportedIncidents[],
): Promise<RecordedIncident[]> {
  const out: RecordedIncident[] = [];
  for (const { post, incidents } of reports) {
    await trx
      .insertInto('incident_report')
      .values({
        post_key: post.key,
        source: post.source,
        platform: post.platform,
        channel: post.channel,
        url: post.url,
        published_at: post.publishedAt,
        text: post.text,
        raw: Buffer.from(post.raw.base64, 'base64'),
        raw_sha256: post.raw.sha256,
        raw_content_type: post.raw.contentType,
        captured_at: post.capture.fetchedAt,
      })
      .onConflict((oc) => oc.column('post_key').doNothing())
      .execute();
    const { id: reportId } = await trx
      .selectFrom('incident_report')
      .select('id')
      .where('post_key', '=', post.key)
      .executeTakeFirstOrThrow();
    for (const incident of incidents) {
      const row = await trx
        .insertInto('incident')
        .values({
          report_id: reportId,
          site_key: siteKey(incident),
          act: incident.act,
          place_type: incident.placeType,
          place_name: incident.placeName,
          postcode_district: incident.postcodeDistrict,
          road: incident.road,
          town: incident.town,
          occurred_on: incident.occurredOn,
          dated: incident.dated,
          span_start: incident.start,
          span_end: incident.end,
        })
        .onConflict((oc) => oc.columns(['report_id', 'site_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) out.push({ id: row.id, reportId, incident, source: post.source });
    }
  }
  return out;
}

const POSTCODE_DISTRICT = /^[a-z]{1,2}\d{1,2}[a-z]?$/i;
const entityTargets = z.object({ targets: z.array(z.object({ text: z.string() })).catch([]) }).catch({ targets: [] });

/**
 * Campaigns an act may answer: those holding an offer or a call that an analyst has not dismissed, first
 * offered at or after `since`, with what they target; with `campaignId`, that one alone.
 */
export async function liveCampaignTargets(
  db: Executor,
  since: Date,
  campaignIds?: number[],
): Promise<CampaignTargets[]> {
  let q = db
    .selectFrom('campaign')
    .innerJoin('review_item', 'review_item.campaign_id', 'campaign.id')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .innerJoin('classification', 'classification.id', 'review_item.classification_id')
    .select([
      'campaign.id',
      'campaign.targets',
      'classification.entities',
      sql<Date>`coalesce(post.published_at, post.captured_at)`.as('posted_at'),
    ])
    .where('review_item.status', '!=', 'dismissed')
    .where(sql<boolean>`classification.labels && array['bounty_offer', 'call_to_action']`)
    .where(sql<boolean>`coalesce(post.published_at, post.captured_at) >= ${since}`);
  if (campaignIds) q = q.where('campaign.id', '=', anyId(campaignIds));
  const rows = await q.execute();
  const byId = new Map<number, CampaignTargets>();
  for (const r of rows) {
    let c = byId.get(r.id);
    if (!c) {
      c = {
        id: r.id,
        districts: r.targets.filter((t) => POSTCODE_DISTRICT.test(t)).map((t) => t.toUpperCase()),
        places: r.targets.filter((t) => !POSTCODE_DISTRICT.test(t)),
        targetWords: [],
        since: r.posted_at,
      };
      byId.set(r.id, c);
    }
    if (r.posted_at < c.since) c.since = r.posted_at;
    c.targetWords.push(...entityTargets.parse(r.entities).targets.map((t) => t.text.toLowerCase()));
  }
  return [...byId.values()];
}

/** Writes links, keeping any already there; returns those that are new. */
export async function insertLinks(
  trx: Executor,
  incidentId: number,
  links: IncidentLink[],
  linkedBy = 'auto',
): Promise<IncidentLink[]> {
  const added: IncidentLink[] = [];
  for (const l of links) {
    const row = await trx
      .insertInto('incident_link')
      .values({
        incident_id: incidentId,
        campaign_id: l.campaignId,
        score: l.score,
        reasons: JSON.stringify(l.reasons),
        linked_by: linkedBy,
      })
      .onConflict((oc) => oc.columns(['incident_id', 'campaign_id']).doNothing())
      .returning('campaign_id')
      .executeTakeFirst();
    if (row) added.push(l);
  }
  return added;
}

/** One incident as the extractor read it, for linking it by hand. */
const incidentColumns = [
  'id',
  'act',
  'place_type',
  'place_name',
  'postcode_district',
  'road',
  'town',
  'dated',
  'span_start',
  'span_end',
  sql<string>`to_char(occurred_on, 'YYYY-MM-DD')`.as('occurred_on'),
] as const;
type StoredIncident = ExtractedIncident & { id: number };
const toIncident = (r: {
  id: number;
  act: ExtractedIncident['act'];
  place_type: ExtractedIncident['placeType'];
  place_name: string | null;
  postcode_district: string | null;
  road: string | null;
  town: string | null;
  occurred_on: string;
  dated: boolean;
  span_start: number;
  span_end: number;
}): StoredIncident => ({
  id: r.id,
  act: r.act,
  placeType: r.place_type,
  placeName: r.place_name,
  postcodeDistrict: r.postcode_district,
  road: r.road,
  town: r.town,
  occurredOn: r.occurred_on,
  dated: r.dated,
  start: r.span_start,
  end: r.span_end,
});

export async function findIncident(db: Executor, id: number): Promise<StoredIncident | undefined> {
  const r = await db.selectFrom('incident').select(incidentColumns).where('id', '=', id).executeTakeFirst();
  return r && toIncident(r);
}

/** Incidents that happened on or after a day, oldest first, at most `limit`: what a campaign first seen now may link to. */
export async function incidentsSince(db: Executor, day: string, limit = 5_000): Promise<StoredIncident[]> {
  const rows = await db
    .selectFrom('incident')
    .select(incidentColumns)
    .where('occurred_on', '>=', day)
    .orderBy('occurred_on')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toIncident);
}

/** Removes one link, never the incident or its report; returns the link as it was, or undefined when there was none. */
export const deleteLink = (trx: Executor, incidentId: number, campaignId: number) =>
  trx
    .deleteFrom('incident_link')
    .where('incident_id', '=', incidentId)
    .where('campaign_id', '=', campaignId)
    .returning(['score', 'reasons', 'linked_by'])
    .executeTakeFirst();

/** The review item an incident's alert points at, per campaign: its earliest offer (or call) still standing, and that post's source. */
export async function anchorItems(
  db: Executor,
  campaignIds: number[],
): Promise<Map<number, { itemId: number; source: string }>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('review_item')
    .innerJoin('classification', 'classification.id', 'review_item.classification_id')
    .innerJoin('post', 'post.id', 'review_item.post_id')
    .leftJoin('source', 'source.id', 'post.source_id')
    .select(['review_item.campaign_id', 'review_item.id', 'source.name as source'])
    .where('review_item.campaign_id', '=', anyId(campaignIds))
    .where('review_item.status', '!=', 'dismissed')
    .where(sql<boolean>`classification.labels && array['bounty_offer', 'call_to_action']`)
    .orderBy(sql`'bounty_offer' = any(classification.labels)`, 'desc')
    .orderBy('review_item.id')
    .execute();
  const out = new Map<number, { itemId: number; source: string }>();
  for (const r of rows)
    if (r.campaign_id !== null && !out.has(r.campaign_id))
      out.set(r.campaign_id, { itemId: r.id, source: r.source ?? '' });
  return out;
}

export interface IncidentFilters {
  /** A postcode district ("E10") or area ("E"). */
  area?: string;
  from?: string;
  to?: string;
  linked?: boolean;
  campaignId?: number;
  limit: number;
  offset: number;
}

/** Incidents with their report and the campaigns they are linked to, newest act first. */
export async function listIncidents(db: Executor, f: IncidentFilters) {
  let q = db
    .selectFrom('incident')
    .innerJoin('incident_report', 'incident_report.id', 'incident.report_id')
    .select([
      'incident.id',
      'incident.act',
      'incident.place_type',
      'incident.place_name',
      'incident.postcode_district',
      'incident.road',
      'incident.town',
      sql<string>`to_char(incident.occurred_on, 'YYYY-MM-DD')`.as('occurred_on'),
      'incident.dated',
      'incident_report.url',
      'incident_report.raw_sha256',
      'incident_report.published_at',
      sql<string>`substr(incident_report.text, incident.span_start + 1, least(incident.span_end - incident.span_start, 400))`.as(
        'excerpt',
      ),
      sql<
        { campaignId: number; score: number; reasons: string[]; linkedBy: string }[]
      >`coalesce((select json_agg(json_build_object('campaignId', l.campaign_id, 'score', l.score, 'reasons', l.reasons, 'linkedBy', l.linked_by) order by l.score desc) from incident_link l where l.incident_id = incident.id), '[]')`.as(
        'links',
      ),
    ]);
  if (f.area)
    q = /\d/.test(f.area)
      ? q.where('incident.postcode_district', '=', f.area.toUpperCase())
      : q.where(sql<boolean>`incident.postcode_district ~ ${`^${f.area.toUpperCase().replace(/[^A-Z]/g, '')}[0-9]`}`);
  if (f.from) q = q.where('incident.occurred_on', '>=', f.from);
  if (f.to) q = q.where('incident.occurred_on', '<=', f.to);
  if (f.linked !== undefined)
    q = q.where(sql<boolean>`exists (select 1 from incident_link l where l.incident_id = incident.id)`, '=', f.linked);
  if (f.campaignId !== undefined)
    q = q.where(
      sql<boolean>`exists (select 1 from incident_link l where l.incident_id = incident.id and l.campaign_id = ${f.campaignId})`,
    );
  return q
    .orderBy('incident.occurred_on', 'desc')
    .orderBy('incident.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
}
export type IncidentRow = Awaited<ReturnType<typeof listIncidents>>[number];
