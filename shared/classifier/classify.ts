import type { Label, RationaleSpan, Severity, Verdict } from '../domain/verdict.js';
import { analyse, MAX_ANALYSED_CHARS, segmentTokens, type SegmentAnalysis } from './analyse.js';
import { MODEL_LABELS, type LoadedModel, type ModelLabel } from './model.js';
import type { Hit } from './features.js';
import { originalSpan } from './normalize.js';

const has = (fired: Set<string>, prefix: string) => {
  for (const f of fired) if (f.startsWith(prefix)) return true;
  return false;
};
const hasTarget = (f: Set<string>) => f.has('target_place') || f.has('target_group') || f.has('postcode') || f.has('place_name');

/**
 * What a segment must contain before the model may call it an offer or a call: an offer names a
 * reward and an act; a call names an act and a target and urges (an imperative, a plan, a time);
 * neither is reported, condemned or quoted.
 */
function gate(label: ModelLabel, f: Set<string>): boolean {
  switch (label) {
    case 'bounty_offer':
      return (
        (f.has('money') || f.has('status_reward')) &&
        // "£100 for the mosque in E10, pics to me" leaves the act unsaid; the proof request says it.
        (has(f, 'act_') || (f.has('target_place') && f.has('proof'))) &&
        (hasTarget(f) || (f.has('proof') && f.has('contact'))) &&
        !reportedOrCondemned(f) &&
        !lawfulOrLeisure(f)
      );
    case 'call_to_action':
      return has(f, 'act_') && hasTarget(f) && (f.has('call') || f.has('imperative') || f.has('time')) && !reportedOrCondemned(f) && !lawfulOrLeisure(f);
    case 'hate':
      // Counter-speech names groups too; it is hate only where hostile words outweigh the condemnation.
      return f.has('hate_word') || (f.has('target_group') && !f.has('condemn'));
  }
}

/**
 * Reported speech, condemnation, quotation and appeals describe an offer without making one. Reporting
 * words in a post that also speaks to the reader ("send me the pic, before the police come") do not veto.
 */
function reportedOrCondemned(f: Set<string>): boolean {
  if (f.has('info_reward') || f.has('quote') || f.has('condemn')) return true;
  return (f.has('reported') || f.has('news_source') || f.has('doc_news')) && !f.has('direct');
}

/**
 * Paid work, sport, marketing and clean-ups use the same verbs and prices ("paint the fence, £150").
 * They veto unless the segment names a place to attack and asks for proof or contact, or urges, the way
 * offers and calls do.
 */
function lawfulOrLeisure(f: Set<string>): boolean {
  if (!(f.has('lawful') || f.has('leisure') || f.has('fundraise'))) return false;
  return !(f.has('target_place') && (f.has('proof') || f.has('contact') || f.has('call')));
}

/** A label whose gate is shut keeps a quarter of its score (when another label's gate made the segment worth scoring). */
const GATED_FACTOR = 0.25;

interface SegmentScore {
  analysis: SegmentAnalysis;
  scores: Record<ModelLabel, number>;
  decided: Record<ModelLabel, boolean>;
}

function scoreSegment(a: SegmentAnalysis, model: LoadedModel): SegmentScore {
  const scores = {} as Record<ModelLabel, number>;
  const decided = {} as Record<ModelLabel, boolean>;
  const open = MODEL_LABELS.map((label) => gate(label, a.features.fired));
  // A segment no gate lets through cannot decide anything: it is not scored at all (the common case).
  const probabilities = open.some(Boolean) ? model.scorer.probabilities(segmentTokens(a)) : MODEL_LABELS.map(() => 0);
  for (const [i, label] of MODEL_LABELS.entries()) {
    const p = probabilities[i]!;
    scores[label] = open[i] ? p : p * GATED_FACTOR;
    decided[label] = open[i]! && p >= model.thresholds[label];
  }
  // A call to action offers no payment; where there is one, the offer is what the post is.
  if (decided.bounty_offer) decided.call_to_action = false;
  if (decided.bounty_offer || decided.call_to_action) decided.hate = false;
  return { analysis: a, scores, decided };
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

function severityOf(labels: Set<Label>, fired: Set<string>, maxGbp: number): Severity {
  const specific = fired.has('postcode') || fired.has('place_name');
  if (labels.has('bounty_offer')) {
    const actionable = fired.has('proof') || fired.has('contact') || fired.has('time') || maxGbp >= 100;
    return specific && actionable ? 'critical' : 'high';
  }
  if (labels.has('call_to_action')) {
    const dangerous = fired.has('act_fire') || fired.has('act_violence');
    return (specific && fired.has('time')) || dangerous ? 'high' : 'medium';
  }
  return 'low';
}

const ENTITY_FEATURES: Record<string, string> = { time: 'times', proof: 'proof', contact: 'contacts', crypto: 'paymentChannels' };

/** Classifies one text: pure, deterministic, no I/O. */
export function classifyWith(model: LoadedModel, text: string): Verdict {
  const segments = analyse(text).map((a) => scoreSegment(a, model));
  const labels = new Set<Label>();
  const scores: Record<Label, number> = { bounty_offer: 0, call_to_action: 0, target_info: 0, hate: 0 };
  for (const s of segments) {
    for (const label of MODEL_LABELS) {
      scores[label] = Math.max(scores[label], s.scores[label]);
      if (s.decided[label]) labels.add(label);
    }
    scores.target_info = Math.max(scores.target_info, targetScore(s.analysis.features.hits));
  }
  if (scores.target_info >= 0.6) labels.add('target_info');

  // The segments that decided a label explain the verdict; with none, the one that came closest.
  let focus = segments.filter((s) => MODEL_LABELS.some((l) => s.decided[l]));
  if (focus.length === 0) {
    const top = (s: SegmentScore) => Math.max(s.scores.bounty_offer, s.scores.call_to_action, s.scores.hate);
    focus = [segments.reduce((best, s) => (top(s) > top(best) ? s : best))];
  }

  const rationale: RationaleSpan[] = [];
  const entities = { amounts: [] as object[], targets: [] as object[], postcodeDistricts: [] as string[], places: [] as string[], times: [] as string[], proof: [] as string[], contacts: [] as string[], paymentChannels: [] as string[] };
  const fired = new Set<string>();
  let maxGbp = 0;
  for (const s of segments) {
    const { norm, features, segment, text: segText } = s.analysis;
    const toOriginal = (start: number, end: number) => {
      const o = originalSpan(norm, segText, start, end);
      return { start: segment.start + o.start, end: segment.start + o.end, text: segText.slice(o.start, o.end) };
    };
    for (const a of features.amounts) {
      if (features.hits.some((h) => h.quoted && h.start === a.start)) continue;
      entities.amounts.push({ ...toOriginal(a.start, a.end), value: a.value, currency: a.currency, gbp: a.gbp, slang: a.slang });
    }
    for (const p of features.postcodes) entities.postcodeDistricts.push(p.district);
    for (const p of features.places) entities.places.push(toOriginal(p.start, p.end).text);
    for (const h of features.hits) {
      if (h.quoted) continue;
      if (h.feature === 'target_place' || h.feature === 'target_group') entities.targets.push({ type: h.feature === 'target_place' ? 'place' : 'group', ...toOriginal(h.start, h.end) });
      const key = ENTITY_FEATURES[h.feature] as keyof typeof entities | undefined;
      if (key) (entities[key] as string[]).push(toOriginal(h.start, h.end).text);
    }
    if (!focus.includes(s)) continue;
    for (const f of features.fired) fired.add(f);
    for (const a of features.amounts) maxGbp = Math.max(maxGbp, a.gbp ?? 0);
    for (const label of MODEL_LABELS) {
      if (s.decided[label]) rationale.push({ feature: `segment:${label}`, start: segment.start, end: segment.end, text: segText });
    }
    for (const h of features.hits) rationale.push({ feature: h.quoted ? `quoted:${h.feature}` : h.feature, ...toOriginal(h.start, h.end) });
  }
  for (const key of ['postcodeDistricts', 'places', 'times', 'proof', 'contacts', 'paymentChannels'] as const) entities[key] = [...new Set(entities[key])];

  const rounded = Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Math.round(v * 1000) / 1000])) as Record<Label, number>;
  return {
    classifier: model.version,
    flagged: labels.has('bounty_offer') || labels.has('call_to_action'),
    labels: (['bounty_offer', 'call_to_action', 'target_info', 'hate'] as const).filter((l) => labels.has(l)),
    scores: rounded,
    severity: severityOf(labels, fired, maxGbp),
    rationale: rationale.sort((a, b) => a.start - b.start || a.end - b.end),
    entities: { ...entities, ...(text.length > MAX_ANALYSED_CHARS ? { truncatedAt: MAX_ANALYSED_CHARS } : {}) },
  };
}
