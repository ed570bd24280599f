import { describe, expect, it } from 'vitest';
import { quietUntil, routeAlert } from '../../shared/alert-routing.js';

const alerts = (extra: object = {}) => ({
  rules: [
    { minSeverity: 'critical' as const, channels: ['telegram' as const] },
    { minSeverity: 'high' as const, channels: ['email' as const], postcodes: ['E', 'SE25'] },
    { minSeverity: 'medium' as const, channels: ['webhook' as const], sources: ['tme-east'] },
  ],
  ...extra,
});

describe('alert routing', () => {
  it('routes by severity, postcode area or district, and source', () => {
    const route = (severity: 'critical' | 'high' | 'medium', postcodeDistricts: string[], source = 'other') =>
      routeAlert({ severity, postcodeDistricts, source }, alerts())
        .map((r) => r.channel)
        .sort();
    expect(route('critical', ['E10'])).toEqual(['email', 'telegram']);
    expect(route('high', ['E10'])).toEqual(['email']);
    expect(route('high', ['EC1'])).toEqual([]);
    expect(route('high', ['SE25'])).toEqual(['email']);
    expect(route('high', ['SE27'])).toEqual([]);
    expect(route('medium', [], 'tme-east')).toEqual(['webhook']);
    expect(route('medium', [])).toEqual([]);
  });

  it('holds non-critical alerts in quiet hours until they end, never critical ones', () => {
    const quiet = { start: '22:00', end: '07:00', timeZone: 'Europe/London' };
    const night = new Date('2025-01-10T23:30:00Z');
    expect(quietUntil(quiet, night)).toEqual(new Date('2025-01-11T07:00:00Z'));
    expect(quietUntil(quiet, new Date('2025-01-10T12:00:00Z'))).toBeNull();
    expect(quietUntil({ ...quiet, timeZone: 'Europe/London' }, new Date('2025-07-10T21:30:00Z'))).toEqual(
      new Date('2025-07-11T06:00:00Z'),
    );
    const held = routeAlert(
      { severity: 'high', postcodeDistricts: ['E10'], source: 'x' },
      alerts({ quietHours: quiet }),
      night,
    );
    expect(held).toEqual([{ channel: 'email', deliverAfter: new Date('2025-01-11T07:00:00Z') }]);
    const critical = routeAlert(
      { severity: 'critical', postcodeDistricts: ['E10'], source: 'x' },
      alerts({ quietHours: quiet }),
      night,
    );
    expect(critical.every((r) => r.deliverAfter === null)).toBe(true);
  });
});
