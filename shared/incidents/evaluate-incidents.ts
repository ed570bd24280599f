import type { ExtractedIncident } from '../domain/incident.js';

/** A labelled report: the incidents a reader finds in it (none for an offer, a trial, a fundraiser…). */
export interface LabelledReport {
  id: string;
  publishedAt: string;
  text: string;
  incidents: Pick<
    ExtractedIncident,
    'act' | 'placeType' | 'placeName' | 'postcodeDistrict' | 'road' | 'town' | 'occurredOn'
  >[];
}

export interface IncidentScores {
  reports: number;
  incidents: number;
  extracted: number;
  /** Extracted incidents that are one of the labelled ones (same place). */
  matched: number;
  precision: number;
  recall: number;
  /** Of the matched: the same act, the same day. */
  actAgreement: number;
  dateAgreement: number;
  /** Reports with no incident from which something was extracted anyway. */
  falseReports: number;
  negativeReports: number;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a && b && a.toLowerCase() === b.toLowerCase());
const overlaps = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a && b && (a.toLowerCase().includes(b.toLowerCase()) || b.toLowerCase().includes(a.toLowerCase())));

/** The same place: the same named place, or the same type at the same road, district or (without names) town. */
function samePlace(p: LabelledReport['incidents'][number], g: LabelledReport['incidents'][number]): boolean {
  if (p.placeName && g.placeName) return overlaps(p.placeName, g.placeName);
  if (p.placeType !== g.placeType) return false;
  return (
    same(p.road, g.road) ||
    same(p.postcodeDistrict, g.postcodeDistrict) ||
    same(p.town, g.town) ||
    (!g.road && !g.postcodeDistrict && !g.town)
  );
}

/** Precision and recall of an extractor on labelled reports, matching extracted to labelled incidents one to one by place. */
export function scoreIncidents(
  reports: LabelledReport[],
  extract: (text: string, publishedAt: Date) => ExtractedIncident[],
): IncidentScores {
  let incidents = 0,
    extracted = 0,
    matched = 0,
    acts = 0,
    dates = 0,
    falseReports = 0,
    negativeReports = 0;
  for (const r of reports) {
    const found = extract(r.text, new Date(`${r.publishedAt}T12:00:00Z`));
    incidents += r.incidents.length;
    extracted += found.length;
    if (r.incidents.length === 0) {
      negativeReports++;
      if (found.length) falseReports++;
    }
    const open = [...r.incidents];
    for (const f of found) {
      const i = open.findIndex((g) => samePlace(f, g));
      if (i < 0) continue;
      const g = open.splice(i, 1)[0]!;
      matched++;
      if (g.act === f.act) acts++;
      if (g.occurredOn === f.occurredOn) dates++;
    }
  }
  return {
    reports: reports.length,
    incidents,
    extracted,
    matched,
    precision: extracted ? matched / extracted : 1,
    recall: incidents ? matched / incidents : 1,
    actAgreement: matched ? acts / matched : 1,
    dateAgreement: matched ? dates / matched : 1,
    falseReports,
    negativeReports,
  };
}
