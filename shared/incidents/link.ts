import type { ExtractedIncident, LinkReasons, PlaceType } from '../domain/incident.js';
import { areaOf, districtsOfPlace, namesOf } from './gazetteer.js';

/** What linking needs to know of a campaign: where and what its offers and calls aim at, and since when. */
export interface CampaignTargets {
  id: number;
  /** Postcode districts its items name ("E10"). */
  districts: string[];
  /** Roads, towns and neighbourhoods its items name, as written ("Leyton High Road", "Leyton"). */
  places: string[];
  /** Target words its items use ("mosque", "islamic centre", "school", "hotel"). */
  targetWords: string[];
  /** The earliest post time of its offers and calls. */
  since: Date;
}

export interface IncidentLink {
  campaignId: number;
  score: number;
  reasons: LinkReasons;
}

/** How long after an offer an act counts as possibly answering it, unless configured. */
export const DEFAULT_LINK_WINDOW_DAYS = 60;
/** A link needs a place in common (3 for a district, 2 for an area with the same kind of place or a named road or town) and a kind of target in common. */
export const MIN_LINK_SCORE = 4;

/** The target words that stand for each kind of place. */
const KIND_WORDS: Record<PlaceType, RegExp> = {
  mosque: /mosque|masjid|moschee|moskee|meczet|mezquita|mosquee|islamic|muslim|🕌/i,
  islamic_centre: /islamic|muslim|mosque|masjid|cent(?:re|er)/i,
  synagogue: /synagog|shul|jewish|🕍/i,
  gurdwara: /gurdwara|sikh/i,
  temple: /temple|mandir|hindu|🛕/i,
  church: /church|chapel|cathedral|eglise|kirche|kerk|⛪/i,
  school: /school|madras|academy|college|ecole|schule|🏫/i,
  asylum_hotel: /hotel|asylum|migrant|🏨/i,
  refugee_centre: /refugee|asylum|migrant|cent(?:re|er)|hostel|azc|unterkunft|foyer/i,
  community_centre: /community|cent(?:re|er)|hall/i,
  shop: /shop|butcher|restaurant|takeaway|business/i,
  other: /$^/,
};

const DAY_MS = 86_400_000;
const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());

/**
 * Which campaigns an incident may be the act of, with a score and the reasons in words: the same place
 * (postcode district; or the same postcode area and kind of place; or a road or town the offer names),
 * a kind of target the campaign covers, and a day within the window after its first offer. Pure.
 */
export function linkIncident(
  incident: ExtractedIncident,
  campaigns: CampaignTargets[],
  windowDays = DEFAULT_LINK_WINDOW_DAYS,
): IncidentLink[] {
  const occurred = new Date(`${incident.occurredOn}T23:59:59Z`);
  const districts = new Set(districtsOfPlace(incident));
  const areas = new Set([...districts].map(areaOf));
  const reportPlaces = lower([incident.road, incident.town, incident.placeName].filter((p): p is string => Boolean(p)));
  const out: IncidentLink[] = [];
  for (const c of campaigns) {
    const days = (occurred.getTime() - c.since.getTime()) / DAY_MS;
    if (days < 0 || days > windowDays + 1) continue;
    const reasons: string[] = [];
    let place = 0;
    const sameDistrict = c.districts.find((d) => districts.has(d.toUpperCase()));
    if (sameDistrict) {
      place = 3;
      reasons.push(`same postcode district ${sameDistrict.toUpperCase()}`);
    }
    const named = lower(c.places).find(
      (p) =>
        reportPlaces.some((r) => r.includes(p) || p.includes(r)) ||
        [...districts].some((d) => lower(namesOf(d)).includes(p)),
    );
    if (named) {
      place = Math.max(place, 2) + (place ? 1 : 0);
      reasons.push(`the offer names ${named}`);
    }
    const sameArea = !place && c.districts.find((d) => areas.has(areaOf(d)));
    if (sameArea) {
      place = 1;
      reasons.push(`same postcode area ${areaOf(sameArea)}`);
    }
    if (!place) continue;
    const kind = c.targetWords.find((w) => KIND_WORDS[incident.placeType].test(w));
    if (!kind) continue;
    reasons.push(`the offer targets ${kind}, the report is of ${incident.placeType.replace('_', ' ')}`);
    const after = Math.round(days);
    reasons.push(`${after} ${after === 1 ? 'day' : 'days'} after the first offer`);
    const score = place + 2 + (days <= 21 ? 1 : 0);
    if (score >= MIN_LINK_SCORE) out.push({ campaignId: c.id, score, reasons });
  }
  return out.sort((a, b) => b.score - a.score);
}
