import { describe, expect, it } from 'vitest';
import {
  jitterOf,
  observeRate,
  planRevisits,
  shareRates,
  tierPriority,
  weightOf,
  type RevisitSource,
} from '../../workers/ingest/revisit-policy.js';

const source = (id: number, over: Partial<RevisitSource> = {}): RevisitSource => ({
  id,
  postsPerHour: 1,
  priority: 1,
  flagged: 0,
  maxIntervalMs: 86_400_000,
  ...over,
});
const settings = { perSecond: 1, utilisation: 1, minIntervalMs: 60_000, jitter: 0 };
/** Reads per second the plan spends. */
const spent = (plan: Map<number, { intervalMs: number }>) =>
  [...plan.values()].reduce((sum, p) => sum + 1000 / p.intervalMs, 0);

describe('revisit policy', () => {
  it('spends the budget in proportion to √(risk × rate)', () => {
    const sources = [
      source(1, { postsPerHour: 100 }),
      source(2, { postsPerHour: 1 }),
      source(3, { postsPerHour: 1, priority: 4 }),
    ];
    const plan = planRevisits(sources, { ...settings, perSecond: 0.01, minIntervalMs: 1_000 });
    expect(spent(plan)).toBeCloseTo(0.01, 5);
    const rate = (id: number) => 1000 / plan.get(id)!.intervalMs;
    // √100 : √1 : √4, the floor rate aside.
    expect(rate(1) / rate(2)).toBeCloseTo(Math.sqrt(100.05 / 1.05), 3);
    expect(rate(3) / rate(2)).toBeCloseTo(2, 3);
  });

  it('keeps every source within [minInterval, its pollInterval] while the budget allows', () => {
    const sources = [
      source(1, { postsPerHour: 10_000 }),
      ...Array.from({ length: 50 }, (_, i) => source(i + 2, { postsPerHour: 0, maxIntervalMs: 3_600_000 })),
    ];
    const plan = planRevisits(sources, settings);
    expect(plan.get(1)!.intervalMs).toBe(60_000);
    for (let id = 2; id <= 51; id++) expect(plan.get(id)!.intervalMs).toBeLessThanOrEqual(3_600_000);
    expect(spent(plan)).toBeLessThanOrEqual(1.0001);
  });

  it('puts a source with a flagged post in the hot tier at minInterval, and the rest share what is left', () => {
    const sources = Array.from({ length: 400 }, (_, i) => source(i + 1, { postsPerHour: 5 }));
    sources[7] = source(8, { postsPerHour: 0, flagged: 1 });
    const plan = planRevisits(sources, { perSecond: 10, utilisation: 0.8, minIntervalMs: 5_000, jitter: 0 });
    expect(plan.get(8)).toEqual({ intervalMs: 5_000, tier: 'hot' });
    expect(spent(plan)).toBeCloseTo(8, 3);
    // 399 alike share 7.8/s: about 51 s each.
    expect(plan.get(1)!.intervalMs).toBeCloseTo(399_000 / 7.8, -2);
  });

  it('stretches everyone when even the longest intervals overspend: the budget wins', () => {
    const sources = Array.from({ length: 10_000 }, (_, i) => source(i + 1, { maxIntervalMs: 60_000 }));
    const plan = planRevisits(sources, { ...settings, minIntervalMs: 1_000 });
    expect(spent(plan)).toBeCloseTo(1, 3);
    expect(plan.get(1)!.intervalMs).toBe(10_000_000);
  });

  it('applies jitter fixed per source and within bounds', () => {
    expect(jitterOf(17)).toBe(jitterOf(17));
    const values = Array.from({ length: 1000 }, (_, i) => jitterOf(i + 1));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length)).toBeLessThan(0.1);
    const plan = planRevisits(
      Array.from({ length: 100 }, (_, i) => source(i + 1)),
      { ...settings, perSecond: 0.01, minIntervalMs: 1_000, jitter: 0.1 },
    );
    const intervals = [...plan.values()].map((p) => p.intervalMs);
    expect(Math.max(...intervals) / Math.min(...intervals)).toBeGreaterThan(1.15);
    expect(Math.max(...intervals) / Math.min(...intervals)).toBeLessThan(1.23);
  });

  it('shares rates by water-filling, with no source under its floor', () => {
    const rates = shareRates([1, 1, 10], [0.1, 0.1, 0.1], 1, 1);
    expect(rates.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(rates[0]).toBeCloseTo(0.1, 6);
    expect(rates[2]).toBeCloseTo(0.8, 6);
    expect(shareRates([1, 2], [0.1, 0.1], 1, 5)).toEqual([1, 1]);
  });

  it('weights risk and rate, and gives hot polls the first priority', () => {
    expect(weightOf(source(1, { postsPerHour: 0, priority: 1 }))).toBeGreaterThan(0);
    expect(weightOf(source(1, { postsPerHour: 4, flagged: 3 }))).toBeCloseTo(Math.sqrt(4 * 4.05), 6);
    expect([tierPriority('hot'), tierPriority('warm'), tierPriority('cold'), tierPriority(null)]).toEqual([1, 2, 3, 3]);
  });

  it('smooths the posting rate over its window, and reads the first from the posts’ dates', () => {
    const hour = 3_600_000;
    expect(observeRate(0, 0, null, 24 * hour, [0, hour, 2 * hour, 3 * hour])).toBeCloseTo(1, 6);
    expect(observeRate(2, 0, null, 24 * hour, [5])).toBe(2);
    // Ten posts in an hour, watched for an hour of a day's window: the rate moves about 4% of the way.
    const after = observeRate(1, 10, hour, 24 * hour);
    expect(after).toBeCloseTo(1 + (1 - Math.exp(-1 / 24)) * 9, 6);
    expect(observeRate(1, 10, 100 * hour, hour)).toBeCloseTo(0.1, 3);
  });
});
