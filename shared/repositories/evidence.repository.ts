import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { anyId, anyText, bindSlices } from './bind-limit.js';
import { findReviewItems } from './review-item-view.repository.js';
import { userEmails } from './user.repository.js';

/** Review item ids to export, oldest first: the items named, or every item of a campaign. */
export async function exportItemIds(db: Db, sel: { itemIds?: number[]; campaignId?: number }): Promise<number[]> {
  let q = db.selectFrom('review_item').select('id').orderBy('created_at').orderBy('id');
  if (sel.campaignId !== undefined) q = q.where('campaign_id', '=', sel.campaignId);
  else q = q.where('id', '=', anyId(sel.itemIds ?? []));
  return (await q.execute()).map((r) => r.id);
}

/** Everything a bundle says about a batch of items: the post and all its kept versions, classification, review. */
export async function loadEvidence(db: Db, ids: number[]) {
  // The version and seen lookups bind three parameters per item.
  const out: Awaited<ReturnType<typeof loadEvidenceSlice>> = [];
  for (const slice of bindSlices(ids, 3)) out.push(...(await loadEvidenceSlice(db, slice)));
  return out;
}

type Items = Awaited<ReturnType<typeof findReviewItems>>;

/** Every kept version of the items' posts, oldest first. */
const keptVersions = (db: Db, items: Items) =>
  db
    .selectFrom('post')
    .selectAll()
    .where((eb) =>
      eb.or(
        items.map((i) =>
          eb.and([
            eb('post.platform', '=', i.post.platform),
            eb('post.channel_id', '=', i.post.channelId),
            eb('post.external_id', '=', i.post.externalId),
          ]),
        ),
      ),
    )
    .orderBy('version')
    .execute();

const itemNotes = (db: Db, ids: number[]) =>
  db
    .selectFrom('review_note')
    .innerJoin('app_user', 'app_user.id', 'review_note.user_id')
    .select(['review_note.review_item_id', 'review_note.text', 'review_note.created_at', 'app_user.email as author'])
    .where('review_note.review_item_id', '=', anyId(ids))
    .orderBy('review_note.id')
    .execute();

/** What the source still shows of each post (its deletion mark); none when the lookup fails. */
const seenAtSource = (db: Db, items: Items) =>
  db
    .selectFrom('post_seen')
    .select(['source_id', 'external_id', 'version', 'deleted_at', 'first_seen_at', 'last_seen_at'])
    .where((eb) =>
      eb.or(
        items.flatMap((i) =>
          i.post.sourceId === null
            ? []
            : [eb.and([eb('source_id', '=', i.post.sourceId), eb('external_id', '=', i.post.externalId)])],
        ),
      ),
    )
    .execute()
    .catch(() => []);

async function loadEvidenceSlice(db: Db, ids: number[]) {
  const items = await findReviewItems(db, ids);
  // The review names people by their email, as the desk shows them.
  const emails = await userEmails(db, [
    ...new Set(items.flatMap((i) => [i.decidedBy, i.assignedTo]).filter((u) => u !== null)),
  ]);
  const email = (id: number | null) => (id === null ? null : (emails.get(id) ?? null));
  const versions = await keptVersions(db, items);
  const notes = await itemNotes(db, ids);
  const seen = await seenAtSource(db, items);
  const byId = new Map(items.map((i) => [i.id, i]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const item = byId.get(id)!;
      const { post } = item;
      const seenRow = seen.find((s) => s.source_id === post.sourceId && s.external_id === post.externalId);
      const kept = versions.filter(
        (v) => v.platform === post.platform && v.channel_id === post.channelId && v.external_id === post.externalId,
      );
      const deletedAt = seenRow?.deleted_at ?? kept.find((v) => v.deleted_at)?.deleted_at ?? null;
      return {
        item,
        decidedBy: email(item.decidedBy),
        assignedTo: email(item.assignedTo),
        versions: kept,
        notes: notes.filter((n) => n.review_item_id === id),
        seen: seenRow ?? null,
        deletedAt,
      };
    });
}
export type Evidence = Awaited<ReturnType<typeof loadEvidence>>[number];

/** Audit entries about these items and incidents, oldest first: who viewed, decided, linked, acknowledged and exported them. */
export function custodyEntries(db: Db, ids: number[], incidentIds: number[] = []) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('entity', '=', 'review_item'), eb('entity_id', '=', anyText(ids.map(String)))]),
        eb.and([eb('entity', '=', 'incident'), eb('entity_id', '=', anyText(incidentIds.map(String)))]),
        eb('entity', '=', 'evidence_bundle'),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** The incidents linked to a campaign, with their link and their report's capture (not its bytes: incidentReportRaw), oldest act first. */
export function campaignIncidents(db: Db, campaignId: number) {
  return db
    .selectFrom('incident_link')
    .innerJoin('incident', 'incident.id', 'incident_link.incident_id')
    .innerJoin('incident_report', 'incident_report.id', 'incident.report_id')
    .select([
      'incident.id',
      'incident.report_id',
      'incident.act',
      'incident.place_type',
      'incident.place_name',
      'incident.road',
      'incident.town',
      'incident.postcode_district',
      sql<string>`to_char(incident.occurred_on, 'YYYY-MM-DD')`.as('occurred_on'),
      'incident.dated',
      'incident.span_start',
      'incident.span_end',
      'incident_link.score',
      'incident_link.reasons',
      'incident_link.linked_by',
      'incident_link.created_at as linked_at',
      'incident_report.post_key',
      'incident_report.source',
      'incident_report.platform',
      'incident_report.channel',
      'incident_report.url',
      'incident_report.published_at',
      'incident_report.captured_at',
      'incident_report.text',
      'incident_report.raw_sha256',
      'incident_report.raw_content_type',
    ])
    .where('incident_link.campaign_id', '=', campaignId)
    .orderBy('incident.occurred_on')
    .orderBy('incident.id')
    .execute();
}
export type CampaignIncident = Awaited<ReturnType<typeof campaignIncidents>>[number];

/** The captured bytes of incident reports, by report id. */
export async function incidentReportRaw(db: Db, reportIds: number[]): Promise<Map<number, Buffer>> {
  if (reportIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('incident_report')
    .select(['id', 'raw'])
    .where('id', '=', anyId(reportIds))
    .execute();
  return new Map(rows.map((r) => [r.id, r.raw]));
}
