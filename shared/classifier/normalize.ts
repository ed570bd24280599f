/** Zero-width, joiner and bidi control characters: invisible, and inserted to break keyword matching. */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff]/u;

export interface Normalized {
  text: string;
  /** `offsets[i]` is the index in the original text of normalised character `i`; one extra entry marks the end. */
  offsets: number[];
}

/** NFKC, lower case, invisible characters dropped, keeping a map back to the original for rationale spans. */
export function normalize(original: string): Normalized {
  let text = '';
  const offsets: number[] = [];
  let i = 0;
  for (const ch of original) {
    if (!INVISIBLE.test(ch)) {
      const out = ch.normalize('NFKC').toLowerCase();
      for (let k = 0; k < out.length; k++) offsets.push(i);
      text += out;
    }
    i += ch.length;
  }
  offsets.push(original.length);
  return { text, offsets };
}

/** Maps a span of the normalised text back to the original text. */
export function originalSpan(n: Normalized, start: number, end: number): { start: number; end: number } {
  const from = n.offsets[start] ?? 0;
  const last = n.offsets[Math.max(start, end - 1)] ?? from;
  const to = end >= n.offsets.length - 1 ? (n.offsets[n.offsets.length - 1] ?? last) : Math.max(n.offsets[end] ?? last + 1, last + 1);
  return { start: from, end: to };
}
