/** The labels a trained model decides; `target_info` is an extraction, not a learned label. */
export const MODEL_LABELS = ['bounty_offer', 'call_to_action', 'hate'] as const;
export type ModelLabel = (typeof MODEL_LABELS)[number];

/** One binary naive Bayes model as natural's BayesClassifier trained it: counts by vocabulary index. */
export interface BayesCounts {
  yes: Record<string, number>;
  no: Record<string, number>;
  classTotals: { yes: number; no: number };
  totalExamples: number;
  smoothing: number;
}

export interface ModelFile {
  version: string;
  createdAt: string;
  corpus: { examples: number; decisions: number };
  thresholds: Record<ModelLabel, number>;
  /** Shared by every label: all were trained on the same documents. */
  vocabulary: string[];
  labels: Record<ModelLabel, BayesCounts>;
}

/**
 * Scores with the trained counts in sparse form: only the tokens a post contains are looked up, once
 * for all labels, in log space. Natural's classify() builds a dense vector over the whole vocabulary
 * for every post and multiplies probabilities that underflow on long texts; the decisions are the same.
 */
export class SparseBayes {
  /** Per token, each label's log P(token|yes) - log P(token|no). */
  private readonly weights = new Map<string, Float64Array>();
  private readonly priors: Float64Array;

  constructor(
    vocabulary: string[],
    private readonly counts: BayesCounts[],
  ) {
    vocabulary.forEach((token, i) => {
      const w = new Float64Array(counts.length);
      counts.forEach((c, l) => {
        w[l] = Math.log((c.yes[i] || c.smoothing) / c.classTotals.yes) - Math.log((c.no[i] || c.smoothing) / c.classTotals.no);
      });
      this.weights.set(token, w);
    });
    this.priors = Float64Array.from(counts, (c) => Math.log(c.classTotals.yes / c.totalExamples) - Math.log(c.classTotals.no / c.totalExamples));
  }

  /** log P(yes | tokens) - log P(no | tokens) per label; tokens must be distinct (presence, as natural counts it). */
  logOdds(tokens: Iterable<string>): Float64Array {
    const sums = Float64Array.from(this.priors);
    for (const t of tokens) {
      const w = this.weights.get(t);
      if (w) for (let l = 0; l < sums.length; l++) sums[l]! += w[l]!;
    }
    return sums;
  }

  probabilities(tokens: Iterable<string>): number[] {
    return Array.from(this.logOdds(tokens), (x) => 1 / (1 + Math.exp(-x)));
  }
}

export interface LoadedModel {
  version: string;
  thresholds: Record<ModelLabel, number>;
  /** Scores every label of MODEL_LABELS, in that order. */
  scorer: SparseBayes;
}

export function loadModel(file: ModelFile): LoadedModel {
  return { version: file.version, thresholds: file.thresholds, scorer: new SparseBayes(file.vocabulary, MODEL_LABELS.map((l) => file.labels[l])) };
}
