import { classifyByKeywords } from '../shared/classifier/keyword-baseline.js';
import { classify, CLASSIFIER_VERSION } from '../shared/classifier/index.js';
import { EVAL_LABELS, evaluate, PRIMARY, type Evaluation } from '../shared/classifier/evaluate.js';
import type { Example } from '../shared/classifier/train.js';
import { readCorpus, splitCorpus } from './corpus.js';

const pct = (x: number) => x.toFixed(3);

/** Renders one or two evaluations side by side as plain text tables. */
export function formatEvaluation(columns: { name: string; result: Evaluation }[], maxMisses = 40): string {
  const lines: string[] = [];
  lines.push(`examples: ${columns[0]!.result.examples}`, '');
  lines.push(['label'.padEnd(16), ...columns.map((c) => `${c.name}: P      R      F1     TP   FP   FN   TN`.padEnd(62))].join(''));
  for (const label of EVAL_LABELS) {
    const cells = columns.map((c) => {
      const m = c.result.labels[label];
      return `${' '.repeat(c.name.length + 2)}${pct(m.precision)}  ${pct(m.recall)}  ${pct(m.f1)}  ${String(m.tp).padEnd(4)} ${String(m.fp).padEnd(4)} ${String(m.fn).padEnd(4)} ${m.tn}`.padEnd(62);
    });
    lines.push([label.padEnd(16), ...cells].join(''));
  }
  for (const c of columns) {
    lines.push('', `confusion matrix of ${c.name} (rows: gold primary label, columns: predicted)`, `  ${''.padEnd(16)}${PRIMARY.map((p) => p.padEnd(16)).join('')}`);
    for (const gold of PRIMARY) lines.push(`  ${gold.padEnd(16)}${PRIMARY.map((p) => String(c.result.confusion[gold][p]).padEnd(16)).join('')}`);
  }
  lines.push('', 'flagged among examples that must not be flagged, by kind:');
  const kinds = Object.keys(columns[0]!.result.flaggedNegativesByKind).sort();
  for (const kind of kinds) {
    lines.push(`  ${kind.padEnd(26)}${columns.map((c) => { const k = c.result.flaggedNegativesByKind[kind]!; return `${c.name}: ${k.flagged}/${k.total}`.padEnd(28); }).join('')}`);
  }
  for (const c of columns) {
    lines.push('', `misclassified by ${c.name} (${c.result.misses.length}):`);
    for (const m of c.result.misses.slice(0, maxMisses)) lines.push(`  ${m.error === 'false_positive' ? 'FP' : 'FN'} ${m.label.padEnd(15)} ${m.id.padEnd(28)} ${JSON.stringify(m.text.length > 140 ? `${m.text.slice(0, 140)}…` : m.text)}`);
    if (c.result.misses.length > maxMisses) lines.push(`  … and ${c.result.misses.length - maxMisses} more`);
  }
  return lines.join('\n');
}

/** `vigil eval`: the dev split (or a given JSON Lines file) scored by the classifier and the keyword baseline. */
export function runEval(dataFile?: string): string {
  const examples: Example[] = dataFile ? readCorpus(dataFile) : splitCorpus(readCorpus()).dev;
  const header = `classifier ${CLASSIFIER_VERSION} vs keyword baseline on ${dataFile ?? 'the corpus dev split'}`;
  return `${header}\n${formatEvaluation([
    { name: 'vigil', result: evaluate(examples, classify) },
    { name: 'keywords', result: evaluate(examples, classifyByKeywords) },
  ])}\n`;
}
