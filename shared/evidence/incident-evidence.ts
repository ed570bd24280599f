import type { Db } from '../db/client.js';
import { campaignIncidents, incidentReportRaw, type CampaignIncident } from '../repositories/evidence.repository.js';
import { json, rawFileName } from './bundle-files.js';
import { incidentAct, incidentReportSection, type ActRow } from './report.js';

/** Reports whose bytes are read at once: a news page is small, but a campaign may have many. */
const REPORT_BATCH = 50;

export interface IncidentEvidence {
  incidentIds: number[];
  /** One line per incident for the course from offer to act. */
  acts: ActRow[];
  /** The report's sections, one per incident report. */
  sections: string;
  /** What manifest.json says of each incident. */
  summaries: Record<string, unknown>[];
}

/** incident-report.json: the report's capture, its text, and each incident read from it with why it is linked. */
function reportRecord(campaignId: number, incidents: CampaignIncident[], raw: { stored: string; original: string }) {
  const r = incidents[0]!;
  return json({
    incidentReportId: r.report_id,
    raw: { path: raw.stored, originalName: raw.original, contentType: r.raw_content_type, sha256: r.raw_sha256 },
    capture: {
      postKey: r.post_key,
      source: r.source,
      platform: r.platform,
      channel: r.channel,
      url: r.url,
      publishedAt: r.published_at?.toISOString() ?? null,
      capturedAt: r.captured_at.toISOString(),
    },
    text: r.text,
    incidents: incidents.map((i) => ({
      incidentId: i.id,
      act: i.act,
      placeType: i.place_type,
      place: i.place_name,
      road: i.road,
      town: i.town,
      postcodeDistrict: i.postcode_district,
      occurredOn: i.occurred_on,
      dated: i.dated,
      excerpt: { start: i.span_start, end: i.span_end, text: r.text.slice(i.span_start, i.span_end) },
      link: {
        campaignId,
        score: i.score,
        reasons: i.reasons,
        linkedBy: i.linked_by,
        linkedAt: i.linked_at.toISOString(),
      },
    })),
  });
}

/**
 * Adds the incident reports linked to a campaign to its bundle: per report, its bytes exactly as captured
 * (stored inert, like a post's) and incident-report.json, under `incidents/<report id>/`.
 */
export async function addIncidentEvidence(
  db: Db,
  campaignId: number,
  add: (path: string, data: Buffer) => Promise<{ path: string; sha256: string }>,
): Promise<IncidentEvidence> {
  const incidents = await campaignIncidents(db, campaignId);
  const byReport = new Map<number, CampaignIncident[]>();
  for (const i of incidents) byReport.set(i.report_id, [...(byReport.get(i.report_id) ?? []), i]);
  const reportIds = [...byReport.keys()];
  let sections = '';
  for (let at = 0; at < reportIds.length; at += REPORT_BATCH) {
    const batch = reportIds.slice(at, at + REPORT_BATCH);
    const raws = await incidentReportRaw(db, batch);
    for (const id of batch) {
      const rows = byReport.get(id)!;
      const name = rawFileName(rows[0]!.raw_content_type);
      const files = [
        await add(`incidents/${id}/${name.stored}`, raws.get(id)!),
        await add(`incidents/${id}/incident-report.json`, reportRecord(campaignId, rows, name)),
      ];
      sections += incidentReportSection(rows, files);
    }
  }
  return {
    incidentIds: incidents.map((i) => i.id),
    acts: incidents.map(incidentAct),
    sections,
    summaries: incidents.map((i) => ({
      incidentId: i.id,
      incidentReportId: i.report_id,
      act: i.act,
      postcodeDistrict: i.postcode_district,
      occurredOn: i.occurred_on,
      linkedBy: i.linked_by,
    })),
  };
}
