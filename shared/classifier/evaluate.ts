import type { Label, Verdict } from '../domain/verdict.js';
import type { Example } from './train.js';

export const EVAL_LABELS: Label[] = ['bounty_offer', 'call_to_action', 'target_info', 'hate'];

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

/** The one label that matters most in a post, for the confusion matrix. */
export const PRIMARY = ['bounty_offer', 'call_to_action', 'hate', 'none'] as const;
export type Primary = (typeof PRIMARY)[number];
const primaryOf = (labels: readonly string[]): Primary => PRIMARY.find((p) => labels.includes(p)) ?? 'none';

export interface Evaluation {
  examples: number;
  /** confusion[gold][predicted], over each example's primary label. */
  confusion: Record<Primary, Record<Primary, number>>;
  labels: Record<Label, LabelMetrics>;
  misses: Miss[];
  /** Flagged examples by kind among those that must not be flagged (reported speech, condemnation…). */
  flaggedNegativesByKind: Record<string, { total: number; flagged: number }>;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/** Per-label precision, recall and F1 of a classifier over labelled examples. Pure. */
export function evaluate(examples: Example[], predict: (text: string) => Verdict): Evaluation {
  const counts = Object.fromEntries(EVAL_LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0, tn: 0 }])) as Record<Label, { tp: number; fp: number; fn: number; tn: number }>;
  const misses: Miss[] = [];
  const confusion = Object.fromEntries(PRIMARY.map((g) => [g, Object.fromEntries(PRIMARY.map((p) => [p, 0]))])) as Evaluation['confusion'];
  const flaggedNegativesByKind: Evaluation['flaggedNegativesByKind'] = {};
  for (const e of examples) {
    const verdict = predict(e.text);
    confusion[primaryOf(e.labels)][primaryOf(verdict.labels)] += 1;
    const shouldFlag = e.labels.includes('bounty_offer') || e.labels.includes('call_to_action');
    if (!shouldFlag) {
      const k = (flaggedNegativesByKind[e.kind ?? 'unlabelled'] ??= { total: 0, flagged: 0 });
      k.total += 1;
      if (verdict.flagged) k.flagged += 1;
    }
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
  const labels = Object.fromEntries(
    EVAL_LABELS.map((l) => {
      const c = counts[l];
      const precision = ratio(c.tp, c.tp + c.fp);
      const recall = ratio(c.tp, c.tp + c.fn);
      return [l, { ...c, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) }];
    }),
  ) as Record<Label, LabelMetrics>;
  return { examples: examples.length, confusion, labels, misses, flaggedNegativesByKind };
}
