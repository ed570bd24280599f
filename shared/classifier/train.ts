import { createHash } from 'node:crypto';
import { FLAG_LABELS } from '../domain/verdict.js';
import { trainingVector } from './analyse.js';
import { classifyWith } from './classify.js';
import { evaluate } from './evaluate.js';
import {
  decide,
  HEADS,
  loadModel,
  logit,
  MODEL_LABELS,
  sigmoid,
  type Head,
  type ModelFile,
  type RecordedMetrics,
} from './model.js';
import type { FeatureVector } from './vectorize.js';

export interface Example {
  id: string;
  text: string;
  labels: string[];
  kind?: string;
  /** ISO 639-1; English when absent. */
  lang?: string;
  /** How much the example counts in training (analysts' decisions count more than written examples); 1 when absent. */
  weight?: number;
}

/** An analyst's decision on a real post counts this many written examples. */
export const ANALYST_DECISION_WEIGHT = 3;

export interface TrainSettings {
  epochs: number;
  /** L2 penalty per example update. */
  l2: number;
  learningRate: number;
  folds: number;
  /**
   * The operating point, as shares of out-of-fold negatives flagged: each label head on its own, and
   * `flag` for the decision as a whole (label heads and flag head together), which sets the flag head.
   */
  falsePositiveRate: Record<Exclude<Head, 'hate'>, number>;
  nearMissBand: number;
  /** How much a positive example of a flag label counts against a negative: missing an offer costs more than a false alarm. */
  positiveWeight: number;
  seed: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 10,
  l2: 1e-4,
  learningRate: 0.2,
  folds: 5,
  falsePositiveRate: { bounty_offer: 0.006, call_to_action: 0.004, claim: 0.004, flag: 0.03 },
  nearMissBand: 1.5,
  positiveWeight: 1,
  seed: 20261130,
};

/** Features seen in fewer training documents than this are noise. */
const MIN_DOC_FREQUENCY = 2;

interface Doc {
  index: Int32Array;
  value: Float64Array;
  /** Per head in HEADS order, 1 when the example has it. */
  y: Uint8Array;
  weight: number;
  /** Has no flag label: what a threshold's false-positive rate is counted on. */
  negative: boolean;
}

interface Fitted {
  weights: Float64Array[];
  bias: Float64Array;
}

/** mulberry32: a small seeded generator, so training is reproducible bit for bit. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabularyOf(vectors: FeatureVector[]): number[] {
  const df = new Map<number, number>();
  for (const v of vectors) for (const f of new Set(v.ids)) df.set(f, (df.get(f) ?? 0) + 1);
  return [...df]
    .filter(([, n]) => n >= MIN_DOC_FREQUENCY)
    .map(([f]) => f)
    .sort((a, b) => a - b);
}

function docOf(vector: FeatureVector, e: Example, position: Map<number, number>): Doc {
  const index: number[] = [];
  const value: number[] = [];
  vector.ids.forEach((f, k) => {
    const i = position.get(f);
    if (i !== undefined) {
      index.push(i);
      value.push(vector.values[k]!);
    }
  });
  return {
    index: Int32Array.from(index),
    value: Float64Array.from(value),
    y: Uint8Array.from(HEADS, (l) =>
      (l === 'flag' ? FLAG_LABELS.some((f) => e.labels.includes(f)) : e.labels.includes(l)) ? 1 : 0,
    ),
    weight: e.weight ?? 1,
    negative: !FLAG_LABELS.some((l) => e.labels.includes(l)),
  };
}

/**
 * L2-regularised logistic regression, one per label, by AdaGrad over shuffled examples. There is no
 * maintained sparse linear-model trainer for Node; this is the textbook update, seeded so it repeats.
 */
function fit(docs: Doc[], features: number, s: TrainSettings): Fitted {
  const labels = HEADS.length;
  const weights = HEADS.map(() => new Float64Array(features));
  const squares = HEADS.map(() => new Float64Array(features));
  const bias = new Float64Array(labels);
  const biasSquares = new Float64Array(labels);
  const next = random(s.seed);
  const order = docs.map((_, i) => i);
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const d = docs[k]!;
      for (let l = 0; l < labels; l++) {
        const w = weights[l]!;
        const g2 = squares[l]!;
        let z = bias[l]!;
        for (let n = 0; n < d.index.length; n++) z += w[d.index[n]!]! * d.value[n]!;
        const g = (sigmoid(z) - d.y[l]!) * d.weight * (d.y[l] && l !== HATE ? s.positiveWeight : 1);
        for (let n = 0; n < d.index.length; n++) {
          const i = d.index[n]!;
          const grad = g * d.value[n]! + s.l2 * w[i]!;
          g2[i]! += grad * grad;
          w[i]! -= (s.learningRate * grad) / (Math.sqrt(g2[i]!) + 1e-8);
        }
        biasSquares[l]! += g * g;
        bias[l]! -= (s.learningRate * g) / (Math.sqrt(biasSquares[l]!) + 1e-8);
      }
    }
  }
  return { weights, bias };
}

function probabilities(model: Fitted, d: Doc): number[] {
  return HEADS.map((_, l) => {
    let z = model.bias[l]!;
    for (let n = 0; n < d.index.length; n++) z += model.weights[l]![d.index[n]!]! * d.value[n]!;
    return sigmoid(z);
  });
}

const HATE = HEADS.indexOf('hate');

const foldOf = (id: string, folds: number) => createHash('sha256').update(`fold:${id}`).digest()[0]! % folds;

/** The lowest threshold at which at most `rate` of these scores reach it. */
function thresholdFor(scores: number[], rate: number): number {
  const sorted = [...scores].sort((a, b) => b - a);
  const allowed = Math.floor(sorted.length * rate);
  return Math.min(0.95, Math.max(0.05, (sorted[allowed] ?? 0) + 1e-6));
}

/**
 * Thresholds from out-of-fold scores of the calibration examples: each label head flags at most its
 * share of their negatives; the flag head is then set as low as the decision as a whole allows within
 * the overall share. Hate, which pages nobody, gets the threshold with the best F1.
 */
function calibrate(oof: number[][], docs: Doc[], s: TrainSettings): Record<Head, number> {
  const thresholds = {} as Record<Head, number>;
  const negatives = docs.flatMap((d, i) => (d.negative ? [i] : []));
  const hate = HEADS.indexOf('hate');
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.1; t < 0.9; t += 0.02) {
    let tp = 0,
      fp = 0,
      fn = 0;
    docs.forEach((d, i) => {
      const p = oof[i]![hate]! >= t;
      if (p && d.y[hate]) tp++;
      else if (p) fp++;
      else if (d.y[hate]) fn++;
    });
    const f1 = (2 * tp) / (2 * tp + fp + fn || 1);
    if (f1 > best.f1) best = { t, f1 };
  }
  thresholds.hate = Math.round(best.t * 1000) / 1000;
  for (const label of ['bounty_offer', 'call_to_action', 'claim'] as const) {
    const l = HEADS.indexOf(label);
    thresholds[label] =
      Math.round(
        thresholdFor(
          negatives.map((i) => oof[i]![l]!),
          s.falsePositiveRate[label],
        ) * 10000,
      ) / 10000;
  }
  const flagHead = HEADS.indexOf('flag');
  const flagIdx = FLAG_LABELS.map((l) => MODEL_LABELS.indexOf(l));
  const flaggedShare = (t: number) => {
    const cut = HEADS.map((h) => logit(h === 'flag' ? t : thresholds[h]));
    return (
      negatives.filter((i) => decide(oof[i]!.map(logit), cut).some((d, l) => d && flagIdx.includes(l))).length /
      (negatives.length || 1)
    );
  };
  // Candidates just above each negative's flag score, highest first: the lowest that keeps within the share wins.
  let flag = 0.95;
  for (const score of negatives.map((i) => oof[i]![flagHead]!).sort((a, b) => b - a)) {
    const t = Math.min(0.95, score + 1e-6);
    if (flaggedShare(t) > s.falsePositiveRate.flag) break;
    flag = t;
  }
  thresholds.flag = Math.round(Math.max(0.05, flag) * 10000) / 10000;
  return thresholds;
}

/** The training set's own out-of-fold figures at the chosen thresholds: what settings are compared on, never the dev splits. */
function crossValidated(
  oof: number[][],
  docs: Doc[],
  examples: Example[],
  thresholds: Record<Head, number>,
): RecordedMetrics {
  const cut = HEADS.map((h) => logit(thresholds[h]));
  const decisions = oof.map((p) => decide(p.map(logit), cut));
  const flagIdx = FLAG_LABELS.map((l) => MODEL_LABELS.indexOf(l));
  const flagged = (i: number) => flagIdx.some((l) => decisions[i]![l]);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const recall: Record<string, number> = {};
  const precision: Record<string, number> = {};
  MODEL_LABELS.forEach((label, l) => {
    let tp = 0,
      fp = 0,
      fn = 0;
    docs.forEach((d, i) => {
      if (decisions[i]![l] && d.y[l]) tp++;
      else if (decisions[i]![l]) fp++;
      else if (d.y[l]) fn++;
    });
    recall[label] = round(tp / (tp + fn || 1));
    precision[label] = round(tp / (tp + fp || 1));
  });
  const negatives = docs.map((d, i) => [d, i] as const).filter(([d]) => d.negative);
  const foreign = examples
    .map((e, i) => [e, i] as const)
    .filter(
      ([e]) => (e.lang ?? 'en') !== 'en' && (e.labels.includes('bounty_offer') || e.labels.includes('call_to_action')),
    );
  return {
    recall,
    precision,
    nonEnglishOfferCallRecall: round(foreign.filter(([, i]) => flagged(i)).length / (foreign.length || 1)),
    negativesFlagged: round(negatives.filter(([, i]) => flagged(i)).length / (negatives.length || 1)),
    examples: docs.length,
  };
}

export interface TrainInput {
  examples: Example[];
  /** Labelled examples never trained on, by split name, whose metrics the model records. */
  dev: Record<string, Example[]>;
  counts: ModelFile['training'];
}

function metricsOf(examples: Example[], model: ModelFile): RecordedMetrics {
  const loaded = loadModel(model);
  const predict = (t: string) => classifyWith(loaded, t);
  const e = evaluate(examples, predict);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    recall: Object.fromEntries(MODEL_LABELS.map((l) => [l, round(e.labels[l].recall)])),
    precision: Object.fromEntries(MODEL_LABELS.map((l) => [l, round(e.labels[l].precision)])),
    nonEnglishOfferCallRecall: round(e.nonEnglishOfferCallRecall),
    negativesFlagged: round(e.negativesFlagged),
    examples: examples.length,
  };
}

/** Trains every label on the same features, sets thresholds by cross-validation, and records dev metrics. */
export function trainModel(input: TrainInput, s: TrainSettings = DEFAULT_SETTINGS, now = new Date()): ModelFile {
  const vectors = input.examples.map((e) => trainingVector(e.text));
  const features = vocabularyOf(vectors);
  const position = new Map(features.map((f, i) => [f, i]));
  const docs = input.examples.map((e, i) => docOf(vectors[i]!, e, position));

  const oof: number[][] = docs.map(() => []);
  for (let fold = 0; fold < s.folds; fold++) {
    const held = input.examples.map((e) => foldOf(e.id, s.folds) === fold);
    const model = fit(
      docs.filter((_, i) => !held[i]),
      features.length,
      s,
    );
    docs.forEach((d, i) => {
      if (held[i]) oof[i] = probabilities(model, d);
    });
  }
  const thresholds = calibrate(oof, docs, s);
  const crossValidation = crossValidated(oof, docs, input.examples, thresholds);

  const final = fit(docs, features.length, s);
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  // Features whose weights all rounded to zero carry nothing: drop them from the file.
  const keep = features.map((_, i) => final.weights.some((w) => round(w[i]!) !== 0));
  const weights = Object.fromEntries(
    HEADS.map((l, li) => [l, features.flatMap((_, i) => (keep[i] ? [round(final.weights[li]![i]!)] : []))]),
  ) as Record<Head, number[]>;
  const kept = features.filter((_, i) => keep[i]);
  const bias = Object.fromEntries(HEADS.map((l, li) => [l, round(final.bias[li]!)])) as Record<Head, number>;
  const hash = createHash('sha256')
    .update(JSON.stringify({ kept, weights, bias, thresholds }))
    .digest('hex')
    .slice(0, 12);
  const file: ModelFile = {
    version: `vigil-lr-2.${hash}`,
    createdAt: now.toISOString(),
    training: { ...input.counts, features: kept.length },
    thresholds,
    nearMissBand: s.nearMissBand,
    features: kept,
    weights,
    bias,
    metrics: { 'cross-validation': crossValidation },
  };
  for (const [name, examples] of Object.entries(input.dev))
    if (examples.length) file.metrics[name] = metricsOf(examples, file);
  return file;
}
