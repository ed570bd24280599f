import { createHash } from 'node:crypto';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { trainingTokens } from './analyse.js';
import { MODEL_LABELS, type BayesCounts, type ModelFile, type ModelLabel } from './model.js';

export interface Example {
  id: string;
  text: string;
  labels: string[];
  kind?: string;
}

/** Words seen in fewer training documents than this are noise to naive Bayes; feature tokens always stay. */
const MIN_DOC_FREQUENCY = 2;

export const DEFAULT_THRESHOLDS: Record<ModelLabel, number> = { bounty_offer: 0.5, call_to_action: 0.5, hate: 0.5 };

/** Tokenises the examples and drops rare words, so the vocabulary stays small and the model general. */
export function trainingDocuments(examples: Example[]): { tokens: string[]; labels: string[] }[] {
  const docs = examples.map((e) => ({ tokens: trainingTokens(e.text), labels: e.labels }));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tokens) df.set(t, (df.get(t) ?? 0) + 1);
  return docs.map((d) => ({ labels: d.labels, tokens: d.tokens.filter((t) => t.startsWith('F:') || (df.get(t) ?? 0) >= MIN_DOC_FREQUENCY) }));
}

/** Trains natural's BayesClassifier for one label, as a yes/no decision. */
export function trainBayes(docs: { tokens: string[]; labels: string[] }[], label: ModelLabel): BayesClassifier {
  const nb = new BayesClassifier();
  for (const d of docs) nb.addDocument(d.tokens, d.labels.includes(label) ? 'yes' : 'no');
  nb.train();
  return nb;
}

function countsOf(nb: BayesClassifier): BayesCounts {
  const c = nb.classifier;
  return {
    yes: c.classFeatures.yes ?? {},
    no: c.classFeatures.no ?? {},
    classTotals: { yes: c.classTotals.yes ?? 1, no: c.classTotals.no ?? 1 },
    totalExamples: c.totalExamples,
    smoothing: c.smoothing,
  };
}

/** Trains every label on the same documents and packs the counts; the version names the counts' hash. */
export function trainModel(examples: Example[], decisions = 0, thresholds = DEFAULT_THRESHOLDS, now = new Date()): ModelFile {
  const docs = trainingDocuments(examples);
  const trained = MODEL_LABELS.map((label) => [label, trainBayes(docs, label)] as const);
  const vocabulary = Object.keys(trained[0]![1].features);
  for (const [label, nb] of trained) {
    if (Object.keys(nb.features).join('\n') !== vocabulary.join('\n')) throw new Error(`vocabulary of ${label} differs from the others`);
  }
  const labels = Object.fromEntries(trained.map(([label, nb]) => [label, countsOf(nb)])) as Record<ModelLabel, BayesCounts>;
  const hash = createHash('sha256').update(JSON.stringify({ vocabulary, labels, thresholds })).digest('hex').slice(0, 12);
  return { version: `vigil-nb-1.${hash}`, createdAt: now.toISOString(), corpus: { examples: examples.length, decisions }, thresholds, vocabulary, labels };
}
