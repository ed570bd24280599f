/**
 * When a reported act happened, from the words of the report and the day it was published: "on Thursday
 * 23 January", "23 January", "on Sunday night", "last night", "overnight", "yesterday". Pure; dates are
 * calendar days (YYYY-MM-DD) in UTC, as news reports give them.
 */

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** Month names in the languages of the reports Vigil reads (accents folded), by month index. */
const indexed = (names: string[]) => names.map((name, i) => [name, i] as const);
const MONTH_NAMES = Object.fromEntries([
  ...indexed(MONTHS),
  ...indexed(MONTHS.map((m) => m.slice(0, 3))),
  ...indexed([
    'janvier',
    'fevrier',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'aout',
    'septembre',
    'octobre',
    'novembre',
    'decembre',
  ]),
  ...indexed([
    'januar',
    'februar',
    'marz',
    'april',
    'mai',
    'juni',
    'juli',
    'august',
    'september',
    'oktober',
    'november',
    'dezember',
  ]),
  ...indexed([
    'januari',
    'februari',
    'maart',
    'april',
    'mei',
    'juni',
    'juli',
    'augustus',
    'september',
    'oktober',
    'november',
    'december',
  ]),
]);
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY_NAMES = Object.fromEntries([
  ...indexed(WEEKDAYS),
  ...indexed(['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi']),
  ...indexed(['sonntag', 'montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag']),
  ...indexed(['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag']),
]);
const MONTH = `(${Object.keys(MONTH_NAMES)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const DAY = '(\\d{1,2})(?:st|nd|rd|th|er|\\.)?';

const DAY_MONTH = new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?\\b`, 'i');
const MONTH_DAY = new RegExp(`\\b${MONTH}\\s+${DAY}(?:,?\\s+(\\d{4}))?\\b`, 'i');
const ISO = /\b(\d{4})-(\d{2})-(\d{2})\b/;
// Compounds count: "zaterdagnacht", "Samstagabend".
const WEEKDAY = new RegExp(
  `\\b(last\\s+|on\\s+|early hours of\\s+|overnight on\\s+)?(${Object.keys(WEEKDAY_NAMES).join('|')})(?:nacht|avond|abend|morgen|middag)?\\b`,
  'i',
);
const DAY_BEFORE = /\b(?:yesterday|last night|overnight|on\s+the\s+night\s+before)\b/i;
const SAME_DAY = /\b(?:today|this morning|earlier today|this afternoon|this evening|tonight)\b/i;

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const utcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

const monthIndex = (word: string): number => MONTH_NAMES[word.toLowerCase().replace('.', '')] ?? -1;
/** Accents off ("März" reads as "marz"), one character for one, so offsets into the text still hold. */
export const fold = (s: string): string => s.normalize('NFD').replace(/\p{Mn}/gu, '');

/** A day and month without a year is the latest such date on or before publication (reports look back). */
function dated(day: number, month: number, year: string | undefined, published: Date): Date | undefined {
  if (month < 0 || day < 1 || day > 31) return undefined;
  if (year) return new Date(Date.UTC(Number(year), month, day));
  const candidate = new Date(Date.UTC(published.getUTCFullYear(), month, day));
  return candidate.getTime() > published.getTime() + DAY_MS
    ? new Date(Date.UTC(published.getUTCFullYear() - 1, month, day))
    : candidate;
}

/**
 * The day an act happened, if the text says; a weekday is the latest one on or before publication
 * ("last Monday" the latest before it). Undefined when the text gives no date.
 */
export function dateInText(text: string, publishedAt: Date): string | undefined {
  const published = utcDay(publishedAt);
  text = fold(text);
  const iso = ISO.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dm = DAY_MONTH.exec(text);
  const md = MONTH_DAY.exec(text);
  const first = dm && md ? (dm.index <= md.index ? 'dm' : 'md') : dm ? 'dm' : md ? 'md' : undefined;
  if (first === 'dm') {
    const d = dated(Number(dm![1]), monthIndex(dm![2]!), dm![3], published);
    if (d) return isoDay(d);
  }
  if (first === 'md') {
    const d = dated(Number(md![2]), monthIndex(md![1]!), md![3], published);
    if (d) return isoDay(d);
  }
  const wd = WEEKDAY.exec(text);
  if (wd) {
    const target = WEEKDAY_NAMES[wd[2]!.toLowerCase()]!;
    let back = (published.getUTCDay() - target + 7) % 7;
    if (back === 0 && wd[1]?.trim().toLowerCase() === 'last') back = 7;
    return isoDay(new Date(published.getTime() - back * DAY_MS));
  }
  if (DAY_BEFORE.test(text)) return isoDay(new Date(published.getTime() - DAY_MS));
  if (SAME_DAY.test(text)) return isoDay(published);
  return undefined;
}

export const publicationDay = (publishedAt: Date): string => isoDay(utcDay(publishedAt));
