import { FLAG_LABELS, type Label, type Verdict } from '../domain/verdict.js';
import type { Example } from './train.js';

export const EVAL_LABELS: Label[] = ['bounty_offer', 'call_to_action', 'claim', 'target_info', 'hate'];

export interface LabelMetrics {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  id: string;
  kind: string | undefined;
  label: Label;
  error: 'false_positive' | 'false_negative';
  text: string;
}

/** Flagging by language: how many posts that should be flagged were, and how many that should not were. */
export interface FlagCounts {
  positives: number;
  positivesFlagged: number;
  negatives: number;
  negativesFlagged: number;
}

/** The one label that matters most in a post, for the confusion matrix. */
export const PRIMARY = ['bounty_offer', 'call_to_action', 'claim', 'hate', 'none'] as const;
export type Primary = (typeof PRIMARY)[number];
const primaryOf = (labels: readonly string[]): Primary => PRIMARY.find((p) => labels.includes(p)) ?? 'none';

export interface Evaluation {
  examples: number;
  /** confusion[gold][predicted], over each example's primary label. */
  confusion: Record<Primary, Record<Primary, number>>;
  labels: Record<Label, LabelMetrics>;
  /** By language (`en`, `fr`…); `all` sums them. */
  flagging: Record<string, FlagCounts>;
  misses: Miss[];
  /** Flagged examples by kind among those that must not be flagged (reported speech, condemnation…). */
  flaggedNegativesByKind: Record<string, { total: number; flagged: number }>;
  /** Offers and calls not in English that were flagged, of all of them. */
  nonEnglishOfferCallRecall: number;
  /** Share of examples with no flag label that were flagged. */
  negativesFlagged: number;
}

/** What a report shows of an evaluation; also what is recorded of a model that is no longer shipped. */
export type Summary = Pick<
  Evaluation,
  'examples' | 'labels' | 'flagging' | 'nonEnglishOfferCallRecall' | 'negativesFlagged'
>;
export const summarise = ({
  examples,
  labels,
  flagging,
  nonEnglishOfferCallRecall,
  negativesFlagged,
}: Evaluation): Summary => ({ examples, labels, flagging, nonEnglishOfferCallRecall, negativesFlagged });

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
export const shouldFlag = (labels: readonly string[]): boolean => FLAG_LABELS.some((l) => labels.includes(l));

type LabelCounts = { tp: number; fp: number; fn: number; tn: number };

/** Counts one example's prediction per label, noting each miss. */
function countLabels(counts: Record<Label, LabelCounts>, misses: Miss[], e: Example, verdict: Verdict): void {
  for (const label of EVAL_LABELS) {
    const gold = e.labels.includes(label);
    const predicted = verdict.labels.includes(label);
    const c = counts[label];
    if (gold && predicted) c.tp += 1;
    else if (!gold && !predicted) c.tn += 1;
    else if (predicted) {
      c.fp += 1;
      misses.push({ id: e.id, kind: e.kind, label, error: 'false_positive', text: e.text });
    } else {
      c.fn += 1;
      misses.push({ id: e.id, kind: e.kind, label, error: 'false_negative', text: e.text });
    }
  }
}

function labelMetrics(counts: Record<Label, LabelCounts>): Record<Label, LabelMetrics> {
  return Object.fromEntries(
    EVAL_LABELS.map((l) => {
      const c = counts[l];
      const precision = ratio(c.tp, c.tp + c.fp);
      const recall = ratio(c.tp, c.tp + c.fn);
      return [
        l,
        { ...c, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) },
      ];
    }),
  ) as Record<Label, LabelMetrics>;
}

/** Per-label precision, recall and F1 of a classifier over labelled examples. Pure. */
export function evaluate(examples: Example[], predict: (text: string) => Verdict): Evaluation {
  const counts = Object.fromEntries(EVAL_LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0, tn: 0 }])) as Record<
    Label,
    LabelCounts
  >;
  const misses: Miss[] = [];
  const confusion = Object.fromEntries(
    PRIMARY.map((g) => [g, Object.fromEntries(PRIMARY.map((p) => [p, 0]))]),
  ) as Evaluation['confusion'];
  const flaggedNegativesByKind: Evaluation['flaggedNegativesByKind'] = {};
  const flagging: Record<string, FlagCounts> = {};
  let foreign = 0;
  let foreignCaught = 0;
  for (const e of examples) {
    const verdict = predict(e.text);
    if ((e.lang ?? 'en') !== 'en' && (e.labels.includes('bounty_offer') || e.labels.includes('call_to_action'))) {
      foreign += 1;
      if (verdict.flagged) foreignCaught += 1;
    }
    confusion[primaryOf(e.labels)][primaryOf(verdict.labels)] += 1;
    const positive = shouldFlag(e.labels);
    for (const lang of ['all', e.lang ?? 'en']) {
      const f = (flagging[lang] ??= { positives: 0, positivesFlagged: 0, negatives: 0, negativesFlagged: 0 });
      if (positive) {
        f.positives += 1;
        if (verdict.flagged) f.positivesFlagged += 1;
      } else {
        f.negatives += 1;
        if (verdict.flagged) f.negativesFlagged += 1;
      }
    }
    if (!positive) {
      const k = (flaggedNegativesByKind[e.kind ?? 'unlabelled'] ??= { total: 0, flagged: 0 });
      k.total += 1;
      if (verdict.flagged) k.flagged += 1;
    }
    countLabels(counts, misses, e, verdict);
  }
  const labels = labelMetrics(counts);
  const all = flagging.all ?? { negatives: 0, negativesFlagged: 0 };
  return {
    examples: examples.length,
    confusion,
    labels,
    flagging,
    misses,
    flaggedNegativesByKind,
    nonEnglishOfferCallRecall: ratio(foreignCaught, foreign),
    negativesFlagged: all.negatives === 0 ? 0 : all.negativesFlagged / all.negatives,
  };
}
