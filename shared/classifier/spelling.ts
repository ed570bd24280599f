import distances from 'natural/lib/natural/distance/levenshtein_distance.js';

/** Spelling the classifier forgives: text-speak, known misspellings and one-letter slips of the words it looks for. */

/** Text-speak that hides words from keyword lists. */
const TEXT_SPEAK: Record<string, string> = {
  any1: 'anyone',
  some1: 'someone',
  som1: 'someone',
  every1: 'everyone',
  no1: 'noone',
  '2nite': 'tonight',
  '2night': 'tonight',
  '2moro': 'tomorrow',
  '2morrow': 'tomorrow',
  b4: 'before',
  gr8: 'great',
  pls: 'please',
  plz: 'please',
  ppl: 'people',
  msg: 'message',
  pm: 'pm',
  u: 'you',
  ur: 'your',
  wiv: 'with',
  wid: 'with',
  pix: 'pics',
  vid: 'video',
  vids: 'videos',
};

/** Misspellings too far from the word for edit distance to catch safely. */
const VARIANTS: Record<string, string> = {
  mosk: 'mosque',
  mosq: 'mosque',
  mosks: 'mosques',
  moskue: 'mosque',
  mozque: 'mosque',
  mosqe: 'mosque',
  moske: 'mosque',
  mozk: 'mosque',
  mosc: 'mosque',
  masjed: 'masjid',
  musjid: 'masjid',
  synagog: 'synagogue',
  synagoge: 'synagogue',
  sinagog: 'synagogue',
  sinagogue: 'synagogue',
  gurdwra: 'gurdwara',
  gurudwara: 'gurdwara',
  templ: 'temple',
  windws: 'windows',
  windowz: 'windows',
  windoes: 'windows',
  winders: 'windows',
  sprai: 'spray',
  spraye: 'spray',
  sprey: 'spray',
  smsh: 'smash',
  smashh: 'smash',
  burnn: 'burn',
  torchd: 'torched',
  grafiti: 'graffiti',
  graffitti: 'graffiti',
  grafitti: 'graffiti',
  sticka: 'sticker',
  stikers: 'stickers',
  stickas: 'stickers',
  quids: 'quid',
  kwid: 'quid',
  vidz: 'videos',
  picz: 'pics',
  pix: 'pics',
  foto: 'photo',
  fotos: 'photos',
  proff: 'proof',
  prooff: 'proof',
};

/**
 * Words worth recovering from a one-letter slip ("synagoge", "refugess"): nouns with no common English word
 * one edit away. Verbs are not here ("touched" is one edit from "torched"), nor short words ("stray", "spray").
 * Plurals stay as written.
 */
const FUZZY_TARGETS = new Set([
  'mosque',
  'mosques',
  'masjid',
  'synagogue',
  'synagogues',
  'gurdwara',
  'islamic',
  'refugee',
  'refugees',
  'asylum',
  'graffiti',
  'stickers',
  'bitcoin',
  'whoever',
  'tonight',
]);
/** Per distinct token, its correction or null; real posts repeat their words, so most tokens cost one lookup. */
const correctionMemo = new Map<string, string | null>();
const MEMO_LIMIT = 100_000;

function lookupCorrection(token: string): string | null {
  const variant = TEXT_SPEAK[token] ?? VARIANTS[token];
  if (variant !== undefined) return variant;
  if (token.length < 6 || FUZZY_TARGETS.has(token) || !/^[a-z]+$/.test(token)) return null;
  return (
    [...FUZZY_TARGETS].find(
      (w) =>
        w !== `${token}s` &&
        token !== `${w}s` &&
        w[0] === token[0] &&
        Math.abs(w.length - token.length) <= 1 &&
        distances.DamerauLevenshteinDistance(token, w) === 1,
    ) ?? null
  );
}

/** Text-speak ("any1"), known misspellings ("mosk") and one-edit slips of target words ("synagoge"). */
export function correction(token: string): string | undefined {
  // Words that start with a digit are text-speak ("2nite") or numbers and ids, which would only fill the memo.
  if (!/^[a-z]/.test(token)) return Object.hasOwn(TEXT_SPEAK, token) ? TEXT_SPEAK[token] : undefined;
  let hit = correctionMemo.get(token);
  if (hit === undefined) {
    hit =
      Object.hasOwn(TEXT_SPEAK, token) || Object.hasOwn(VARIANTS, token) || token.length >= 6
        ? lookupCorrection(token)
        : null;
    if (correctionMemo.size >= MEMO_LIMIT) correctionMemo.clear();
    correctionMemo.set(token, hit);
  }
  return hit ?? undefined;
}
