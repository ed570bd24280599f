import {
  FEATURE_PATTERNS,
  GBP_PER_UNIT,
  NUMBER_WORDS,
  POSTCODE_AREAS,
  SLANG_GBP,
  type PatternFeature,
} from './lexicon.js';

/** A feature that fired, as a span of the normalised text. */
export interface Hit {
  feature: string;
  start: number;
  end: number;
  /** Inside quotation marks: someone quoting an offer is not making one. */
  quoted: boolean;
}

export interface Amount {
  text: string;
  /** Written as slang ("a ton", "a monkey"), which counts as money only inside an offer frame. */
  slang: boolean;
  value: number | null;
  currency: string;
  gbp: number | null;
  start: number;
  end: number;
}

export interface SegmentFeatures {
  hits: Hit[];
  /** Feature names that fired outside quotes, plus derived ones ("money", "quote"). */
  fired: Set<string>;
  amounts: Amount[];
  postcodes: { district: string; start: number; end: number }[];
  places: { name: string; start: number; end: number }[];
}

/** Tells whether the original characters behind a normalised span were written in upper case. */
export type UpperCheck = (start: number, end: number) => boolean;

const CURRENCY_OF: Record<string, string> = {
  '£': 'GBP',
  quid: 'GBP',
  pound: 'GBP',
  pounds: 'GBP',
  nicker: 'GBP',
  gbp: 'GBP',
  $: 'USD',
  bucks: 'USD',
  dollar: 'USD',
  dollars: 'USD',
  usd: 'USD',
  '€': 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  eur: 'EUR',
  usdt: 'USDT',
  tether: 'USDT',
  btc: 'BTC',
  bitcoin: 'BTC',
  eth: 'ETH',
  ltc: 'LTC',
  litecoin: 'LTC',
  zl: 'PLN',
  zloty: 'PLN',
  zlotych: 'PLN',
  pln: 'PLN',
  rub: 'RUB',
  руб: 'RUB',
  рублеи: 'RUB',
  рубля: 'RUB',
  рубль: 'RUB',
  грн: 'UAH',
  гривень: 'UAH',
  гривні: 'UAH',
  гривня: 'UAH',
  uah: 'UAH',
  dolares: 'USD',
  долларов: 'USD',
  доларів: 'USD',
  баксов: 'USD',
  баксів: 'USD',
};

const NUM = String.raw`(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)`;
const SYMBOL_AMOUNT = new RegExp(String.raw`([£$€])\s*${NUM}(?:\s?(k|grand)\b)?(?!\d|\.\d)`, 'g');
/** A bare number in an offer ("there's 250 in it for you"): pounds by default in UK channels. */
const BARE_AMOUNT = /\b(\d{2,5}) in it for\b/g;
const SUFFIX_AMOUNT = new RegExp(
  String.raw`\b${NUM}\s?(k)?\s?(quid|pounds?|nicker|gbp|bucks|dollars?|dolares|usd|usdt|tether|euros?|eur|btc|bitcoin|eth|ltc|litecoin|zl|zloty|zlotych|pln|rub|руб|рублеи|рубля|рубль|грн|гривень|гривні|гривня|uah|долларов|доларів|баксов|баксів|[£$€])(?![\p{L}\p{N}])`,
  'gu',
);
/** A bare number that may be a price ("Stickers 20. Paint 80.", "j'attends mes 200"): not a time, date, id or postcode. */
const BARE_NUMBER = /(?<![\p{L}\p{N}:.,£$€#@/+-])(\d{2,5})(?![\p{L}\p{N}:/%]|[.,]\d)/gu;
const WORD_NUMBERS = Object.keys(NUMBER_WORDS).join('|');
const WORD_AMOUNT = new RegExp(
  String.raw`\b((?:(?:${WORD_NUMBERS})[\s-]){1,3})(quid|pounds|nicker|euros|dollars|bucks)\b`,
  'g',
);
const SLANG_AMOUNT = new RegExp(
  String.raw`\b(?:(a|one|two|three|four|five|ten|\d+)\s)?(${Object.keys(SLANG_GBP).join('|')})s?\b`,
  'g',
);
const POSTCODE = /\b([a-z]{1,2})(\d{1,2}[a-z]?)(?:\s(\d[a-z]{2}))?\b/g;
const POSTCODE_CONTEXT = /(?:\bin|\bnear|\baround|\bat|\barea|\bpostcode|\()\s*$/;
const ROAD_WORD = /\b(?:road|rd|street|lane|avenue|broadway|parade|grove|crescent|hill)\b/;
const ROAD =
  /\b((?:[a-z]+ ){1,2}?)(road|rd|street|lane|avenue|high street|high road|broadway|parade|grove|crescent|hill)\b/g;
const TOWN = /\b(?:in|near|at|around) ([a-z]+(?: [a-z]+)?)\b/g;
const QUOTE = /(?:^|[\s:(])["“‘'«„‚](.{8,}?)["”’'»“‘](?=[\s.,;:!?)]|$)/g;

const PATTERN_FEATURES = Object.keys(FEATURE_PATTERNS) as PatternFeature[];
const ASCII_TEXT = /^[\x00-\x7f]*$/;

const NOT_PLACE = new Set([
  'the',
  'a',
  'an',
  'our',
  'my',
  'your',
  'their',
  'this',
  'that',
  'every',
  'any',
  'one',
  'which',
  'ring',
  'main',
  'same',
]);

function wordsToNumber(phrase: string): number | null {
  let total = 0;
  let current = 0;
  for (const w of phrase.trim().split(/[\s-]+/)) {
    const n = NUMBER_WORDS[w];
    if (n === undefined) return null;
    if (n === 100 || n === 1000) current = (current || 1) * n;
    else current += n;
    if (n === 1000) {
      total += current;
      current = 0;
    }
  }
  return total + current || null;
}

function amount(text: string, value: number | null, currency: string, start: number, slang = false): Amount {
  const rate = GBP_PER_UNIT[currency];
  return {
    text,
    slang,
    value,
    currency,
    gbp: value !== null && rate !== undefined ? Math.round(value * rate * 100) / 100 : null,
    start,
    end: start + text.length,
  };
}

const parseNumber = (digits: string) => Number(digits.replace(/,/g, ''));

/** Amounts of money with their currency; slang ("a ton") only where the segment frames an offer. */
export function extractAmounts(text: string, offerFramed: boolean): Amount[] {
  const found: Amount[] = [];
  for (const m of text.matchAll(SYMBOL_AMOUNT)) {
    const scale = m[3] ? 1000 : 1;
    found.push(amount(m[0], parseNumber(m[2]!) * scale, CURRENCY_OF[m[1]!]!, m.index));
  }
  for (const m of text.matchAll(SUFFIX_AMOUNT))
    found.push(amount(m[0], parseNumber(m[1]!) * (m[2] ? 1000 : 1), CURRENCY_OF[m[3]!] ?? 'GBP', m.index));
  for (const m of text.matchAll(BARE_AMOUNT)) found.push(amount(m[1]!, Number(m[1]), 'GBP', m.index));
  for (const m of text.matchAll(WORD_AMOUNT))
    found.push(amount(m[0], wordsToNumber(m[1]!), CURRENCY_OF[m[2]!]!, m.index));
  if (offerFramed) {
    for (const m of text.matchAll(SLANG_AMOUNT)) {
      const count = m[1] ? (NUMBER_WORDS[m[1]] ?? Number(m[1])) : 1;
      found.push(amount(m[0], count * SLANG_GBP[m[2]!]!, 'GBP', m.index, true));
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  return found.filter((a, i) => i === 0 || a.start >= found[i - 1]!.end);
}

function quotedRanges(text: string): [number, number][] {
  return [...text.matchAll(QUOTE)].map((m) => {
    const start = m.index + m[0].indexOf(m[1]!);
    return [start, start + m[1]!.length];
  });
}

type AddHit = (feature: string, start: number, end: number) => void;

/** Each pattern feature's matches, with leading whitespace or sentence punctuation left out of the span. */
function addPatternHits(text: string, add: AddHit): void {
  const ascii = ASCII_TEXT.test(text);
  for (const feature of PATTERN_FEATURES) {
    const pattern = ascii ? FEATURE_PATTERNS[feature].ascii : FEATURE_PATTERNS[feature].unicode;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const match = m[0];
      if (match.length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      const lead =
        match.charCodeAt(0) <= 32 || match[0] === '.' || match[0] === '!' || match[0] === '?' || match[0] === ';'
          ? match.length - match.replace(/^[\s.!?;]+/, '').length
          : 0;
      add(feature, m.index + lead, m.index + match.length);
    }
  }
}

function findPostcodes(text: string, isUpper: UpperCheck, add: AddHit): SegmentFeatures['postcodes'] {
  const postcodes: SegmentFeatures['postcodes'] = [];
  for (const m of text.matchAll(POSTCODE)) {
    const area = m[1]!.toUpperCase();
    if (!POSTCODE_AREAS.has(area)) continue;
    const end = m.index + m[1]!.length + m[2]!.length;
    if (!isUpper(m.index, end) && !POSTCODE_CONTEXT.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    postcodes.push({ district: `${area}${m[2]!.toUpperCase()}`, start: m.index, end: m.index + m[0].length });
    add('postcode', m.index, m.index + m[0].length);
  }
  return postcodes;
}

function findPlaces(text: string, isUpper: UpperCheck, add: AddHit): SegmentFeatures['places'] {
  const places: SegmentFeatures['places'] = [];
  const capitalised = (at: number) => isUpper(at, at + 1) && !isUpper(at + 1, at + 2);
  for (const m of ROAD_WORD.test(text) ? text.matchAll(ROAD) : []) {
    // The match may start on a lower-case word ("on Leyton High Road"): the name starts at the first capital.
    let start = m.index;
    while (start < m.index + m[1]!.length && !capitalised(start)) start = text.indexOf(' ', start) + 1;
    if (start >= m.index + m[1]!.length || NOT_PLACE.has(text.slice(start, text.indexOf(' ', start)))) continue;
    const end = m.index + m[0].length;
    places.push({ name: text.slice(start, end), start, end });
    add('place_name', start, end);
  }
  for (const m of text.matchAll(TOWN)) {
    const start = m.index + m[0].length - m[1]!.length;
    const firstWord = m[1]!.split(' ')[0]!;
    if (NOT_PLACE.has(firstWord) || !capitalised(start) || places.some((p) => start >= p.start && start < p.end))
      continue;
    // "in Leyton High Road" was taken whole above; a lone capitalised word after "in" is a town or district.
    const name = capitalised(start + firstWord.length + 1) ? m[1]! : firstWord;
    places.push({ name, start, end: start + name.length });
    add('place_name', start, start + name.length);
  }
  return places;
}

function firedFeatures(hits: Hit[]): Set<string> {
  const fired = new Set<string>();
  for (const h of hits) if (!h.quoted) fired.add(h.feature);
  if (fired.has('money_slang') || fired.has('crypto') || fired.has('money_word')) fired.add('money');
  // A quoted offer or call (two of its parts inside the quotes), not a word in scare quotes.
  const quotedParts = new Set(
    hits
      .filter((h) => h.quoted)
      .map((h) => /^(money|act_|offer_frame|call|target_)/.exec(h.feature)?.[1])
      .filter(Boolean),
  );
  if (quotedParts.size >= 2) fired.add('quote');
  return fired;
}

/** Every interpretable feature of one normalised segment, with its span. */
export function extractFeatures(text: string, isUpper: UpperCheck): SegmentFeatures {
  const quotes = quotedRanges(text);
  const inQuote = quotes.length ? (start: number) => quotes.some(([s, e]) => start >= s && start < e) : () => false;
  const hits: Hit[] = [];
  const add: AddHit = (feature, start, end) => hits.push({ feature, start, end, quoted: inQuote(start) });

  addPatternHits(text, add);
  const offerFramed = hits.some((h) => h.feature === 'offer_frame');
  const amounts = extractAmounts(text, offerFramed);
  for (const a of amounts) add(a.slang ? 'money_slang' : 'money', a.start, a.end);
  for (const m of text.matchAll(BARE_NUMBER))
    if (!amounts.some((a) => m.index >= a.start && m.index < a.end)) add('number', m.index, m.index + m[0].length);

  const postcodes = findPostcodes(text, isUpper, add);
  const places = findPlaces(text, isUpper, add);
  const fired = firedFeatures(hits);
  hits.sort((a, b) => a.start - b.start || a.end - b.end);
  return { hits, fired, amounts, postcodes, places };
}
