import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { classifyByKeywords } from '../shared/classifier/keyword-baseline.js';
import { classify, CLASSIFIER_VERSION } from '../shared/classifier/index.js';
import { EVAL_LABELS, evaluate, summarise, type Evaluation, type Summary } from '../shared/classifier/evaluate.js';
import type { Example } from '../shared/classifier/train.js';
import { scoreIncidents, type IncidentScores, type LabelledReport } from '../shared/incidents/evaluate-incidents.js';
import { extractIncidents } from '../shared/incidents/extract.js';
import { packageRoot } from '../shared/paths.js';
import { readCorpus, readVoices, splitCorpus, VOICES_DIR } from './corpus.js';

const f3 = (x: number) => x.toFixed(3);

/** Per-label precision/recall and per-language flagging of several models on one split, side by side. */
export function formatSummaries(title: string, columns: { name: string; summary: Summary | undefined }[]): string {
  const lines = [
    '',
    `== ${title}`,
    `  ${'label'.padEnd(16)}${columns.map((c) => c.name.slice(0, 30).padEnd(32)).join('')}`,
    `  ${''.padEnd(16)}${columns.map(() => 'P      R      TP/FP/FN'.padEnd(32)).join('')}`,
  ];
  for (const label of EVAL_LABELS) {
    // The voices and fresh sets do not label target_info: a row of false positives would only mislead.
    const gold = columns.some((c) => c.summary && c.summary.labels[label].tp + c.summary.labels[label].fn > 0);
    if (!gold) {
      lines.push(`  ${label.padEnd(16)}(not labelled in this split)`);
      continue;
    }
    const cells = columns.map((c) => {
      const m = c.summary?.labels[label];
      return (m ? `${f3(m.precision)}  ${f3(m.recall)}  ${m.tp}/${m.fp}/${m.fn}` : '-').padEnd(32);
    });
    lines.push(`  ${label.padEnd(16)}${cells.join('')}`);
  }
  lines.push(
    `  ${'non-English o+c'.padEnd(16)}${columns.map((c) => (c.summary ? `recall ${f3(c.summary.nonEnglishOfferCallRecall)}` : '-').padEnd(32)).join('')}`,
  );
  lines.push(
    `  ${'negatives'.padEnd(16)}${columns.map((c) => (c.summary ? `flagged ${f3(c.summary.negativesFlagged)}` : '-').padEnd(32)).join('')}`,
  );
  const langs = [...new Set(columns.flatMap((c) => Object.keys(c.summary?.flagging ?? {})))].sort((a, b) =>
    a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b),
  );
  lines.push(`  by language: positives flagged / negatives flagged`);
  for (const lang of langs) {
    lines.push(
      `  ${lang.padEnd(16)}${columns
        .map((c) => {
          const f = c.summary?.flagging[lang];
          return (f ? `${f.positivesFlagged}/${f.positives}  ${f.negativesFlagged}/${f.negatives}` : '-').padEnd(32);
        })
        .join('')}`,
    );
  }
  return lines.join('\n');
}

function formatMisses(result: Evaluation, max: number): string {
  const lines = [`  misclassified (${result.misses.length}):`];
  for (const m of result.misses.filter((x) => x.label !== 'target_info').slice(0, max))
    lines.push(
      `  ${m.error === 'false_positive' ? 'FP' : 'FN'} ${m.label.padEnd(15)} ${m.id.padEnd(24)} ${JSON.stringify(m.text.length > 120 ? `${m.text.slice(0, 120)}…` : m.text)}`,
    );
  return lines.join('\n');
}

/** The model Vigil shipped before this one, measured on the same splits and recorded (its code is gone). */
const PREVIOUS_METRICS = () => join(packageRoot(), 'data', 'metrics', 'vigil-nb-1.3a2a99fbb785.json');
export const FRESH_DIR = () => join(packageRoot(), 'data', 'fresh');

interface Recorded {
  version: string;
  splits: Record<string, Summary>;
}

function readPrevious(): Recorded | undefined {
  const file = PREVIOUS_METRICS();
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recorded) : undefined;
}

/**
 * Sets written after a model was frozen, by someone who saw neither it nor its data, one per file and named
 * after it (`fresh-b-2026-11-30.jsonl` is "fresh-b-2026-11-30"): never trained or tuned on, and their
 * misclassified posts are never listed, since reading them would spend the set (see data/fresh/README.md).
 */
export function readFresh(): [string, Example[]][] {
  const dir = FRESH_DIR();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => [basename(f, '.jsonl'), readCorpus(join(dir, f))]);
}

export interface EvalOptions {
  dataFile?: string;
  voicesDir?: string;
  /** How many misclassified posts of each dev split to list (none by default; fresh sets never). */
  misses?: number;
}

/**
 * `vigil eval`: the corpus dev split, the voices dev split and the fresh post-freeze set, each scored by
 * the classifier, the previous model (recorded figures) and a keyword baseline; or one given file.
 */
export function runEval(opts: EvalOptions = {}): string {
  const previous = readPrevious();
  const splits: [string, Example[]][] = [];
  const fresh = new Set<string>();
  const notes: string[] = [];
  if (opts.dataFile) splits.push([opts.dataFile, readCorpus(opts.dataFile)]);
  else {
    splits.push(['corpus dev', splitCorpus(readCorpus()).dev]);
    const voices = readVoices(opts.voicesDir ?? VOICES_DIR());
    if (voices) splits.push(['voices dev', splitCorpus(voices).dev]);
    else notes.push(`voices data not found at ${opts.voicesDir ?? VOICES_DIR()}: its dev split is skipped`);
    for (const [name, examples] of readFresh()) {
      splits.push([name, examples]);
      fresh.add(name);
    }
  }
  const out = [
    `classifier ${CLASSIFIER_VERSION}; previous model ${previous?.version ?? '(not recorded)'} as recorded in data/metrics; keyword baseline`,
    ...notes,
  ];
  for (const [name, examples] of splits) {
    const result = evaluate(examples, classify);
    out.push(
      formatSummaries(`${name} (${examples.length} examples)`, [
        { name: CLASSIFIER_VERSION, summary: summarise(result) },
        { name: `previous ${previous?.version ?? ''}`, summary: previous?.splits[name] },
        { name: 'keywords', summary: summarise(evaluate(examples, classifyByKeywords)) },
      ]),
    );
    if (opts.misses && !fresh.has(name)) out.push(formatMisses(result, opts.misses));
  }
  if (!opts.dataFile) out.push(formatIncidents());
  return `${out.join('\n')}\n`;
}

export const INCIDENT_REPORTS = () => join(packageRoot(), 'data', 'incidents', 'reports.jsonl');

/**
 * The incident extractor on labelled news paragraphs (data/incidents): the even-numbered half was read
 * while the extractor was written, the odd-numbered half only scored.
 */
function formatIncidents(): string {
  const file = INCIDENT_REPORTS();
  if (!existsSync(file)) return '';
  const reports = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledReport);
  const half = (even: boolean) => reports.filter((r) => (Number(/\d+$/.exec(r.id)?.[0]) % 2 === 0) === even);
  const row = (name: string, s: IncidentScores) =>
    `  ${name.padEnd(28)}${s.reports} reports, ${s.incidents} incidents: precision ${f3(s.precision)}  recall ${f3(s.recall)}  (${s.matched}/${s.extracted} extracted, ${s.matched}/${s.incidents} found); same act ${f3(s.actAgreement)}, same day ${f3(s.dateAgreement)}; ${s.falseReports} of ${s.negativeReports} reports without an incident gave one`;
  return [
    '',
    '== incident reports (data/incidents, matched by place)',
    row('dev half (written against)', scoreIncidents(half(true), extractIncidents)),
    row('test half (scored only)', scoreIncidents(half(false), extractIncidents)),
  ].join('\n');
}
