import { defang, defangLine, quoteBlock } from './defang.js';
import { labelName, labelNames } from './domain/label-names.js';
import { FLAG_LABELS } from './domain/verdict.js';
import type { AlertForDelivery } from './repositories/alert.repository.js';

export interface AlertMessage {
  subject: string;
  /** Plain text: post text is attacker-controlled and is never sent as markup. */
  text: string;
  /** The JSON a webhook receives. */
  payload: Record<string, unknown>;
}

const MAX_TEXT = 600;

/** "graffiti at Leyton Jamia Masjid, Leyton, E10, on 2025-01-23": report words, so defanged like the post's. */
function incidentLine(a: AlertForDelivery): string | undefined {
  if (a.incident_id === null || !a.incident_act) return undefined;
  const place = [a.incident_place_name ?? a.incident_place_type?.replace('_', ' '), a.incident_road, a.incident_town, a.incident_district].filter(Boolean).join(', ');
  return defangLine(`${a.incident_act.replace('_', ' ')} at ${place} on ${a.incident_occurred_on ?? 'an unknown day'}`);
}

/** What a duty officer reads: what, where, how much, from which channel, and where to open it. */
export function composeAlert(a: AlertForDelivery, itemUrl: string): AlertMessage {
  const { entities } = a;
  const what = a.labels.filter((l) => l !== 'target_info').map(labelName).join(', ') || 'Flagged post';
  // Why a claim (or the offer behind one) pages: the campaign it joined holds the other half.
  const campaignHolds = FLAG_LABELS.filter((l) => a.campaign_labels?.includes(l));
  // Targets, places and amounts are words of the post, and the channel's title is its owner's: all attacker-written.
  const where = [...(entities.targets ?? []).map((t) => t.text), ...(entities.places ?? []), ...(entities.postcodeDistricts ?? [])].map(defangLine);
  const uniqueWhere = [...new Set(where)].join(', ');
  const channel = defangLine(a.channel_title ? `${a.channel_title} (${a.channel_handle})` : a.channel_handle);
  const excerpt = a.text.length > MAX_TEXT ? `${a.text.slice(0, MAX_TEXT)}…` : a.text;
  const incident = incidentLine(a);
  const subject = incident
    ? `[Vigil CRITICAL] Offer acted on? ${incident}${a.tier ? ' · ESCALATED' : ''}`
    : `[Vigil ${a.severity.toUpperCase()}] ${what}${uniqueWhere ? ` · ${uniqueWhere}` : ''}${a.tier ? ' · ESCALATED' : ''}`;
  // Vigil's own lines, the real link first, then the post as a quoted, defanged block: nothing the post
  // says can stand above or look like the "Open:" link.
  const lines = [
    subject,
    '',
    `Open: ${itemUrl}`,
    ...(incident ? [`Reported: ${incident}, linked to the campaign of the offer below${a.incident_url ? ` (${defangLine(a.incident_url)})` : ''}`] : []),
    `Channel: ${a.platform} / ${channel}`,
    ...(uniqueWhere ? [`Where: ${uniqueWhere}`] : []),
    ...(entities.amounts?.length ? [`Amount: ${entities.amounts.map((x) => defangLine(x.text)).join(', ')}`] : []),
    ...(a.campaign_id !== null ? [`Campaign ${a.campaign_id}${campaignHolds.length ? ` holds: ${labelNames(campaignHolds)}` : ''}`] : []),
    `Posted: ${a.published_at?.toISOString() ?? 'unknown'} · captured ${a.captured_at.toISOString()}`,
    ...(a.url ? [`Source: ${a.url}`] : []),
    `Alert: ${a.idempotency_key}`,
    '',
    'Post text (quoted, links disabled):',
    quoteBlock(excerpt),
    '(end of post text)',
  ];
  const text = lines.join('\n');
  return {
    subject,
    text,
    payload: {
      idempotencyKey: a.idempotency_key,
      alertId: a.id,
      reviewItemId: a.review_item_id,
      tier: a.tier,
      severity: a.severity,
      labels: a.labels,
      labelNames: a.labels.map(labelName),
      campaign: a.campaign_id !== null ? { id: a.campaign_id, labels: a.campaign_labels ?? [] } : null,
      incident: a.incident_id !== null ? { id: a.incident_id, act: a.incident_act, placeType: a.incident_place_type, place: a.incident_place_name, road: a.incident_road, town: a.incident_town, postcodeDistrict: a.incident_district, occurredOn: a.incident_occurred_on, url: a.incident_url } : null,
      where: uniqueWhere ? uniqueWhere.split(', ') : [],
      amounts: (entities.amounts ?? []).map((x) => x.text),
      channel: { platform: a.platform, handle: a.channel_handle, title: a.channel_title },
      // Defanged like the text: receivers post this into chats, which would make the post's links live.
      post: { url: a.url, text: defang(excerpt), publishedAt: a.published_at?.toISOString() ?? null, capturedAt: a.captured_at.toISOString() },
      itemUrl,
      text,
    },
  };
}
