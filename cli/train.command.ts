import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyWith } from '../shared/classifier/classify.js';
import { evaluate, summarise, type Summary } from '../shared/classifier/evaluate.js';
import { DEFAULT_MODEL } from '../shared/classifier/index.js';
import { loadModel, type LoadedModel } from '../shared/classifier/model.js';
import { ANALYST_DECISION_WEIGHT, trainModel, type Example } from '../shared/classifier/train.js';
import { packageRoot } from '../shared/paths.js';
import { readCorpus, readVoices, splitCorpus, VOICES_DIR } from './corpus.js';
import { formatSummaries } from './eval.command.js';

export interface TrainOptions {
  /** Analysts' decisions from Postgres (items and near misses); empty when the database was not asked or not reachable. */
  decisions: Example[];
  out?: string;
  /** The voices data folder; `../shared/data/voices` beside the checkout by default. */
  dataDir?: string;
  /** Write the new model even where it is worse than the current one on a dev split. */
  force?: boolean;
}

export interface TrainResult {
  report: string;
  written: boolean;
}

export const MODEL_PATHS = () => [
  join(packageRoot(), 'shared', 'classifier', 'model.json'),
  join(packageRoot(), 'dist', 'shared', 'classifier', 'model.json'),
];

/** A new model may lose at most this much recall of a flag label, or flag this much more of the negatives, on any dev split. */
export const REGRESSION_MARGIN = { recall: 0.03, negativesFlagged: 0.01 };

function regressions(split: string, before: Summary, after: Summary): string[] {
  const out: string[] = [];
  for (const label of ['bounty_offer', 'call_to_action', 'claim'] as const) {
    const b = before.labels[label].recall;
    const a = after.labels[label].recall;
    if (b - a > REGRESSION_MARGIN.recall) out.push(`${split}: ${label} recall ${b.toFixed(3)} -> ${a.toFixed(3)}`);
  }
  if (after.negativesFlagged - before.negativesFlagged > REGRESSION_MARGIN.negativesFlagged) {
    out.push(
      `${split}: negatives flagged ${before.negativesFlagged.toFixed(3)} -> ${after.negativesFlagged.toFixed(3)}`,
    );
  }
  return out;
}

const summaryOf = (model: LoadedModel, examples: Example[]) =>
  summarise(evaluate(examples, (t) => classifyWith(model, t)));

/**
 * `vigil train`: rebuilds the model from the corpus's train split, the voices data's train split and
 * analysts' decisions; prints both dev splits before and after; writes the new model unless it is worse
 * than the current one on either split by more than REGRESSION_MARGIN (or `force`).
 */
export function runTrain(opts: TrainOptions): TrainResult {
  const corpus = splitCorpus(readCorpus());
  const dir = opts.dataDir ?? VOICES_DIR();
  const voices = readVoices(dir);
  const notes: string[] = [];
  if (!voices)
    notes.push(
      `voices data not found at ${dir}: training on the corpus${opts.decisions.length ? ' and decisions' : ''} alone`,
    );
  const decisions = opts.decisions.map((d) => ({ ...d, weight: ANALYST_DECISION_WEIGHT }));
  const voiceSplit = voices ? splitCorpus(voices) : { train: [], dev: [] };
  const dev: Record<string, Example[]> = {
    'corpus dev': corpus.dev,
    ...(voices ? { 'voices dev': voiceSplit.dev } : {}),
  };
  const file = trainModel({
    examples: [...corpus.train, ...voiceSplit.train, ...decisions],
    dev,
    counts: { corpus: corpus.train.length, voices: voiceSplit.train.length, decisions: decisions.length, features: 0 },
  });
  const model = loadModel(file);
  const comparison = Object.entries(dev).map(([split, examples]) => ({
    split,
    before: summaryOf(DEFAULT_MODEL, examples),
    after: summaryOf(model, examples),
  }));
  const worse = comparison.flatMap((c) => regressions(c.split, c.before, c.after));
  const written = worse.length === 0 || opts.force === true;
  // The source copy is what the repository ships; the dist copy lets an installed build use it without a rebuild.
  const targets = opts.out ? [opts.out] : MODEL_PATHS().filter((p, i) => i === 0 || existsSync(join(p, '..')));
  if (written) for (const target of targets) writeFileSync(target, `${JSON.stringify(file)}\n`);
  return {
    written,
    report: [
      ...notes,
      `trained ${file.version} on ${corpus.train.length} corpus + ${voiceSplit.train.length} voices examples + ${decisions.length} analyst decisions (${file.training.features} features)`,
      `thresholds ${JSON.stringify(file.thresholds)}`,
      ...comparison.map((c) =>
        formatSummaries(`${c.split} (${c.before.examples} examples)`, [
          { name: `before ${DEFAULT_MODEL.version}`, summary: c.before },
          { name: `after ${file.version}`, summary: c.after },
        ]),
      ),
      '',
      worse.length
        ? `worse than the current model by more than the margin (${JSON.stringify(REGRESSION_MARGIN)}):\n  ${worse.join('\n  ')}`
        : 'no regression beyond the margin on any dev split',
      written ? `wrote ${targets.join(', ')}` : 'not written: pass --force to write it anyway',
      '',
    ].join('\n'),
  };
}
