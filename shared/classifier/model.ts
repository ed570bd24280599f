import { charIds, FEATURE_BITS, type FeatureVector } from './vectorize.js';

/** The labels a trained model decides; `target_info` is an extraction, not a learned label. */
export const MODEL_LABELS = ['bounty_offer', 'call_to_action', 'claim', 'hate'] as const;
export type ModelLabel = (typeof MODEL_LABELS)[number];
/**
 * What the model scores: one head per label, and a `flag` head for "offer, call or claim, whichever":
 * authors disagree where an offer that urges is also a call, and the flag head learns from all of them.
 */
export const HEADS = [...MODEL_LABELS, 'flag'] as const;
export type Head = (typeof HEADS)[number];
const FLAG_HEAD = HEADS.indexOf('flag');
/** How far below its own cut point (log-odds) a label may score and still be given to a flagged post. */
const LABEL_MARGIN = 1;
const FLAG_LABEL_INDEXES = (['bounty_offer', 'call_to_action', 'claim'] as const).map((l) => MODEL_LABELS.indexOf(l));

/**
 * Which labels one segment decides, from its log-odds and each head's cut point (both in HEADS order).
 * A label decides on its own head; where only the flag head is sure, the flag label closest to its own
 * cut point is the one given.
 */
export function decide(logOdds: ArrayLike<number>, cut: ArrayLike<number>): boolean[] {
  const decided = MODEL_LABELS.map((_, i) => logOdds[i]! >= cut[i]!);
  const flagged = logOdds[FLAG_HEAD]! >= cut[FLAG_HEAD]! || FLAG_LABEL_INDEXES.some((i) => decided[i]);
  if (!flagged) return decided;
  const best = FLAG_LABEL_INDEXES.reduce((a, b) => (logOdds[b]! - cut[b]! > logOdds[a]! - cut[a]! ? b : a));
  decided[best] = true;
  // A flagged post also gets every flag label that came close: an offer that urges is read as both.
  for (const i of FLAG_LABEL_INDEXES) if (logOdds[i]! >= cut[i]! - LABEL_MARGIN) decided[i] = true;
  return decided;
}

/** Metrics recorded when the model was trained, so a retrain can be checked against them. */
export interface RecordedMetrics {
  recall: Record<string, number>;
  precision: Record<string, number>;
  nonEnglishOfferCallRecall: number;
  negativesFlagged: number;
  examples: number;
}

export interface ModelFile {
  version: string;
  createdAt: string;
  training: { corpus: number; voices: number; decisions: number; features: number };
  /** Per head, the probability at or above which it decides. */
  thresholds: Record<Head, number>;
  /** A post scoring within this many log-odds below a threshold is a near miss. */
  nearMissBand: number;
  /** The hashed ids of the features (vectorize.ts), in the order of each head's weights. */
  features: number[];
  /** weights[head][feature], rounded. */
  weights: Record<Head, number[]>;
  bias: Record<Head, number>;
  /** Dev-split metrics at training time, per split name. */
  metrics: Record<string, RecordedMetrics>;
}

/** Words whose n-gram weights are remembered (about 100 bytes each) before the memo starts again. */
const CHAR_MEMO_LIMIT = 100_000;

/** One L2-regularised logistic regression per head over the same hashed features. */
export class LinearScorer {
  /** Feature id to its row in `weights`, or -1: a table over the whole hashed space, so a lookup is one index. */
  private readonly rows = new Int32Array(1 << FEATURE_BITS).fill(-1);
  /** Row-major: row r holds one weight per head, in HEADS order. */
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;
  private readonly charMemo = new Map<string, Float64Array>();

  constructor(features: number[], weights: Record<Head, number[]>, bias: Record<Head, number>) {
    this.weights = new Float32Array(features.length * HEADS.length);
    features.forEach((id, r) => {
      this.rows[id] = r;
      HEADS.forEach((h, k) => (this.weights[r * HEADS.length + k] = weights[h][r] ?? 0));
    });
    this.bias = Float64Array.from(HEADS, (l) => bias[l]);
  }

  /** Log-odds per head, in HEADS order. */
  logOdds(x: FeatureVector): Float64Array {
    const sums = Float64Array.from(this.bias);
    const heads = HEADS.length;
    for (let i = 0; i < x.ids.length; i++) {
      const r = this.rows[x.ids[i]!]!;
      if (r < 0) continue;
      const v = x.values[i]!;
      for (let k = 0; k < heads; k++) sums[k]! += this.weights[r * heads + k]! * v;
    }
    return sums;
  }

  /**
   * Adds a word's character n-grams to `sums` at value `v` each. Their weights are summed once per word
   * and remembered: n-grams are most of a post's features, and the words of real posts repeat.
   */
  addCharWeights(sums: Float64Array, token: string, v: number): void {
    let w = this.charMemo.get(token);
    if (w === undefined) {
      w = new Float64Array(HEADS.length);
      for (const id of charIds(token)) {
        const r = this.rows[id]!;
        if (r >= 0) for (let k = 0; k < w.length; k++) w[k]! += this.weights[r * HEADS.length + k]!;
      }
      if (this.charMemo.size >= CHAR_MEMO_LIMIT) this.charMemo.clear();
      this.charMemo.set(token, w);
    }
    for (let k = 0; k < w.length; k++) sums[k]! += w[k]! * v;
  }

  /** What one feature adds to one head's log-odds at value `v`. */
  contribution(id: number, v: number, head: number): number {
    const r = this.rows[id]!;
    return r < 0 ? 0 : this.weights[r * HEADS.length + head]! * v;
  }
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const logit = (p: number): number => Math.log(p / (1 - p));

export interface LoadedModel {
  version: string;
  thresholds: Record<Head, number>;
  nearMissBand: number;
  scorer: LinearScorer;
}

export function loadModel(file: ModelFile): LoadedModel {
  return {
    version: file.version,
    thresholds: file.thresholds,
    nearMissBand: file.nearMissBand,
    scorer: new LinearScorer(file.features, file.weights, file.bias),
  };
}
