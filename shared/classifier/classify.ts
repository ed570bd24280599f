import {
  FLAG_LABELS,
  type Entities,
  type Label,
  type RationaleSpan,
  type Severity,
  type Verdict,
} from '../domain/verdict.js';
import {
  analyse,
  MAX_ANALYSED_CHARS,
  segmentLogOdds,
  segmentVector,
  wholeLogOdds,
  type Analysis,
  type SegmentAnalysis,
} from './analyse.js';
import type { Hit } from './features.js';
import { decide, HEADS, logit, MODEL_LABELS, sigmoid, type LoadedModel } from './model.js';
import { originalSpan } from './normalize.js';
import { charIds, pairId, termOf, valueOf, wordId } from './vectorize.js';

interface SegmentScore {
  analysis: SegmentAnalysis;
  /** Log-odds per head, in HEADS order. */
  logOdds: Float64Array;
  /** Per label, in MODEL_LABELS order. */
  decided: boolean[];
}

/** How surely a segment names a target; quoted hits count, since a quoted offer still names its target. */
function targetScore(hits: Hit[]): number {
  let place = false;
  let postcode = false;
  let located = false;
  let group = false;
  for (const h of hits) {
    if (h.feature === 'target_place') place = true;
    else if (h.feature === 'postcode') postcode = located = true;
    else if (h.feature === 'place_name') located = true;
    else if (h.feature === 'target_group') group = true;
  }
  if (place && located) return 0.97;
  if (place || postcode) return 0.9;
  if (group || located) return 0.4;
  return 0.02;
}

/**
 * Severity follows harm: fire and weapons over damage over paint, a named place and a time over a vague
 * one, a reward with proof or contact over an idle one. A claim is evidence that something happened.
 */
export function severityOf(labels: Set<Label>, fired: Set<string>, maxGbp: number): Severity {
  if (!FLAG_LABELS.some((l) => labels.has(l))) return 'low';
  let points = labels.has('bounty_offer') || labels.has('claim') ? 2 : 1;
  if (fired.has('act_fire') || fired.has('act_violence')) points += 2;
  else if (fired.has('act_damage') || fired.has('act_desecrate')) points += 1;
  if (fired.has('postcode') || fired.has('place_name')) points += 1;
  if (fired.has('target_place')) points += 1;
  if (fired.has('time')) points += 1;
  if (labels.has('bounty_offer') && (fired.has('proof') || fired.has('contact') || maxGbp >= 100)) points += 1;
  if (points >= 5) return 'critical';
  if (points >= 3) return 'high';
  return points >= 2 ? 'medium' : 'low';
}

const ENTITY_FEATURES: Partial<Record<string, 'times' | 'proof' | 'contacts' | 'paymentChannels'>> = {
  time: 'times',
  proof: 'proof',
  contact: 'contacts',
  crypto: 'paymentChannels',
};
/** Words shown in a rationale: those adding at least this much to a label's log-odds, at most this many. */
const MIN_WORD_CONTRIBUTION = 0.1;
const MAX_RATIONALE_WORDS = 8;
/** How far below a label's threshold (in log-odds) a long post as a whole may score and still let one of its sentences decide. */
const WHOLE_POST_SUPPORT = 2;

/** The words of a segment that pushed one label up most, as spans of the normalised text. */
function topWords(
  s: SegmentScore,
  analysis: Analysis,
  label: number,
  model: LoadedModel,
): { start: number; end: number; value: number }[] {
  const vector = segmentVector(s.analysis, analysis);
  const weigh = (id: number) => model.scorer.contribution(id, valueOf(vector, id), label);
  const terms = s.analysis.words.map((w) => termOf(w.token));
  const words = s.analysis.words.map((w, i) => {
    let value = weigh(wordId(terms[i]!));
    for (const id of charIds(w.token)) value += weigh(id);
    if (i + 1 < terms.length) value += weigh(pairId(terms[i]!, terms[i + 1]!)) / 2;
    if (i > 0) value += weigh(pairId(terms[i - 1]!, terms[i]!)) / 2;
    return { start: w.start, end: w.end, value };
  });
  return words
    .filter((w) => w.value >= MIN_WORD_CONTRIBUTION)
    .sort((a, b) => b.value - a.value)
    .slice(0, MAX_RATIONALE_WORDS);
}

/** Each segment's log-odds per head and the labels it decides on its own. */
function scoreSegments(model: LoadedModel, analysis: Analysis, text: string, cut: number[]): SegmentScore[] {
  const flagHead = HEADS.indexOf('flag');
  // A sentence of a long post decides only where the post as a whole leans the same way: a thread that
  // warns about offers restates one in a sentence, and a page with an offer in it still reads as one.
  const whole =
    analysis.segments.length > 1 ? wholeLogOdds(model.scorer, text.slice(0, MAX_ANALYSED_CHARS)) : undefined;
  return analysis.segments.map((a) => {
    const logOdds = segmentLogOdds(model.scorer, a, analysis);
    // Nothing to read (emoji and punctuation that stand for no word, no cue): nothing to decide on.
    if (a.words.length === 0 && a.features.fired.size === 0)
      return { analysis: a, logOdds: logOdds.fill(-Infinity), decided: MODEL_LABELS.map(() => false) };
    const supported = (i: number) =>
      !whole || whole[i]! >= cut[i]! - WHOLE_POST_SUPPORT || whole[flagHead]! >= cut[flagHead]! - WHOLE_POST_SUPPORT;
    return { analysis: a, logOdds, decided: decide(logOdds, cut).map((d, i) => d && supported(i)) };
  });
}

/** The post's labels, best log-odds per head and target score from its segments, and whether it is flagged or a near miss. */
function postLabels(model: LoadedModel, segments: SegmentScore[], cut: number[]) {
  const flagHead = HEADS.indexOf('flag');
  const labels = new Set<Label>();
  const best = new Float64Array(MODEL_LABELS.length).fill(-Infinity);
  let targetInfo = 0;
  for (const s of segments) {
    MODEL_LABELS.forEach((label, i) => {
      best[i] = Math.max(best[i]!, s.logOdds[i]!);
      if (s.decided[i]) labels.add(label);
    });
    targetInfo = Math.max(targetInfo, targetScore(s.analysis.features.hits));
  }
  if (targetInfo >= 0.6) labels.add('target_info');
  const flagged = FLAG_LABELS.some((l) => labels.has(l));
  const flagIndexes = FLAG_LABELS.map((l) => MODEL_LABELS.indexOf(l));
  const flagBest = Math.max(...segments.map((s) => s.logOdds[flagHead]!));
  const nearMiss =
    !flagged &&
    (flagBest >= cut[flagHead]! - model.nearMissBand ||
      flagIndexes.some((i) => best[i]! >= cut[i]! - model.nearMissBand));
  return { labels, best, targetInfo, flagged, nearMiss, flagIndexes };
}

/** A span of a segment's normalised text as a span of the original post. */
function toOriginal(s: SegmentAnalysis, start: number, end: number) {
  const o = originalSpan(s.norm, s.text, start, end);
  return { start: s.segment.start + o.start, end: s.segment.start + o.end, text: s.text.slice(o.start, o.end) };
}

/** Amounts, targets, places and the like named anywhere in the post (quoted offers' amounts and hits left out), each list deduplicated. */
function postEntities(segments: SegmentScore[]) {
  const entities: Required<Omit<Entities, 'qrTargets' | 'truncatedAt'>> = {
    amounts: [],
    targets: [],
    postcodeDistricts: [],
    places: [],
    times: [],
    proof: [],
    contacts: [],
    paymentChannels: [],
  };
  for (const { analysis: s } of segments) {
    const { features } = s;
    for (const a of features.amounts) {
      if (features.hits.some((h) => h.quoted && h.start === a.start)) continue;
      entities.amounts.push({
        ...toOriginal(s, a.start, a.end),
        value: a.value,
        currency: a.currency,
        gbp: a.gbp,
        slang: a.slang,
      });
    }
    for (const p of features.postcodes) entities.postcodeDistricts.push(p.district);
    for (const p of features.places) entities.places.push(toOriginal(s, p.start, p.end).text);
    for (const h of features.hits) {
      if (h.quoted) continue;
      if (h.feature === 'target_place' || h.feature === 'target_group')
        entities.targets.push({
          type: h.feature === 'target_place' ? 'place' : 'group',
          ...toOriginal(s, h.start, h.end),
        });
      const key = ENTITY_FEATURES[h.feature];
      if (key) entities[key].push(toOriginal(s, h.start, h.end).text);
    }
  }
  for (const key of ['postcodeDistricts', 'places', 'times', 'proof', 'contacts', 'paymentChannels'] as const)
    entities[key] = [...new Set(entities[key])];
  return entities;
}

/**
 * Why the post scored as it did, from the segments that decided a label (with none, the one that came
 * closest to a flag): their spans and weightiest words, the cues that fired in them and the largest amount.
 */
function explainVerdict(
  model: LoadedModel,
  analysis: Analysis,
  segments: SegmentScore[],
  cut: number[],
  post: { flagged: boolean; nearMiss: boolean; flagIndexes: number[] },
) {
  const { flagged, nearMiss, flagIndexes } = post;
  let focus = segments.filter((s) => flagIndexes.some((i) => s.decided[i]));
  const closest = (s: SegmentScore) => Math.max(...flagIndexes.map((i) => s.logOdds[i]! - cut[i]!));
  if (focus.length === 0) focus = [segments.reduce((a, b) => (closest(b) > closest(a) ? b : a))];

  const rationale: RationaleSpan[] = [];
  const fired = new Set<string>();
  let maxGbp = 0;
  for (const s of focus) {
    const { features, segment, text: segText } = s.analysis;
    for (const f of features.fired) fired.add(f);
    for (const a of features.amounts) maxGbp = Math.max(maxGbp, a.gbp ?? 0);
    const explained = s.decided.some((d, i) => d && flagIndexes.includes(i))
      ? flagIndexes.filter((i) => s.decided[i])
      : [flagIndexes.reduce((a, b) => (s.logOdds[b]! - cut[b]! > s.logOdds[a]! - cut[a]! ? b : a))];
    for (const i of explained) {
      if (s.decided[i])
        rationale.push({
          feature: `segment:${MODEL_LABELS[i]}`,
          start: segment.start,
          end: segment.end,
          text: segText,
        });
      // Which words weighed most is worth its cost only for posts someone will read: flagged or near misses.
      if (flagged || nearMiss)
        for (const w of topWords(s, analysis, i, model))
          rationale.push({ feature: `word:${MODEL_LABELS[i]}`, ...toOriginal(s.analysis, w.start, w.end) });
    }
    for (const h of features.hits)
      if (h.feature !== 'number')
        rationale.push({
          feature: h.quoted ? `quoted:${h.feature}` : h.feature,
          ...toOriginal(s.analysis, h.start, h.end),
        });
  }
  return { rationale, fired, maxGbp };
}

/** Classifies one text: pure, deterministic, no I/O. */
export function classifyWith(model: LoadedModel, text: string): Verdict {
  const analysis = analyse(text);
  const cut = HEADS.map((l) => logit(model.thresholds[l]));
  const segments = scoreSegments(model, analysis, text, cut);
  const post = postLabels(model, segments, cut);
  const { labels, best, targetInfo, flagged, nearMiss } = post;
  const entities = postEntities(segments);
  const { rationale, fired, maxGbp } = explainVerdict(model, analysis, segments, cut, post);

  const round = (x: number) => Math.round(x * 1000) / 1000;
  const scores = {
    bounty_offer: 0,
    call_to_action: 0,
    claim: 0,
    target_info: round(targetInfo),
    hate: 0,
  } satisfies Record<Label, number>;
  MODEL_LABELS.forEach((label, i) => (scores[label] = round(sigmoid(best[i]!))));
  return {
    classifier: model.version,
    flagged,
    labels: (['bounty_offer', 'call_to_action', 'claim', 'target_info', 'hate'] as const).filter((l) => labels.has(l)),
    scores,
    severity: severityOf(labels, fired, maxGbp),
    rationale: rationale.sort((a, b) => a.start - b.start || a.end - b.end),
    entities: { ...entities, ...(text.length > MAX_ANALYSED_CHARS ? { truncatedAt: MAX_ANALYSED_CHARS } : {}) },
    language: analysis.language.code,
    languageCovered: analysis.language.covered,
    nearMiss,
  };
}
