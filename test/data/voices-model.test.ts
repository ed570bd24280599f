import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readCorpus, readVoices, splitCorpus, VOICES_DIR } from '../../cli/corpus.js';
import type { ModelFile } from '../../shared/classifier/model.js';
import { trainModel } from '../../shared/classifier/train.js';

const shipped = JSON.parse(readFileSync(new URL('../../shared/classifier/model.json', import.meta.url), 'utf8')) as ModelFile;

it(`the shipped model is what training on the corpus and the voices data gives, with the same dev metrics (${VOICES_DIR()})`, () => {
  const voices = readVoices();
  if (!voices) throw new Error(`no voices data in ${VOICES_DIR()}`);
  const corpus = splitCorpus(readCorpus());
  const v = splitCorpus(voices);
  const retrained = trainModel({
    examples: [...corpus.train, ...v.train],
    dev: { 'corpus dev': corpus.dev, 'voices dev': v.dev },
    counts: { corpus: corpus.train.length, voices: v.train.length, decisions: 0, features: 0 },
  });
  expect(retrained.version).toBe(shipped.version);
  expect(retrained.metrics).toEqual(shipped.metrics);
}, 180_000);
