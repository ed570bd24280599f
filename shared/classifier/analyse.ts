import { extractFeatures, type SegmentFeatures } from './features.js';
import { normalize, originalSpan, type Normalized } from './normalize.js';
import { splitSegments, type Segment } from './segment.js';
import { modelTokens } from './tokens.js';

export interface SegmentAnalysis {
  segment: Segment;
  /** The segment's own text, as written. */
  text: string;
  norm: Normalized;
  features: SegmentFeatures;
}

/** The model's tokens for a segment; computed only for segments some gate lets through (most posts open none). */
export const segmentTokens = (a: SegmentAnalysis): Set<string> => modelTokens(a.norm.text, a.features.fired);

/** Longer texts are analysed up to this many characters; ingest already caps a post far below it. */
export const MAX_ANALYSED_CHARS = 100_000;

function analyseText(text: string, segment: Segment, extra: string[] = []): SegmentAnalysis {
  const norm = normalize(text);
  const isUpper = (start: number, end: number) => {
    const o = originalSpan(norm, text, start, end);
    const written = text.slice(o.start, o.end);
    return written === written.toUpperCase() && written !== written.toLowerCase();
  };
  const features = extractFeatures(norm.text, isUpper);
  for (const f of extra) features.fired.add(f);
  return { segment, text, norm, features };
}

/**
 * Normalises, segments and extracts features. A page where several segments carry reporting cues is
 * news-like as a whole, and every segment learns so ("doc_news"): a scraped news story about an offer
 * restates the offer in a sentence of its own.
 */
export function analyse(fullText: string): SegmentAnalysis[] {
  const text = fullText.length > MAX_ANALYSED_CHARS ? fullText.slice(0, MAX_ANALYSED_CHARS) : fullText;
  const segments = splitSegments(text);
  const first = segments.map((s) => analyseText(text.slice(s.start, s.end), s));
  if (first.length < 3) return first;
  const reporting = first.filter((a) => a.features.fired.has('reported') || a.features.fired.has('news_source') || a.features.fired.has('condemn')).length;
  if (reporting < 2) return first;
  return first.map((a) => analyseText(a.text, a.segment, ['doc_news']));
}

/** The tokens a training example contributes: the whole text as one segment, as short posts are scored. */
export const trainingTokens = (text: string): string[] => [...segmentTokens(analyseText(text, { start: 0, end: text.length }))];
