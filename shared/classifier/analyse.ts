import { extractFeatures, type SegmentFeatures } from './features.js';
import { identifyLanguage, SAMPLE_CHARS, type Language } from './language.js';
import { normalize, originalSpan, type Normalized } from './normalize.js';
import { splitSegments, type Segment } from './segment.js';
import { featureVector, wordsOf, type FeatureVector, type Word } from './vectorize.js';

export interface SegmentAnalysis {
  segment: Segment;
  /** The segment's own text, as written. */
  text: string;
  norm: Normalized;
  features: SegmentFeatures;
  words: Word[];
}

export interface Analysis {
  segments: SegmentAnalysis[];
  language: Language;
  /** Every cue fired in any segment. */
  context: Set<string>;
}

const contextOf = (segments: SegmentAnalysis[]) => new Set(segments.flatMap((s) => [...s.features.fired]));

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
  return { segment, text, norm, features, words: wordsOf(norm.text) };
}

/** The language of the whole post, read from normalised text so leetspeak and spaced letters do not look foreign. */
function languageOf(segments: SegmentAnalysis[]): Language {
  // Only the first SAMPLE_CHARS are read: a long page's later segments need not be joined at all.
  let sample = '';
  for (const s of segments) {
    sample = sample ? `${sample} ${s.norm.text}` : s.norm.text;
    if (sample.length >= SAMPLE_CHARS) break;
  }
  return identifyLanguage(sample);
}

/**
 * Normalises, segments and extracts features. A page where several segments carry reporting cues is
 * news-like as a whole, and every segment learns so ("doc_news"): a scraped news story about an offer
 * restates the offer in a sentence of its own.
 */
export function analyse(fullText: string): Analysis {
  const text = fullText.length > MAX_ANALYSED_CHARS ? fullText.slice(0, MAX_ANALYSED_CHARS) : fullText;
  const first = splitSegments(text).map((s) => analyseText(text.slice(s.start, s.end), s));
  const language = languageOf(first);
  if (first.length < 3) return { segments: first, language, context: contextOf(first) };
  const reporting = first.filter((a) => a.features.fired.has('reported') || a.features.fired.has('news_source') || a.features.fired.has('condemn')).length;
  if (reporting < 2) return { segments: first, language, context: contextOf(first) };
  const segments = first.map((a) => analyseText(a.text, a.segment, ['doc_news']));
  return { segments, language, context: contextOf(segments) };
}

export const segmentVector = (a: SegmentAnalysis, analysis: Analysis): FeatureVector => featureVector(a.words, a.features.fired, analysis.context, analysis.language.code);

/** The features a training example contributes: the whole text as one segment, as short posts are scored. */
export function trainingVector(text: string): FeatureVector {
  const whole = analyseText(text, { start: 0, end: text.length });
  return segmentVector(whole, { segments: [whole], language: languageOf([whole]), context: whole.features.fired });
}
