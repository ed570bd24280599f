import type { Config } from './config/config.js';
import { severityRank, type Severity } from './domain/verdict.js';

type Alerts = Config['alerts'];

export interface RouteInput {
  severity: Severity;
  postcodeDistricts: string[];
  source: string;
}

export interface Route {
  channel: string;
  /** Quiet hours: hold the alert until then. Null: send now. */
  deliverAfter: Date | null;
}

const area = (district: string) => /^[A-Z]+/.exec(district.toUpperCase())?.[0] ?? '';

/** A rule's postcode list names districts ("E10") or whole areas ("E", which is not "EC"). */
function matchesPostcodes(rule: Alerts['rules'][number], districts: string[]): boolean {
  if (!rule.postcodes) return true;
  return rule.postcodes.some((p) => {
    const wanted = p.toUpperCase();
    return districts.some((d) => (/\d/.test(wanted) ? d.toUpperCase() === wanted : area(d) === wanted));
  });
}

function minutesOfDay(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const parseHm = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** When quiet hours covering `now` end, or null when `now` is outside them. */
export function quietUntil(quiet: Alerts['quietHours'], now: Date): Date | null {
  if (!quiet) return null;
  const minute = minutesOfDay(now, quiet.timeZone);
  const start = parseHm(quiet.start);
  const end = parseHm(quiet.end);
  const inside = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const wait = (end - minute + 24 * 60) % (24 * 60);
  return new Date(now.getTime() + wait * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds());
}

/** The channels a new review item goes to, by the configured rules; quiet hours hold all but critical. */
export function routeAlert(input: RouteInput, alerts: Alerts, now = new Date()): Route[] {
  const channels = new Set<string>();
  for (const rule of alerts.rules) {
    if (severityRank(input.severity) < severityRank(rule.minSeverity)) continue;
    if (rule.sources && !rule.sources.includes(input.source)) continue;
    if (!matchesPostcodes(rule, input.postcodeDistricts)) continue;
    rule.channels.forEach((c) => channels.add(c));
  }
  const deliverAfter = input.severity === 'critical' ? null : quietUntil(alerts.quietHours, now);
  return [...channels].map((channel) => ({ channel, deliverAfter }));
}
