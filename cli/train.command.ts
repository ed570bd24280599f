import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyWith } from '../shared/classifier/classify.js';
import { evaluate } from '../shared/classifier/evaluate.js';
import { DEFAULT_MODEL } from '../shared/classifier/index.js';
import { loadModel } from '../shared/classifier/model.js';
import { trainModel, type Example } from '../shared/classifier/train.js';
import { packageRoot } from '../shared/paths.js';
import { readCorpus, splitCorpus } from './corpus.js';
import { formatEvaluation } from './eval.command.js';

export interface TrainOptions {
  /** Analysts' decisions from Postgres, or undefined when the database was not asked or not reachable. */
  decisions: Example[];
  out?: string;
}

export const MODEL_PATHS = () => [join(packageRoot(), 'shared', 'classifier', 'model.json'), join(packageRoot(), 'dist', 'shared', 'classifier', 'model.json')];

/**
 * `vigil train`: rebuilds the model from the corpus's train split plus analysts' decisions, prints the
 * dev-set metrics of the current and the new model side by side, and writes the new one.
 */
export function runTrain(opts: TrainOptions): string {
  const { train, dev } = splitCorpus(readCorpus());
  const file = trainModel([...train, ...opts.decisions], opts.decisions.length);
  const before = evaluate(dev, (t) => classifyWith(DEFAULT_MODEL, t));
  const model = loadModel(file);
  const after = evaluate(dev, (t) => classifyWith(model, t));
  const json = `${JSON.stringify(file)}\n`;
  // The source copy is what the repository ships; the dist copy lets an installed build use it without a rebuild.
  const targets = opts.out ? [opts.out] : MODEL_PATHS().filter((p, i) => i === 0 || existsSync(join(p, '..')));
  for (const target of targets) writeFileSync(target, json);
  return [
    `trained ${file.version} on ${train.length} corpus examples + ${opts.decisions.length} analyst decisions (vocabulary ${file.vocabulary.length})`,
    `dev split (${dev.length} examples): before = ${DEFAULT_MODEL.version}, after = ${file.version}`,
    formatEvaluation([{ name: 'before', result: before }, { name: 'after', result: after }], 20),
    '',
    `wrote ${targets.join(', ')}`,
    '',
  ].join('\n');
}
