import { describe, expect, it } from 'vitest';
import { externalDataDir, externalReport } from '../../../cli/eval-external.command.js';

// Outside data (../shared/data) sits beside the project checkout, not in it: a user's clone skips this.
const dir = externalDataDir(undefined, process.env);

describe.skipIf(!dir)('external check on data written by others (HateCheck, Hatemoji, Davidson)', () => {
  it('flags at most 1% of counter-speech and non-hateful cases, 0.1% of Davidson "neither", and labels no bounty offers', () => {
    const report = externalReport(dir!);
    const rate = (s: { total: number; flagged: number }) => s.flagged / s.total;
    const nonHateful = Object.entries(report.hatecheck).filter(([f]) => f.endsWith('_nh'));
    expect(nonHateful.length).toBeGreaterThan(5);
    for (const [functionality, s] of nonHateful) expect(rate(s), functionality).toBeLessThanOrEqual(0.01);
    for (const [functionality, s] of Object.entries(report.hatemoji).filter(([f]) => f.includes('non-hateful'))) expect(rate(s), functionality).toBeLessThanOrEqual(0.01);
    expect(rate(report.davidson.neither!)).toBeLessThanOrEqual(0.001);
    for (const groups of [report.hatecheck, report.hatemoji, report.davidson]) for (const [group, s] of Object.entries(groups)) expect(s.bounty, group).toBe(0);
  }, 120_000);
});

it.runIf(!dir)('skips the external check: no ../shared/data beside the checkout', () => {
  expect(dir).toBeUndefined();
});
