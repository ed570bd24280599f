import { createHash } from 'node:crypto';
import { normalize } from './classifier/normalize.js';
import type { Severity } from './domain/verdict.js';
import { hexHamming, IMAGE_NEAR_DUPLICATE_BITS } from './media/perceptual-hash.js';

/**
 * Differing bits at or below which two texts are the same offer lightly edited (64-bit SimHash). On the
 * corpus, distinct offers differ by 22 bits or more in 99% of pairs; a reworded clause costs about 13.
 */
export const NEAR_DUPLICATE_BITS = 16;

/** A 64-bit SimHash over word 3-shingles of the normalised text: near-identical texts get near-identical hashes. */
export function simhash(text: string): bigint {
  const words = normalize(text)
    .text.split(/[^\p{L}\p{N}£$€@]+/u)
    .filter(Boolean);
  const shingles = words.length < 3 ? [words.join(' ')] : words.slice(2).map((_, i) => words.slice(i, i + 3).join(' '));
  const weights = new Array<number>(64).fill(0);
  for (const s of shingles) {
    const h = createHash('sha256').update(s).digest().readBigUInt64BE(0);
    for (let bit = 0; bit < 64; bit++) weights[bit]! += (h >> BigInt(bit)) & 1n ? 1 : -1;
  }
  let out = 0n;
  for (let bit = 0; bit < 64; bit++) if (weights[bit]! > 0) out |= 1n << BigInt(bit);
  return out;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

export interface CampaignSignals {
  simhash: bigint;
  targets: string[];
  handles: string[];
  /** The item's labels: a claim may join by its handle alone. */
  labels: readonly string[];
  /** pHashes (hex) of its images. */
  imageHashes?: string[];
}

export interface KnownCampaign {
  id: number;
  simhash: bigint;
  targets: string[];
  handles: string[];
  /** Every label its items carry. */
  labels: string[];
  imageHashes?: string[];
}

/** The same poster, re-encoded or resized, whatever words go with it. */
const sharesImage = (a: string[] | undefined, b: string[] | undefined) =>
  (a ?? []).some((x) => (b ?? []).some((y) => hexHamming(x, y) <= IMAGE_NEAR_DUPLICATE_BITS));

/**
 * The campaign a new item belongs to: near-identical text, or a near-identical image (a reposted poster), or the same payment/contact handle offering
 * for a target the campaign already named, or, for a claim, the same account handle alone. Undefined
 * when it starts a new one.
 */
export function matchCampaign(item: CampaignSignals, campaigns: KnownCampaign[]): KnownCampaign | undefined {
  let best: { c: KnownCampaign; d: number } | undefined;
  for (const c of campaigns) {
    const d = hammingDistance(item.simhash, c.simhash);
    if (d <= NEAR_DUPLICATE_BITS && (!best || d < best.d)) best = { c, d };
  }
  if (best) return best.c;
  const byImage = item.imageHashes?.length
    ? campaigns.find((c) => sharesImage(item.imageHashes, c.imageHashes))
    : undefined;
  if (byImage) return byImage;
  const byTarget = campaigns.find(
    (c) => item.handles.some((h) => c.handles.includes(h)) && item.targets.some((t) => c.targets.includes(t)),
  );
  if (byTarget || !item.labels.includes('claim')) return byTarget;
  return claimByAccount(item, campaigns);
}

/**
 * A claim seldom repeats the offer's target ("done, video sent to @the_bot, pay me"), but it reports to the
 * campaign's own account. Only an account handle (@name) counts: "btc" or "the bot" would join strangers.
 * A campaign holding an offer comes first, since the claim is evidence that an offer is being acted on.
 */
function claimByAccount(item: CampaignSignals, campaigns: KnownCampaign[]): KnownCampaign | undefined {
  const accounts = item.handles.filter((h) => h.startsWith('@'));
  const sharing = campaigns.filter((c) => accounts.some((h) => c.handles.includes(h)));
  return sharing.find((c) => c.labels.includes('bounty_offer')) ?? sharing[0];
}

/** An offer on one side and a claim on the other: someone says the act that was paid for is done. */
const offerMeetsClaim = (a: readonly string[], b: readonly string[]) =>
  (a.includes('claim') && b.includes('bounty_offer')) || (a.includes('bounty_offer') && b.includes('claim'));

export interface JoinSeverity {
  severity: Severity;
  /** The item gives the campaign its first offer-and-claim pair: worth a page even though the campaign is known. */
  firstActedOn: boolean;
}

/**
 * The severity of an item joining a campaign: a claim joining a campaign that holds a bounty offer, or an
 * offer joining one that holds a claim, is critical whatever the classifier said of the post alone.
 */
export function severityOnJoin(
  item: { severity: Severity; labels: readonly string[] },
  campaignLabels: readonly string[],
): JoinSeverity {
  if (!offerMeetsClaim(item.labels, campaignLabels)) return { severity: item.severity, firstActedOn: false };
  return { severity: 'critical', firstActedOn: !offerMeetsClaim(campaignLabels, campaignLabels) };
}
