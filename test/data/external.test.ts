import { describe, expect, it } from 'vitest';
import { externalDataDir, externalReport, falseAlarmTargets, sumShares as sum, type Share } from '../../cli/eval-external.command.js';

// Outside data (../shared/data) sits beside the project checkout, not in it; the suite's global setup fails without it.
const dir = externalDataDir(undefined, process.env);

const rate = (s: Share) => s.flagged / s.total;

describe('external check on data written by others (HateCheck, Hatemoji, Davidson)', () => {
  it('flags at most 1% of HateCheck non-hateful and counter-speech cases and of Davidson "neither"; 3% of Hatemoji non-hateful; almost no bounty offers', () => {
    if (!dir) throw new Error('no outside data: set VIGIL_EXTERNAL_DATA or put it in ../shared/data');
    const report = externalReport(dir);
    const nonHateful = Object.entries(report.hatecheck).filter(([f]) => f.endsWith('_nh'));
    expect(nonHateful.map(([f]) => f)).toEqual(expect.arrayContaining(['counter_quote_nh', 'counter_ref_nh', 'profanity_nh', 'target_obj_nh']));
    expect(rate(sum(nonHateful.map(([, s]) => s)))).toBeLessThanOrEqual(0.01);
    // Counter-speech quotes and references hate: none of it may page anyone.
    for (const f of ['counter_quote_nh', 'counter_ref_nh']) expect(report.hatecheck[f]!.flagged, f).toBe(0);
    expect(rate(report.davidson.neither!)).toBeLessThanOrEqual(0.01);
    expect(rate(sum(Object.entries(report.hatemoji).filter(([f]) => f.includes('non-hateful')).map(([, s]) => s)))).toBeLessThanOrEqual(0.03);
    // The summary `vigil eval-external` prints adds up the same groups.
    expect(falseAlarmTargets(report).map((t) => [t.name, t.share])).toEqual([
      ['HateCheck non-hateful and counter-speech', sum(nonHateful.map(([, s]) => s))],
      ['Davidson "neither"', report.davidson.neither],
      ['Hatemoji non-hateful', sum(Object.entries(report.hatemoji).filter(([f]) => f.includes('non-hateful')).map(([, s]) => s))],
    ]);
    const all = sum([report.hatecheck, report.hatemoji, report.davidson].flatMap((g) => Object.values(g)));
    expect(all.bounty / all.total).toBeLessThanOrEqual(0.001);
  }, 120_000);
});

