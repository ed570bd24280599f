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

function incidentPayload(i: AlertIncident | null): Record<string, unknown> | null {
  return i
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
    : null;
}

/** The post's targets, places and postcode districts, defanged and without repeats, comma-separated. */
function alertWhere(entities: DutyAlert['item']['classification']['entities']): string {
  // Targets, places and amounts are words of the post, and the channel's title is its owner's: all attacker-written.
  const where = [
    ...(entities.targets ?? []).map((t) => t.text),
    ...(entities.places ?? []),
    ...(entities.postcodeDistricts ?? []),
  ].map(defangLine);
  return [...new Set(where)].join(', ');
}

function alertSubject(a: DutyAlert, incident: string | undefined, uniqueWhere: string): string {
  const { item } = a;
  const what =
    item.classification.labels
      .filter((l) => l !== 'target_info')
      .map(labelName)
      .join(', ') || 'Flagged post';
  return incident
    ? `[Vigil CRITICAL] Offer acted on? ${incident}${a.tier ? ' · ESCALATED' : ''}`
    : `[Vigil ${item.severity.toUpperCase()}] ${what}${uniqueWhere ? ` · ${uniqueWhere}` : ''}${a.tier ? ' · ESCALATED' : ''}`;
}

interface AlertParts {
  subject: string;
  itemUrl: string;
  incident: string | undefined;
  uniqueWhere: string;
  excerpt: string;
}

function alertText(a: DutyAlert, { subject, itemUrl, incident, uniqueWhere, excerpt }: AlertParts): string {
  const { item } = a;
  const { post } = item;
  const { entities } = item.classification;
  // Why a claim (or the offer behind one) pages: the campaign it joined holds the other half.
  const campaignHolds = FLAG_LABELS.filter((l) => a.campaignLabels?.includes(l));
  const channel = defangLine(post.channelTitle ? `${post.channelTitle} (${post.channel})` : post.channel);
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
  return lines.join('\n');
}

/** What a duty officer reads: what, where, how much, from which channel, and where to open it. */
export function composeAlert(a: DutyAlert, itemUrl: string): AlertMessage {
  const { item } = a;
  const { post } = item;
  const { labels, entities } = item.classification;
  const uniqueWhere = alertWhere(entities);
  const excerpt = post.text.length > MAX_TEXT ? `${post.text.slice(0, MAX_TEXT)}…` : post.text;
  const incident = incidentLine(a.incident);
  const subject = alertSubject(a, incident, uniqueWhere);
  const text = alertText(a, { subject, itemUrl, incident, uniqueWhere, excerpt });
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
      incident: incidentPayload(a.incident),
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
