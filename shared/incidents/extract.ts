import type { ExtractedIncident, IncidentAct, PlaceType } from '../domain/incident.js';
import { POSTCODE_AREAS } from '../classifier/lexicon.js';
import { dateInText, fold, publicationDay } from './incident-dates.js';
import { isKnownPlace, KNOWN_NAMES } from './gazetteer.js';

/**
 * Reports of an act that happened (news, police statements, community groups): which act, where, when.
 * Pure. A report of an offer, a trial, a fundraiser or an accident is not a report of a new act, and a
 * sentence about what might happen is not one either. One item may report several sites: each list line
 * or sentence that names a place is its own incident.
 */

const w = (...alternatives: string[]) =>
  new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');

const ACTS: [IncidentAct, RegExp][] = [
  [
    'pigs_head',
    w("pig'?s? heads?", 'pigs? heads?', 'pork', 'bacon', 'tete de (?:porc|cochon)', 'schweinekopf', 'varkenskop'),
  ],
  [
    'threatening_letter',
    w(
      'threatening letters?',
      'hate mail',
      'letters? (?:containing|with) threats?',
      'threatening notes?',
      'lettres? de menace',
      'drohbriefe?',
      'dreigbrie\\p{L}*',
    ),
  ],
  [
    'arson',
    w(
      'arson\\p{L}*',
      'accelerant',
      'burning object',
      'fire at (?:a|an|the)',
      'set (?:alight|on fire|fire to)',
      'fire (?:was|had been) (?:started|set|deliberately)',
      'deliberate(?:ly)? (?:fire|started|set)',
      'petrol bomb\\p{L}*',
      'firebomb\\p{L}*',
      'molotov',
      'burnt out',
      'burned out',
      'torched',
      'incendi\\p{L}*',
      'brandanschlag',
      'brandstift\\p{L}*',
      'in brand gestoken',
      'brandstichting',
    ),
  ],
  [
    'windows_smashed',
    w(
      'windows?\\b.{0,60}\\b(?:smashed|broken|shattered)',
      'ramen (?:ingegooid|ingeslagen)',
      'break(?:ing)? (?:the |its )?windows?',
      'vitrine (?:brisee|cassee)',
      'windows? (?:was |were |had been |have been )?(?:smashed|broken|shattered|put (?:through|in))',
      '(?:smashed|broke|broken|shattered) (?:a |the |its |their |several |two |three |\\w+ )?windows?',
      'bricks? (?:was |were )?thrown through',
      'glass (?:door|panel)s? (?:was |were )?(?:smashed|shattered)',
      'vitres? (?:brisees?|cassees?)',
      'scheiben? (?:eingeschlagen|eingeworfen|zerstort)',
      'ruiten? (?:ingegooid|ingeslagen|vernield)',
    ),
  ],
  [
    'graffiti',
    w(
      'graffiti',
      'daubed',
      'daubing',
      'spray[- ]?painted',
      'sprayed',
      'scrawled',
      'defaced',
      'painted (?:with|on)',
      'slogans? (?:was |were )?(?:painted|written)',
      'tags?',
      'tagu\\p{L}*',
      'beschmiert',
      'schmiererei\\p{L}*',
      'beklad',
      'bekladding\\p{L}*',
      'leuzen',
    ),
  ],
  [
    'assault',
    w(
      'assaulted',
      'assault',
      'punched',
      'stabbed',
      'beaten',
      'kicked',
      'attacked (?:a|an|two|three|several|the) (?:man|woman|boy|girl|worshippers?|imam|rabbi|pupils?|residents?|guests?|teenagers?|volunteers?)',
      'agress\\p{L}*',
      'angegriffen',
      'mishandeld',
    ),
  ],
  [
    'criminal_damage',
    w(
      'criminal damage',
      'vandalised',
      'vandalized',
      'vandalism',
      'damaged',
      'sledgehammer',
      'smashed',
      'attacked',
      'targeted',
      'desecrated',
      'degrad\\p{L}*',
      'vandalis\\p{L}*',
      'beschadigd',
      'beschadigt',
      'vernield',
    ),
  ],
];

const PLACES: [PlaceType, RegExp][] = [
  [
    'islamic_centre',
    w(
      'islamic (?:community |cultural )?cent(?:re|er)',
      'muslim (?:community |cultural )?cent(?:re|er)',
      'centre islamique',
    ),
  ],
  ['mosque', w('mosques?', 'masjids?', 'mosquees?', 'moschee\\p{L}*', 'moskee\\p{L}*', 'musallah?')],
  ['synagogue', w('synagogues?', 'shul', 'synagoge\\p{L}*')],
  ['gurdwara', w('gurdwaras?', 'gurudwaras?')],
  ['temple', w('temples?', 'mandirs?')],
  ['church', w('churche?s?', 'chapels?', 'cathedrals?', 'eglises?', 'kirche\\p{L}*', 'kerk\\p{L}*')],
  ['school', w('schools?', 'academy', 'madras+as?', 'ecoles?', 'schule\\p{L}*', 'colleges?')],
  [
    'asylum_hotel',
    w(
      '(?:asylum|migrant)[- ]hotels?',
      'hotels? (?:used to house|housing|for) (?:asylum seekers|migrants|refugees)',
      'hotels?',
    ),
  ],
  [
    'refugee_centre',
    w(
      'refugee (?:cent(?:re|er)|hostel|shelter)s?',
      'asylum (?:cent(?:re|er)|hostel)s?',
      'azc',
      'asylunterkunft',
      'fluchtlingsunterkunft',
      "centre d'accueil",
      'foyer',
    ),
  ],
  ['community_centre', w('community (?:cent(?:re|er)|hall)s?', 'church hall', 'cultural cent(?:re|er)')],
  ['shop', w('shops?', 'butchers?', 'restaurants?', 'takeaways?', 'businesses')],
];

/** Reports of something other than a new act: an offer, a trial, a fundraiser, an accident, a warning. */
const NOT_AN_ACT = w(
  'offer(?:ed|ing|s)?',
  'bount(?:y|ies)',
  'reward(?:s|ed)? (?:of|for)',
  'paid (?:to|for)',
  'recruit\\p{L}*',
  'telegram',
  'would pay',
  'court',
  'pleaded',
  'sentenced',
  'jailed',
  'trial',
  'jury',
  'convicted',
  'prosecutors?',
  'magistrates',
  'charged with',
  'appeared',
  'admitted',
  'donat\\p{L}*',
  'crowdfund\\p{L}*',
  'fundrais\\p{L}*',
  'raised',
  'repairs? (?:fund|appeal)',
  'accident(?:al|ally)?',
  'not (?:being )?treated as suspicious',
  'electrical fault',
  'no one was (?:hurt|injured) in the (?:blaze|fire)',
  'could',
  'might',
  'would',
  'plans? to',
  'threaten(?:ed|s)? to',
  'urged',
  'warn(?:ed|s|ing)?',
  'advice',
  'statistics',
  'figures show',
);
/** An item about what followed an act already reported: an arrest, a trial, an appeal, a vigil, a collection, a debate. */
const FOLLOW_UP = w(
  'arrested',
  'charged',
  'court',
  'trial',
  'sentenced',
  'jailed',
  'pleaded',
  'convicted',
  'appeal(?:ing)? for',
  'do you recognise',
  'released (?:cctv|images)',
  'cctv images',
  'human chain',
  'solidarity',
  'vigil',
  'raised (?:the )?(?:money|funds|£[\\d,.]+k?)',
  'to (?:repair|replace|fix)',
  'fundrais\\p{L}*',
  'donations?',
  'crowdfund\\p{L}*',
  'mp',
  'commons',
  'minister',
  'councillors? (?:raised|asked)',
  'prozess',
  'landgericht',
  'angeklagt\\p{L}*',
  'verurteilt',
  'condamne\\p{L}*',
  'tribunal',
  'proces',
  'rechtbank',
  'veroordeeld',
);
/** Frames that words of a past act do not outweigh: a trial, an offer, a collection. */
const FIRM_FRAME =
  /\b(?:court|pleaded|sentenced|jailed|trial|jury|convicted|charged with|offer(?:ed|ing)?|bounty|donat|crowdfund|fundrais)/i;
/** Words that make a sentence a report of what happened even beside one of the above ("after the offer, seven sites were hit"). */
const HAPPENED = w(
  'was|were|had been|have been|has been',
  'police (?:are|were) (?:investigating|called)',
  'investigat\\p{L}*',
  'overnight',
  'last night',
  'early hours',
  'discovered',
  'found',
  'reported',
);

const POSTCODE = /\b([A-Z]{1,2})(\d{1,2}[A-Z]?)(?:\s\d[A-Z]{2})?\b/g;
const NAME_WORD = /^(?:[A-Z][\p{L}'’-]*|Ul|ul|al|Al|of|and|&|St\.?|e|i|ur|-)$/u;
const NAME_STOP = new Set([
  'The',
  'A',
  'An',
  'In',
  'On',
  'At',
  'Police',
  'Officers',
  'Graffiti',
  'Windows',
  'Worshippers',
  'Residents',
  'Staff',
  'Leaders',
  'Both',
  'Two',
  'Three',
  'Several',
  'Its',
  'Their',
  'Our',
  'This',
  'That',
  'Last',
  'Overnight',
  'Yesterday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
]);

interface Unit {
  start: number;
  end: number;
  text: string;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const LIST_LINE = /^\s*(?:[-•*–·]|\d{1,2}[.)])\s+/;

/** List lines are units of their own; other text goes sentence by sentence. */
function unitsOf(text: string): Unit[] {
  const out: Unit[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    if (!line.trim()) continue;
    if (LIST_LINE.test(line)) {
      out.push({ start, end: start + line.length, text: line });
      continue;
    }
    for (const s of sentences.segment(line)) {
      if (!s.segment.trim()) continue;
      for (const part of clausesOf(s.segment))
        out.push({ start: start + s.index + part.start, end: start + s.index + part.end, text: part.text });
    }
  }
  return out;
}

/** Inline list items ("… – 6 January: X. – 16 January: Y.") and clauses joined by "; " or ", and " each hold their own site. */
const CLAUSE_BREAK =
  /\s[-–•·]\s|;\s+|,\s+(?:and|while)\s+(?=(?:on|at|in|graffiti|windows?|a|an|the|later|shortly)\b)|\.\s+(?=[A-Z])/g;
function clausesOf(sentence: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  let from = 0;
  for (const m of sentence.matchAll(CLAUSE_BREAK)) {
    if (m.index > from) out.push({ start: from, end: m.index, text: sentence.slice(from, m.index) });
    from = m.index + m[0].length;
  }
  if (from < sentence.length) out.push({ start: from, end: sentence.length, text: sentence.slice(from) });
  return out.filter((c) => c.text.trim());
}

function actOf(text: string): IncidentAct | undefined {
  return ACTS.find(([, re]) => re.test(text))?.[0];
}

interface PlaceMention {
  type: PlaceType;
  name: string | null;
  road: string | null;
  /** Where the place word is in its unit. */
  at: number;
}

/** The capitalised words right before a place word, as the place's name ("Leyton Jamia Masjid"). */
function nameBefore(text: string, at: number, end: number): string | null {
  // A name is at most five words: the 120 characters before the place word hold it.
  const before = text.slice(Math.max(0, at - 120), at).split(/\s+/);
  if (before[before.length - 1] === '') before.pop();
  const words: string[] = [];
  for (let i = before.length - 1; i >= 0 && words.length < 5; i--) {
    const word = before[i]!.replace(/^[("“‘']+/, '');
    if (!NAME_WORD.test(word) || /[.,;:!?)]$/.test(word)) break;
    words.unshift(word);
  }
  while (words.length && (NAME_STOP.has(words[0]!) || /^(?:of|and|&|e|i|ur|-)$/.test(words[0]!))) words.shift();
  return words.length ? `${words.join(' ')} ${text.slice(at, end)}` : null;
}

const PLURAL_PLACE =
  /(?:mosques|masjids|synagogues|gurdwaras|temples|mandirs|churches|chapels|schools|hotels|cent(?:re|er)s|shops|businesses|restaurants|takeaways|butchers|halls|moscheen|moskeeen|mosquees)$/i;

function placesIn(text: string): PlaceMention[] {
  const folded = fold(text);
  const out: PlaceMention[] = [];
  const taken: [number, number][] = [];
  for (const [type, re] of PLACES) {
    for (const m of folded.matchAll(new RegExp(re.source, 'giu'))) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      // "Two Leyton mosques defaced": several places, none named, is no one site.
      if (PLURAL_PLACE.test(m[0])) continue;
      const name = nameBefore(text, start, end);
      const road =
        (name && /(?:Road|Street|Lane|Avenue|Way|Hill)\b/.exec(name)
          ? /^(.*?(?:Road|Street|Lane|Avenue|Way|Hill))\b/.exec(name)?.[1]
          : undefined) ?? roadAfter(text, end);
      out.push({ type, name, road: road ?? null, at: start });
    }
  }
  return out;
}

/** "the mosque on Birchfield Road", "de moskee aan de Assendorperstraat", "la synagogue de la rue du Général-Rapp" */
const ROAD_AFTER = [
  /^\s+(?:on|in|off|at)\s+((?:[A-Z][\p{L}'’-]+ ){1,3}(?:Road|Street|Lane|Avenue|High Road|High Street|Way|Drive|Grove|Hill|Parade|Broadway|Crescent))\b/u,
  /^\s+(?:aan de|in de|an der|in der|auf der)\s+([A-Z][\p{L}-]*(?:straat|weg|laan|plein|gracht|kade|straße|strasse|weg|platz|allee|gasse|ring))\b/u,
  /^\s+(?:de la|du|de l'|des|rue)\s*((?:rue|avenue|boulevard|place|chemin)\s+(?:du |de la |de l'|des |de )?[A-Z][\p{L}'’-]+)/u,
];
function roadAfter(text: string, end: number): string | undefined {
  const next = text.slice(end, end + 80);
  for (const re of ROAD_AFTER) {
    const road = re.exec(next)?.[1];
    // "a mosque in Cheetham Hill" names a district, not a road.
    if (road && !isKnownPlace(road)) return road;
  }
  return undefined;
}

/** Of several candidates in a text, the one nearest after `at` (the place it belongs to), else nearest before. */
function nearest<T extends { index: number }>(found: T[], at: number): T | undefined {
  const after = found.filter((f) => f.index >= at).sort((a, b) => a.index - b.index)[0];
  return after ?? found.filter((f) => f.index < at).sort((a, b) => b.index - a.index)[0];
}

/** UK postcode districts written in a text, where they are. */
const postcodesIn = (text: string) =>
  [...text.matchAll(POSTCODE)]
    .filter((m) => POSTCODE_AREAS.has(m[1]!))
    .map((m) => ({ index: m.index, district: `${m[1]}${m[2]}` }));

const postcodeIn = (text: string, at: number): string | null => nearest(postcodesIn(text), at)?.district ?? null;

/** A neighbourhood, borough or town the gazetteer knows, as written: the one nearest the place at `at`. */
function townIn(text: string, at = 0): string | null {
  const lower = text.toLowerCase();
  const found: { index: number; name: string }[] = [];
  for (const name of KNOWN_NAMES) {
    for (let i = lower.indexOf(name); i >= 0; i = lower.indexOf(name, i + 1)) {
      const before = lower[i - 1];
      const after = lower[i + name.length];
      if ((before && /[\p{L}\p{N}]/u.test(before)) || (after && /[\p{L}\p{N}]/u.test(after))) continue;
      // "South Norwood" is found before "Norwood": a shorter name inside a longer one found already is not another place.
      if (found.some((f) => i >= f.index && i < f.index + f.name.length)) continue;
      const written = text.slice(i, i + name.length);
      if (/^[A-Z]/.test(written) && isKnownPlace(written)) found.push({ index: i, name: written });
    }
  }
  return nearest(found, at)?.name ?? null;
}

/** The town of a place: one its name holds ("West Norwood Mosque"), else the nearest in its sentence that is not part of its road ("Leeds Road"). */
function townOf(text: string, place: PlaceMention): string | null {
  const inName = place.name ? townIn(place.name) : null;
  if (inName) return inName;
  const blanked = place.road ? text.split(place.road).join(' '.repeat(place.road.length)) : text;
  return townIn(blanked, place.at);
}

const MAX_REPORT_CHARS = 20_000;
/** Longer "sentences" (no full stops, a list run together) are read this far. */
const MAX_UNIT_CHARS = 1_000;

/** Any act word at all: most posts have none, and are done with after one test. */
const ANY_ACT = new RegExp(ACTS.map(([, re]) => re.source).join('|'), 'iu');

/** The acts an item reports, one per place. */
export function extractIncidents(fullText: string, publishedAt: Date): ExtractedIncident[] {
  // A report is a few paragraphs; a post far longer is not read further (posts are attacker-written, and a
  // sentence of megabytes would make every search in it slow).
  const text = fullText.length > MAX_REPORT_CHARS ? fullText.slice(0, MAX_REPORT_CHARS) : fullText;
  if (!ANY_ACT.test(fold(text))) return [];
  const units = unitsOf(text).map((u) =>
    u.text.length > MAX_UNIT_CHARS ? { ...u, end: u.start + MAX_UNIT_CHARS, text: u.text.slice(0, MAX_UNIT_CHARS) } : u,
  );
  if (units[0] && FOLLOW_UP.test(fold(units[0].text))) return [];
  const published = publicationDay(publishedAt);
  const itemDate = dateInText(text, publishedAt);
  const postcodes = new Set(postcodesIn(text).map((p) => p.district));
  // An item's one postcode belongs to each of its places; of several, each sentence's own.
  const itemPostcode = postcodes.size === 1 ? [...postcodes][0]! : null;
  // The gazetteer over the whole item is the costly search: only for a site whose own sentence names no town.
  let itemTown: string | null | undefined;
  const townOfItem = () => (itemTown === undefined ? (itemTown = townIn(text)) : itemTown);
  const out: ExtractedIncident[] = [];
  let lastPlace: PlaceMention | undefined;
  let previousAct: IncidentAct | undefined;
  units.forEach((unit, i) => {
    const folded = fold(unit.text);
    const places = placesIn(unit.text);
    let act = actOf(folded);
    const framed = NOT_AN_ACT.test(folded) && !(HAPPENED.test(folded) && !FIRM_FRAME.test(folded));
    if (framed) {
      lastPlace = undefined;
      previousAct = undefined;
      return;
    }
    // "Police were called to Leyton Jamia Masjid. Graffiti had been daubed on its wall."; "… on Witton Road, and later at a mosque on Slade Road."
    if (!act && places.length) act = actOf(fold(units[i + 1]?.text ?? '')) ?? previousAct;
    previousAct = act;
    if (act && !places.length && lastPlace) places.push(lastPlace);
    if (!act || !places.length) {
      if (places.length) lastPlace = places[0];
      return;
    }
    for (const place of places) {
      const unitDate = dateInText(unit.text, publishedAt);
      out.push({
        act,
        placeType: place.type,
        placeName: place.name,
        postcodeDistrict: postcodeIn(unit.text, place.at) ?? itemPostcode,
        road: place.road,
        town: townOf(unit.text, place) ?? townOfItem(),
        occurredOn: unitDate ?? itemDate ?? published,
        dated: Boolean(unitDate ?? itemDate),
        start: unit.start,
        end: unit.end,
      });
    }
    lastPlace = places[places.length - 1];
  });
  return oneper(out);
}

const ACT_ORDER = ACTS.map(([act]) => act);
/**
 * One incident per place: "West Norwood Mosque … the mosque" is one site, and a sentence that says the
 * windows of a mosque were smashed and another that it was damaged report one act, the more specific.
 */
function oneper(found: ExtractedIncident[]): ExtractedIncident[] {
  const named = found.filter((f) => f.placeName || f.road);
  const longer = (f: ExtractedIncident) =>
    named.some(
      (n) =>
        n !== f &&
        n.placeName &&
        f.placeName &&
        n.placeName.length > f.placeName.length &&
        n.placeName.toLowerCase().endsWith(f.placeName.toLowerCase()),
    );
  // A headline's "Primary school" is the body's "Noor Ul Islam Primary School".
  const kept = found.filter((f) =>
    f.placeName || f.road
      ? !longer(f)
      : !named.some((n) => n.placeType === f.placeType && n.occurredOn === f.occurredOn),
  );
  const byPlace = new Map<string, ExtractedIncident>();
  for (const f of kept) {
    const key = `${(f.placeName ?? '').toLowerCase()}|${f.road ?? ''}|${f.placeName || f.road ? '' : `${f.placeType}|${f.town ?? ''}|${f.postcodeDistrict ?? ''}`}`;
    const other = byPlace.get(key);
    if (!other || ACT_ORDER.indexOf(f.act) < ACT_ORDER.indexOf(other.act))
      byPlace.set(
        key,
        other
          ? { ...f, town: f.town ?? other.town, postcodeDistrict: f.postcodeDistrict ?? other.postcodeDistrict }
          : f,
      );
  }
  return [...byPlace.values()];
}
