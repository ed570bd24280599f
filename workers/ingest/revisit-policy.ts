/**
 * How often each source on a budgeted host is read. Revisit rates proportional to √(importance × change rate)
 * minimise the expected delay before a change is seen under a fixed budget (Cho & Garcia-Molina; Sia, Cho & Cho
 * 2007; Kolobov et al. 2019): the host's budget is shared in that proportion, each source's rate kept within
 * [1/maxInterval, 1/minInterval] by water-filling. Sources with a recent flagged post are hot: read every
 * minInterval before the rest is shared out. Pure: the planner feeds it rows and writes its answer to schedulers.
 */

export type Tier = 'hot' | 'warm' | 'cold';
export const TIERS: readonly Tier[] = ['hot', 'warm', 'cold'];

export interface RevisitSource {
  id: number;
  /** Posts per hour, smoothed (see observeRate). */
  postsPerHour: number;
  /** The watch-list priority an admin gave it, 1 (normal) to 5. */
  priority: number;
  /** Flagged posts within the hot window. */
  flagged: number;
  /** Its config's pollInterval: the longest it may wait. */
  maxIntervalMs: number;
}

export interface RevisitSettings {
  /** The host's requests per second, for all its sources together. */
  perSecond: number;
  /** The share of it planned for. */
  utilisation: number;
  minIntervalMs: number;
  /** Each source's interval is scaled by 1 ± up to this, fixed per source (see jitterOf). */
  jitter: number;
}

export interface RevisitPlan {
  intervalMs: number;
  tier: Tier;
}

/** A channel never seen posting still gets a little attention: it may start at any time. */
const RATE_FLOOR_PER_HOUR = 0.05;

export const riskOf = (s: Pick<RevisitSource, 'priority' | 'flagged'>) => Math.max(1, s.priority) * (1 + s.flagged);

export const weightOf = (s: RevisitSource) =>
  Math.sqrt(riskOf(s) * (Math.max(0, s.postsPerHour) + RATE_FLOOR_PER_HOUR));

/** A fixed number in [-1, 1) per source, so a source's jitter does not move its schedule at every plan. */
export const jitterOf = (id: number) => ((Math.imul(id, 2654435761) >>> 0) / 2 ** 32) * 2 - 1;

/** Σ clamp(λ·wᵢ, loᵢ, hi) for λ: the reads per second the plan spends at that level. */
const spend = (lambda: number, w: number[], lo: number[], hi: number) =>
  w.reduce((sum, wi, i) => sum + Math.min(hi, Math.max(lo[i]!, lambda * wi)), 0);

/** Reads per second for each source (same order) so their sum is `capacity`, or as near as the bounds allow. */
export function shareRates(weights: number[], lo: number[], hi: number, capacity: number): number[] {
  const floor = lo.reduce((a, b) => a + b, 0);
  // Even the longest intervals overspend: the budget wins, every source waits longer in proportion.
  if (floor >= capacity) return lo.map((l) => (l * capacity) / floor);
  if (hi * weights.length <= capacity) return weights.map(() => hi);
  let low = 0;
  let high = 1;
  while (spend(high, weights, lo, hi) < capacity) high *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (spend(mid, weights, lo, hi) < capacity) low = mid;
    else high = mid;
  }
  return weights.map((w, i) => Math.min(hi, Math.max(lo[i]!, high * w)));
}

export function planRevisits(sources: RevisitSource[], settings: RevisitSettings): Map<number, RevisitPlan> {
  const plans = new Map<number, RevisitPlan>();
  const capacity = settings.perSecond * settings.utilisation;
  const hiRate = 1000 / settings.minIntervalMs;
  const hot = sources.filter((s) => s.flagged > 0);
  const rest = sources.filter((s) => s.flagged === 0);
  // Hot sources first; if they alone would overspend, they share the whole budget.
  const hotRate = hot.length ? Math.min(hiRate, capacity / hot.length) : 0;
  for (const s of hot) plans.set(s.id, { intervalMs: Math.round(1000 / hotRate), tier: 'hot' });
  const left = Math.max(capacity - hot.length * hotRate, capacity * 0.05);
  const lo = rest.map((s) => 1000 / Math.max(s.maxIntervalMs, settings.minIntervalMs));
  const rates = shareRates(rest.map(weightOf), lo, hiRate, left);
  rest.forEach((s, i) => {
    const planned = 1000 / rates[i]!;
    const jittered = planned * (1 + settings.jitter * jitterOf(s.id));
    // Jitter never takes a source past its bounds, unless the budget already has (planned beyond the max).
    const upper = Math.max(planned, Math.max(s.maxIntervalMs, settings.minIntervalMs));
    const intervalMs = Math.round(Math.min(upper, Math.max(settings.minIntervalMs, jittered)));
    plans.set(s.id, {
      intervalMs,
      tier: planned <= Math.max(s.maxIntervalMs, settings.minIntervalMs) / 2 ? 'warm' : 'cold',
    });
  });
  return plans;
}

/** BullMQ priority for a tier's polls and requests: hot ones are taken first when the host is busy. */
export const tierPriority = (tier: Tier | null | undefined) => (tier === 'hot' ? 1 : tier === 'warm' ? 2 : 3);

/**
 * The posting rate after a poll that found `newPosts` posts `elapsedMs` after the one before: an exponentially
 * weighted average over `windowMs`, so a burst lifts the rate in proportion to how long it was watched. The first
 * poll (no previous one) takes the rate the posts' own dates show, as feed readers do from entry dates.
 */
export function observeRate(
  prev: number,
  newPosts: number,
  elapsedMs: number | null,
  windowMs: number,
  dates: number[] = [],
): number {
  if (elapsedMs === null) {
    const sorted = dates.filter(Number.isFinite).sort((a, b) => a - b);
    if (sorted.length < 2) return prev;
    const spanH = Math.max(1 / 60, (sorted[sorted.length - 1]! - sorted[0]!) / 3_600_000);
    return (sorted.length - 1) / spanH;
  }
  if (elapsedMs <= 0) return prev;
  const observed = newPosts / (elapsedMs / 3_600_000);
  const alpha = 1 - Math.exp(-elapsedMs / windowMs);
  return prev + alpha * (observed - prev);
}
