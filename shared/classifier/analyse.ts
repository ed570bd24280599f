import { extractFeatures, type SegmentFeatures } from './features.js';
import { identifyLanguage, SAMPLE_CHARS, type Language } from './language.js';
import { normalize, originalSpan, type Normalized } from './normalize.js';
import { splitSegments, type Segment } from './segment.js';
import type { LinearScorer } from './model.js';
import { charValue, featureVector, lexicalVector, wordsOf, type FeatureVector, type Word } from './vectorize.js';

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

function analyseText(text: string, segment: Segment): SegmentAnalysis {
  const norm = normalize(text);
  const isUpper = (start: number, end: number) => {
    const o = originalSpan(norm, text, start, end);
    const written = text.slice(o.start, o.end);
    return written === written.toUpperCase() && written !== written.toLowerCase();
  };
  const features = extractFeatures(norm.text, isUpper);
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
  const segments = splitSegments(text).map((s) => analyseText(text.slice(s.start, s.end), s));
  const language = languageOf(segments);
  const reporting = segments.filter(
    (a) => a.features.fired.has('reported') || a.features.fired.has('news_source') || a.features.fired.has('condemn'),
  ).length;
  if (segments.length >= 3 && reporting >= 2) for (const a of segments) a.features.fired.add('doc_news');
  return { segments, language, context: contextOf(segments) };
}

export const segmentVector = (a: SegmentAnalysis, analysis: Analysis): FeatureVector =>
  featureVector(a.words, a.features.fired, analysis.context, analysis.language.code);

/** A segment's log-odds per head: scorer.logOdds(segmentVector(a, analysis)), without building its n-grams one by one. */
export function segmentLogOdds(scorer: LinearScorer, a: SegmentAnalysis, analysis: Analysis): Float64Array {
  const sums = scorer.logOdds(lexicalVector(a.words, a.features.fired, analysis.context, analysis.language.code));
  const v = charValue(a.words);
  for (const w of a.words) scorer.addCharWeights(sums, w.token, v);
  return sums;
}

/** A text read whole, as one segment: how training examples are read, and how a long post is read as a whole. */
function wholeText(text: string): { whole: SegmentAnalysis; analysis: Analysis } {
  const whole = analyseText(text, { start: 0, end: text.length });
  return { whole, analysis: { segments: [whole], language: languageOf([whole]), context: whole.features.fired } };
}

/** The features a training example contributes: the whole text as one segment, as short posts are scored. */
export function trainingVector(text: string): FeatureVector {
  const { whole, analysis } = wholeText(text);
  return segmentVector(whole, analysis);
}

/** The log-odds of a text read whole (trainingVector's features). */
export function wholeLogOdds(scorer: LinearScorer, text: string): Float64Array {
  const { whole, analysis } = wholeText(text);
  return segmentLogOdds(scorer, whole, analysis);
}
