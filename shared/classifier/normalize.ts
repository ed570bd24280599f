import { correction } from './spelling.js';
import { EMOJI_WORDS, foldLetters, HOMOGLYPHS, LEET } from './glyphs.js';

/**
 * Normalisation against evasion, keeping a map from every normalised character back to the original
 * text so rationale spans can point at what the author actually wrote.
 */

/** Zero-width, joiner, bidi control, variation selector and keycap characters: invisible, inserted to break matching. */
const INVISIBLE =
  /^[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\u{e0000}-\u{e007f}]$/u;
const COMBINING_MARK = /\p{Mn}/gu;

/**
 * Words written wholly in Cyrillic or Greek are that language, not disguised Latin: only words that mix
 * scripts ("mоsque" with a Cyrillic о) are mapped back to Latin letters. Returns the UTF-16 offsets of
 * characters to leave in their own script.
 */
function nativeScriptOffsets(original: string): Set<number> {
  const out = new Set<number>();
  for (const m of original.matchAll(/[\p{L}\p{M}]+/gu)) {
    if (/[A-Za-z]/.test(m[0]) || !/[\u0370-\u03ff\u0400-\u04ff]/.test(m[0])) continue;
    for (let k = 0; k < m[0].length; k++) out.add(m.index + k);
  }
  return out;
}

export interface Normalized {
  text: string;
  /**
   * `offsets[i]` is the index in the original text of normalised character `i`, with one extra entry
   * marking the end; null when the two align one to one (plain ASCII with nothing to undo).
   */
  offsets: number[] | null;
}

/** One pass's view of the text: `offs` maps each UTF-16 code unit back to the original, null for identity. */
interface Units {
  text: string;
  offs: number[] | null;
}

/** Replaces `[start, end)` with `text`; the new characters map onto the replaced ones in order. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(u: Units, edits: Edit[]): Units {
  if (edits.length === 0) return u;
  const off = (i: number) => (u.offs ? u.offs[i]! : i);
  let text = '';
  const offs: number[] = [];
  let last = 0;
  for (const e of edits) {
    text += u.text.slice(last, e.start) + e.text;
    for (let k = last; k < e.start; k++) offs.push(off(k));
    const span = Math.max(e.end - e.start, 1);
    for (let k = 0; k < e.text.length; k++) offs.push(off(e.start + Math.min(k, span - 1)));
    last = e.end;
  }
  text += u.text.slice(last);
  for (let k = last; k < u.text.length; k++) offs.push(off(k));
  return { text, offs };
}

/** Regional indicators (🇦) and negative squared or circled letters (🅰 🅐) that NFKC leaves alone. */
function emojiLetter(cp: number): string | undefined {
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return String.fromCharCode(97 + cp - 0x1f1e6);
  if (cp >= 0x1f170 && cp <= 0x1f189) return String.fromCharCode(97 + cp - 0x1f170);
  if (cp >= 0x1f150 && cp <= 0x1f169) return String.fromCharCode(97 + cp - 0x1f150);
  return undefined;
}

const ASCII = /^[\x00-\x7f]*$/;

function mapChars(original: string): Units {
  if (ASCII.test(original)) return { text: original.toLowerCase(), offs: null };
  let text = '';
  const offs: number[] = [];
  const push = (s: string, off: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) offs.push(off);
  };
  const native = nativeScriptOffsets(original);
  let i = 0;
  for (const ch of original) {
    const off = i;
    i += ch.length;
    const code = ch.charCodeAt(0);
    if (code < 0x80) {
      push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch, off);
      continue;
    }
    if (INVISIBLE.test(ch)) continue;
    const word = EMOJI_WORDS[ch];
    if (word) {
      push(` ${word} `, off);
      continue;
    }
    const letter = emojiLetter(ch.codePointAt(0)!);
    if (letter) {
      push(letter, off);
      continue;
    }
    for (const c of ch.normalize('NFKC').toLowerCase())
      push(
        (native.has(off) ? undefined : HOMOGLYPHS[c]) ?? foldLetters(c.normalize('NFD').replace(COMBINING_MARK, '')),
        off,
      );
  }
  return { text, offs };
}

const TOKEN = /[a-z0-9_@$!|]+/g;
const NEEDS_LEET = /[0-9@$!|]/;
/** Numbers with a unit, currency or ordinal ("2am", "100k", "100quid", "1st"): digits that mean digits. */
const NUMERIC =
  /^\d+(?:[.,]\d+)?(?:k|m|am|pm|st|nd|rd|th|s|p|x|quid|pounds?|nicker|gbp|usdt?|btc|eth|eur|euros?|bucks|grand|each)?$/;
/** Shaped like a UK postcode district ("e10", "se27", "cr7"). */
const POSTCODE_LIKE = /^[a-z]{1,2}\d{1,2}[a-z]?$/;
/** Postcode-shaped tokens that are leetspeak all the same when written in lower case. */
const LEET_WORDS = new Set(['pic', 'pics', 'pix', 'vid', 'pay', 'tag', 'cash', 'bot']);

function deLeet(token: string, writtenUpper: () => boolean): string | undefined {
  if (!NEEDS_LEET.test(token) || !/[a-z]/.test(token) || NUMERIC.test(token) || token.startsWith('@')) return undefined;
  if (/^\d[\doil]*$/.test(token)) return token.replace(/o/g, '0').replace(/[il]/g, '1');
  if ((token.match(/[a-z]/g) ?? []).length < 2) return undefined;
  // Digits stand for letters anywhere in a word; symbols only between letters ("sm@sh", not "louis!").
  const decoded = token.replace(/[013457]/g, (c) => LEET[c]!).replace(/(?<=[a-z])[@$!|](?=[a-z])/g, (c) => LEET[c]!);
  if (POSTCODE_LIKE.test(token) && (writtenUpper() || !LEET_WORDS.has(decoded))) return undefined;
  return correction(decoded) ?? decoded;
}

/** Undoes leetspeak, text-speak and misspellings token by token; `@handles`, numbers and postcodes are left as written. */
function unLeet(u: Units, original: string): Units {
  const edits: Edit[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(u.text); m; m = TOKEN.exec(u.text)) {
    const token = m[0];
    let replaced = correction(token);
    if (replaced === undefined && NEEDS_LEET.test(token)) {
      const start = m.index;
      const end = start + token.length;
      replaced = deLeet(token, () => {
        const written = original.slice(u.offs ? u.offs[start]! : start, (u.offs ? u.offs[end - 1]! : end - 1) + 1);
        return written === written.toUpperCase();
      });
    }
    if (replaced !== undefined && replaced !== token)
      edits.push({ start: m.index, end: m.index + token.length, text: replaced });
  }
  return applyEdits(u, edits);
}

/** Collapses three or more of the same letter ("smaaaash") to one. */
function collapseRepeats(u: Units): Units {
  const edits: Edit[] = [];
  const t = u.text;
  for (let k = 0; k + 2 < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c < 97 || c > 122 || t.charCodeAt(k + 1) !== c || t.charCodeAt(k + 2) !== c) continue;
    let end = k + 3;
    while (t.charCodeAt(end) === c) end++;
    edits.push({ start: k, end, text: t[k]! });
    k = end - 1;
  }
  return applyEdits(u, edits);
}

const SPACED = /(?<![a-z0-9£$€])(?:[a-z0-9£$€][ ._*-]){2,}[a-z0-9](?![a-z0-9])/g;

/** Joins letters spaced out to dodge matching ("1 0 0 q u i d" becomes "100quid"). */
function joinSpaced(u: Units): Units {
  const edits: Edit[] = [];
  for (const m of u.text.matchAll(SPACED)) {
    for (let k = 1; k < m[0].length; k += 2) edits.push({ start: m.index + k, end: m.index + k + 1, text: '' });
  }
  return applyEdits(u, edits);
}

export function normalize(original: string): Normalized {
  const u = collapseRepeats(unLeet(joinSpaced(mapChars(original)), original));
  return { text: u.text, offsets: u.offs ? [...u.offs, original.length] : null };
}

/** Maps a span of the normalised text back to the original text it came from. */
export function originalSpan(
  n: Normalized,
  original: string,
  start: number,
  end: number,
): { start: number; end: number } {
  if (!n.offsets) return { start, end: Math.max(start, end) };
  const from = n.offsets[start] ?? original.length;
  if (end <= start) return { start: from, end: from };
  const last = n.offsets[end - 1] ?? from;
  const width = original.codePointAt(last)! > 0xffff ? 2 : 1;
  return { start: from, end: Math.min(original.length, last + width) };
}
