import { defang, defangLine, quoteBlock } from './defang.js';
import { labelName, labelNames } from './domain/label-names.js';
import { FLAG_LABELS } from './domain/verdict.js';
import type { AlertIncident, DutyAlert } from './domain/alert.js';

export interface AlertMessage {
  subject: string;
  /** Plain text: post text is attacker-controlled and is never sent as markup. */
  text: string;
  /** The JSON a webhook receives. */
  payload: Record<string, unknown>;
}

const MAX_TEXT = 600;

/** "graffiti at Leyton Jamia Masjid, Leyton, E10, on 2025-01-23": report words, so defanged like the post's. */
function incidentLine(i: AlertIncident | null): string | undefined {
  if (!i) return undefined;
  const place = [i.placeName ?? i.placeType.replace('_', ' '), i.road, i.town, i.postcodeDistrict]
    .filter(Boolean)
    .join(', ');
  return defangLine(`${i.act.replace('_', ' ')} at ${place} on ${i.occurredOn}`);
}

/** What a duty officer reads: what, where, how much, from which channel, and where to open it. */
export function composeAlert(a: DutyAlert, itemUrl: string): AlertMessage {
  const { item } = a;
  const { post } = item;
  const { labels, entities } = item.classification;
  const what =
    labels
      .filter((l) => l !== 'target_info')
      .map(labelName)
      .join(', ') || 'Flagged post';
  // Why a claim (or the offer behind one) pages: the campaign it joined holds the other half.
  const campaignHolds = FLAG_LABELS.filter((l) => a.campaignLabels?.includes(l));
  // Targets, places and amounts are words of the post, and the channel's title is its owner's: all attacker-written.
  const where = [
    ...(entities.targets ?? []).map((t) => t.text),
    ...(entities.places ?? []),
    ...(entities.postcodeDistricts ?? []),
  ].map(defangLine);
  const uniqueWhere = [...new Set(where)].join(', ');
  const channel = defangLine(post.channelTitle ? `${post.channelTitle} (${post.channel})` : post.channel);
  const excerpt = post.text.length > MAX_TEXT ? `${post.text.slice(0, MAX_TEXT)}…` : post.text;
  const incident = incidentLine(a.incident);
  const subject = incident
    ? `[Vigil CRITICAL] Offer acted on? ${incident}${a.tier ? ' · ESCALATED' : ''}`
    : `[Vigil ${item.severity.toUpperCase()}] ${what}${uniqueWhere ? ` · ${uniqueWhere}` : ''}${a.tier ? ' · ESCALATED' : ''}`;
  // Vigil's own lines, the real link first, then the post as a quoted, defanged block: nothing the post
  // says can stand above or look like the "Open:" link.
  const lines = [
    subject,
    '',
    `Open: ${itemUrl}`,
    ...(incident
      ? [
          `Reported: ${incident}, linked to the campaign of the offer below${a.incident?.url ? ` (${defangLine(a.incident.url)})` : ''}`,
        ]
      : []),
    `Channel: ${post.platform} / ${channel}`,
    ...(uniqueWhere ? [`Where: ${uniqueWhere}`] : []),
    ...(entities.amounts?.length ? [`Amount: ${entities.amounts.map((x) => defangLine(x.text)).join(', ')}`] : []),
    ...(item.campaignId !== null
      ? [`Campaign ${item.campaignId}${campaignHolds.length ? ` holds: ${labelNames(campaignHolds)}` : ''}`]
      : []),
    `Posted: ${post.publishedAt?.toISOString() ?? 'unknown'} · captured ${post.capturedAt.toISOString()}`,
    ...(post.url ? [`Source: ${post.url}`] : []),
    `Alert: ${a.idempotencyKey}`,
    '',
    'Post text (quoted, links disabled):',
    quoteBlock(excerpt),
    '(end of post text)',
  ];
  const text = lines.join('\n');
  const i = a.incident;
  return {
    subject,
    text,
    payload: {
      idempotencyKey: a.idempotencyKey,
      alertId: a.id,
      reviewItemId: item.id,
      tier: a.tier,
      severity: item.severity,
      labels,
      labelNames: labels.map(labelName),
      campaign: item.campaignId !== null ? { id: item.campaignId, labels: a.campaignLabels ?? [] } : null,
      incident: i
        ? {
            id: i.id,
            act: i.act,
            placeType: i.placeType,
            place: i.placeName,
            road: i.road,
            town: i.town,
            postcodeDistrict: i.postcodeDistrict,
            occurredOn: i.occurredOn,
            url: i.url,
          }
        : null,
      where: uniqueWhere ? uniqueWhere.split(', ') : [],
      amounts: (entities.amounts ?? []).map((x) => x.text),
      channel: { platform: post.platform, handle: post.channel, title: post.channelTitle },
      // Defanged like the text: receivers post this into chats, which would make the post's links live.
      post: {
        url: post.url,
        text: defang(excerpt),
        publishedAt: post.publishedAt?.toISOString() ?? null,
        capturedAt: post.capturedAt.toISOString(),
      },
      itemUrl,
      text,
    },
  };
}
