import { createHash } from 'node:crypto';
import { normalize } from './classifier/normalize.js';

/**
 * Differing bits at or below which two texts are the same offer lightly edited (64-bit SimHash). On the
 * corpus, distinct offers differ by 22 bits or more in 99% of pairs; a reworded clause costs about 13.
 */
export const NEAR_DUPLICATE_BITS = 16;

/** A 64-bit SimHash over word 3-shingles of the normalised text: near-identical texts get near-identical hashes. */
export function simhash(text: string): bigint {
  const words = normalize(text).text.split(/[^\p{L}\p{N}£$€@]+/u).filter(Boolean);
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
}

export interface KnownCampaign {
  id: number;
  simhash: bigint;
  targets: string[];
  handles: string[];
}

/**
 * The campaign a new item belongs to: near-identical text, or the same payment/contact handle offering
 * for a target the campaign already named. Undefined when it starts a new one.
 */
export function matchCampaign(item: CampaignSignals, campaigns: KnownCampaign[]): KnownCampaign | undefined {
  let best: { c: KnownCampaign; d: number } | undefined;
  for (const c of campaigns) {
    const d = hammingDistance(item.simhash, c.simhash);
    if (d <= NEAR_DUPLICATE_BITS && (!best || d < best.d)) best = { c, d };
  }
  if (best) return best.c;
  return campaigns.find((c) => item.handles.some((h) => c.handles.includes(h)) && item.targets.some((t) => c.targets.includes(t)));
}
