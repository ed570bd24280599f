export interface Segment {
  start: number;
  end: number;
}

/** Posts up to this long are scored whole, as the training examples were. */
const WHOLE_POST_CHARS = 600;
/** Sentences shorter than this join the one before ("Video proof." belongs to its offer). */
const MIN_SENTENCE_CHARS = 25;

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits a long text (a news page, a long channel post) into sentence segments so each is scored on
 * its own and the rationale points at the one that mattered; short posts stay whole.
 */
export function splitSegments(text: string): Segment[] {
  if (text.length <= WHOLE_POST_CHARS) return [{ start: 0, end: text.length }];
  const out: Segment[] = [];
  for (const s of sentences.segment(text)) {
    const start = s.index;
    const end = s.index + s.segment.length;
    if (s.segment.trim() === '') continue;
    const previous = out[out.length - 1];
    if (
      previous &&
      (s.segment.trim().length < MIN_SENTENCE_CHARS ||
        text.slice(previous.start, previous.end).trim().length < MIN_SENTENCE_CHARS)
    )
      previous.end = end;
    else out.push({ start, end });
  }
  return out.length ? out : [{ start: 0, end: text.length }];
}
