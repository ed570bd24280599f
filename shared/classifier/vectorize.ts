import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

/**
 * The model's view of a segment: sparse features with values. Words and word pairs carry the phrasing,
 * character n-grams carry spelling that evades or inflects (any language), cue features carry the
 * framing the lexicon recognises, and their pairs carry what a linear model cannot combine by itself.
 *
 * Features are hashed into FEATURE_BUCKETS ids (the hashing trick): no feature string is built per post,
 * and the model is a table indexed by id. Collisions among the ~40k features a corpus yields are rare
 * at this size and cost only a shared weight.
 */
export interface FeatureVector {
  ids: Int32Array;
  values: Float64Array;
}

/** A word of the normalised text with its span, for mapping weights back to what was written. */
export interface Word {
  token: string;
  start: number;
  end: number;
}

export const FEATURE_BITS = 20;
const MASK = (1 << FEATURE_BITS) - 1;

const WORD = /[\p{L}\p{N}]+|[£$€@]/gu;
const NUMBER = /^\d+$/;
const ASCII_WORD = /^[a-z]+$/;
const CHAR_NGRAMS = [3, 4, 5] as const;
/** Feature families are scaled by 1/sqrt(size), with sizes counted as at least this many (words and pairs). */
const MIN_FAMILY_SIZE = 12;
/**
 * The value of a cue, context or language feature. At 1 the cues outweighed the words they come from and
 * a reward beside a proof word read as an offer whatever the rest said; at 0.5 the training set's own
 * cross-validation flags fewer negatives (2.9% against 3.1%) and finds more calls (0.635 against 0.624).
 */
const CUE_VALUE = 0.5;

// Stemming is the main cost of tokenising; the vocabulary of real posts repeats, so memoise it.
const stemMemo = new Map<string, string>();
const STEM_MEMO_LIMIT = 200_000;

/** English words are stemmed; numbers all look alike; other words stay as written (their n-grams generalise). */
export function termOf(token: string): string {
  if (NUMBER.test(token)) return '<num>';
  if (!ASCII_WORD.test(token)) return token;
  let s = stemMemo.get(token);
  if (s === undefined) {
    s = PorterStemmer.stem(token);
    if (stemMemo.size >= STEM_MEMO_LIMIT) stemMemo.clear();
    stemMemo.set(token, s);
  }
  return s;
}

export function wordsOf(normalized: string): Word[] {
  const out: Word[] = [];
  for (const m of normalized.matchAll(WORD)) out.push({ token: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** FNV-1a over part of a string, continuing from `h`. */
function fnv(h: number, s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** Each family starts from its own basis, so "w:x" and "c:x" land apart. */
const basis = (family: string) => fnv(2166136261, family);
const WORD_BASIS = basis('w');
const PAIR_BASIS = basis('b');
const CHAR_BASIS = basis('c');
const bucket = (h: number) => (h >>> 0) & MASK;

const NAME_BASIS = basis('n');
const named = new Map<string, number>();
/** The id of a named feature (cues, context, language); there are few names, so they are remembered. */
export function featureId(name: string): number {
  let id = named.get(name);
  if (id === undefined) named.set(name, (id = bucket(fnv(NAME_BASIS, name))));
  return id;
}
export const wordId = (term: string): number => bucket(fnv(WORD_BASIS, term));
export const pairId = (a: string, b: string): number => bucket(fnv(fnv(PAIR_BASIS, a), `\u0001${b}`));

/** Pushes the ids of one word's character n-grams onto `out`, its edges marked ("<mosque>" gives "<mo", "mos", …). */
export function charIds(token: string, out: number[] = []): number[] {
  if (token.length < 2 || NUMBER.test(token)) return out;
  const padded = `<${token}>`;
  for (const n of CHAR_NGRAMS)
    for (let i = 0; i + n <= padded.length; i++) out.push(bucket(fnv(CHAR_BASIS, padded, i, i + n)));
  return out;
}

/** Sorted distinct ids. */
function distinct(ids: number[]): Int32Array {
  const sorted = Int32Array.from(ids).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

/** A feature's value in a vector (0 when absent); for the rationale, not the hot path. */
export function valueOf(x: FeatureVector, id: number): number {
  let v = 0;
  for (let i = 0; i < x.ids.length; i++) if (x.ids[i] === id) v += x.values[i]!;
  return v;
}

/**
 * The textbook shapes, as features rather than vetoes: an offer names a reward and an act (or a place
 * and a proof) and a target (or proof and contact); a call names an act and a target and urges; neither
 * is reported, condemned, quoted, lawful work or leisure.
 */
function shapes(c: Set<string>): string[] {
  const framed =
    c.has('reported') ||
    c.has('news_source') ||
    c.has('doc_news') ||
    c.has('condemn') ||
    c.has('quote') ||
    c.has('info_reward');
  const excused = c.has('lawful') || c.has('leisure') || c.has('fundraise');
  if (framed && !c.has('direct')) return [];
  const out: string[] = [];
  const offer =
    (c.has('money') || c.has('status_reward')) &&
    (c.has('act') || (c.has('target_place') && c.has('proof'))) &&
    (c.has('target') || (c.has('proof') && c.has('contact')));
  if (offer) out.push(excused ? 'shape_offer_excused' : 'shape_offer');
  if (c.has('act') && c.has('target') && (c.has('call') || c.has('imperative') || c.has('time')))
    out.push(excused ? 'shape_call_excused' : 'shape_call');
  return out;
}

/** Cue classes the pair features use. */
function classesOf(fired: Set<string>): Set<string> {
  const out = new Set(fired);
  for (const f of fired) {
    if (f.startsWith('act_')) out.add('act');
    if (f === 'target_place' || f === 'target_group' || f === 'target_infra' || f === 'postcode' || f === 'place_name')
      out.add('target');
    if (f === 'money' || f === 'inkind' || f === 'status_reward') out.add('reward');
  }
  for (const s of shapes(out)) out.add(s);
  return out;
}

/** Cue pairs that mean more together than apart: an offer is a reward for an act, a report is reported speech about one. */
const PAIRS: [string, string][] = [
  ['reward', 'act'],
  ['reward', 'target'],
  ['act', 'target'],
  ['reward', 'proof'],
  ['offer_frame', 'proof'],
  ['reward', 'offer_frame'],
  ['act', 'proof'],
  ['number', 'act'],
  ['number', 'proof'],
  ['call', 'act'],
  ['call', 'target'],
  ['imperative', 'target'],
  ['time', 'act'],
  ['time', 'target'],
  ['claim', 'act'],
  ['claim', 'proof'],
  ['claim', 'reward'],
  ['claim', 'number'],
  ['claim', 'target'],
  ['reported', 'reward'],
  ['reported', 'act'],
  ['news_source', 'reward'],
  ['news_source', 'act'],
  ['condemn', 'reward'],
  ['condemn', 'act'],
  ['quote', 'reward'],
  ['info_reward', 'reward'],
  ['lawful', 'reward'],
  ['leisure', 'reward'],
  ['leisure', 'act'],
  ['fundraise', 'reward'],
  ['job_ad', 'act'],
  ['job_ad', 'target'],
  ['hate_word', 'target_group'],
  ['direct', 'reward'],
  ['direct', 'act'],
  ['contact', 'proof'],
  ['contact', 'reward'],
];

/** Cues that frame a whole document: a sentence of a news story, a warning or a job advert reads differently in it. */
export const CONTEXT_CUES = [
  'reported',
  'news_source',
  'doc_news',
  'condemn',
  'info_reward',
  'fundraise',
  'lawful',
  'leisure',
  'quote',
  'direct',
  'job_ad',
] as const;

/** How many character n-grams a word yields (charIds' count, without hashing them). */
function charCount(token: string): number {
  if (token.length < 2 || NUMBER.test(token)) return 0;
  let n = 0;
  for (const size of CHAR_NGRAMS) n += Math.max(0, token.length + 3 - size);
  return n;
}

/** The value of each character n-gram of a segment: the family is scaled as one, so every n-gram weighs the same. */
export const charValue = (words: Word[]): number =>
  1 /
  Math.sqrt(
    Math.max(
      MIN_FAMILY_SIZE * 4,
      words.reduce((n, w) => n + charCount(w.token), 0),
    ),
  );

/** Word and word-pair ids (distinct) and cue, context and language ids of a segment. */
function lexicalAndNamed(
  words: Word[],
  fired: Set<string>,
  context: Set<string>,
  language: string,
): { lexical: Int32Array; names: number[] } {
  const lexicalIds: number[] = [];
  let previous: string | undefined;
  for (const w of words) {
    const term = termOf(w.token);
    lexicalIds.push(wordId(term));
    if (previous !== undefined) lexicalIds.push(pairId(previous, term));
    previous = term;
  }
  const names: number[] = [];
  const classes = classesOf(fired);
  for (const c of classes) names.push(featureId(`F:${c}`));
  for (const [a, b] of PAIRS) if (classes.has(a) && classes.has(b)) names.push(featureId(`F:${a}+${b}`));
  for (const c of CONTEXT_CUES) if (context.has(c)) names.push(featureId(`D:${c}`));
  // 'und' is only "too short to tell", which would teach the model that short means something.
  if (language !== 'und') names.push(featureId(`L:${language}`));
  return { lexical: distinct(lexicalIds), names };
}

/** Lays out a vector: words and pairs, character n-grams (none for lexicalVector), then named features. */
function assemble(lexical: Int32Array, chars: number[], charValueOf: number, names: number[]): FeatureVector {
  const ids = new Int32Array(lexical.length + chars.length + names.length);
  const values = new Float64Array(ids.length);
  // A post of three words is not three times surer than one of thirty: short texts are damped like mid-length ones.
  values.fill(1 / Math.sqrt(Math.max(MIN_FAMILY_SIZE, lexical.length)), 0, lexical.length);
  values.fill(charValueOf, lexical.length, lexical.length + chars.length);
  values.fill(CUE_VALUE, lexical.length + chars.length);
  ids.set(lexical, 0);
  ids.set(chars, lexical.length);
  ids.set(names, lexical.length + chars.length);
  return { ids, values };
}

/**
 * The features of a segment but its character n-grams. Scoring adds the n-grams word by word
 * (LinearScorer.addCharWeights), since a word's n-grams weigh the same wherever it stands; training and
 * the rationale take the whole vector (featureVector).
 */
export function lexicalVector(
  words: Word[],
  fired: Set<string>,
  context: Set<string>,
  language: string,
): FeatureVector {
  const { lexical, names } = lexicalAndNamed(words, fired, context, language);
  return assemble(lexical, [], 0, names);
}

/**
 * Features of one segment's normalised text. Values are scaled per family so long texts do not drown
 * their cues. `context` holds the cues fired anywhere in the post (for a short post, its own).
 * N-grams are counted as often as they occur (no sort to make them distinct: they are most of the features).
 */
export function featureVector(
  words: Word[],
  fired: Set<string>,
  context: Set<string>,
  language: string,
): FeatureVector {
  const { lexical, names } = lexicalAndNamed(words, fired, context, language);
  const chars: number[] = [];
  for (const w of words) charIds(w.token, chars);
  return assemble(lexical, chars, charValue(words), names);
}
