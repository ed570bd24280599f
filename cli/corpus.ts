import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Example } from '../shared/classifier/train.js';
import { packageRoot } from '../shared/paths.js';

export const CORPUS_FILE = () => join(packageRoot(), 'data', 'corpus', 'vigil-corpus.jsonl');

export function readCorpus(file = CORPUS_FILE()): Example[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const e = JSON.parse(line) as Example;
      if (typeof e.id !== 'string' || typeof e.text !== 'string' || !Array.isArray(e.labels)) throw new Error(`${file}:${i + 1}: expected {"id", "text", "labels"}`);
      return e;
    });
}

/**
 * A fixed one-in-five dev split by a hash of the id, so adding examples never reshuffles it.
 * Long documents are always dev: they test segment scoring, and a page is not a training example.
 */
export const isDev = (e: Example): boolean => e.kind?.startsWith('long_') === true || createHash('sha256').update(e.id).digest()[0]! % 5 === 0;

export function splitCorpus(examples: Example[]): { train: Example[]; dev: Example[] } {
  return { train: examples.filter((e) => !isDev(e)), dev: examples.filter(isDev) };
}
