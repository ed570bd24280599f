import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Example } from '../shared/classifier/train.js';
import { packageRoot } from '../shared/paths.js';

export const CORPUS_FILE = () => join(packageRoot(), 'data', 'corpus', 'vigil-corpus.jsonl');
/** Where outside labelled data sits beside a checkout; read at training and evaluation time, never copied in. */
export const VOICES_DIR = () => resolve(packageRoot(), '..', 'shared', 'data', 'voices');

export function readCorpus(file = CORPUS_FILE()): Example[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const e = JSON.parse(line) as Example;
      if (typeof e.id !== 'string' || typeof e.text !== 'string' || !Array.isArray(e.labels))
        throw new Error(`${file}:${i + 1}: expected {"id", "text", "labels"}`);
      return e;
    });
}

/**
 * The voices data (`*.jsonl` of {"id", "text", "labels", "lang", "cat"}): undefined when the folder is
 * absent, as on a contributor's clone. `cat` becomes the example's kind.
 */
export function readVoices(dir = VOICES_DIR()): Example[] | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  if (files.length === 0) return undefined;
  return files.flatMap((f) =>
    readCorpus(join(dir, f)).map((e) => {
      const { cat } = e as Example & { cat?: string };
      return { id: e.id, text: e.text, labels: e.labels, lang: e.lang ?? 'en', kind: cat ?? e.kind };
    }),
  );
}

/**
 * A fixed one-in-five dev split by a hash of the id, so adding examples never reshuffles it.
 * Long documents are always dev: they test segment scoring, and a page is not a training example.
 */
export const isDev = (e: Example): boolean =>
  e.kind?.startsWith('long_') === true || createHash('sha256').update(e.id).digest()[0]! % 5 === 0;

export function splitCorpus(examples: Example[]): { train: Example[]; dev: Example[] } {
  return { train: examples.filter((e) => !isDev(e)), dev: examples.filter(isDev) };
}
