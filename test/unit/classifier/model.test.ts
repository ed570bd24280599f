import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCorpus, splitCorpus } from '../../../cli/corpus.js';
import { trainingTokens } from '../../../shared/classifier/analyse.js';
import { evaluate } from '../../../shared/classifier/evaluate.js';
import { classify, CLASSIFIER_VERSION } from '../../../shared/classifier/index.js';
import { MODEL_LABELS, SparseBayes, type ModelFile } from '../../../shared/classifier/model.js';
import { trainBayes, trainingDocuments, trainModel, type Example } from '../../../shared/classifier/train.js';

let train: Example[];
let dev: Example[];
beforeAll(() => {
  ({ train, dev } = splitCorpus(readCorpus()));
});

describe('the labelled corpus', () => {
  it('holds at least 600 distinct examples, hard negatives included', () => {
    const all = [...train, ...dev];
    expect(all.length).toBeGreaterThanOrEqual(600);
    expect(new Set(all.map((e) => e.text)).size).toBe(all.length);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const kinds = new Set(all.map((e) => e.kind));
    for (const kind of ['offer', 'call', 'hate', 'news', 'condemnation', 'info_reward', 'fundraiser', 'lawful_work', 'lost_pet', 'sport_marketing_fiction', 'chatter', 'long_news']) expect(kinds).toContain(kind);
    expect(dev.length).toBeGreaterThan(100);
  });
});

describe('the sparse scorer', () => {
  it("makes natural's decisions on every dev example, for every label", () => {
    const docs = trainingDocuments(train);
    for (const [i, label] of MODEL_LABELS.entries()) {
      const nb = trainBayes(docs, label);
      const c = nb.classifier;
      const sut = new SparseBayes(Object.keys(nb.features), MODEL_LABELS.map(() => ({ yes: c.classFeatures.yes!, no: c.classFeatures.no!, classTotals: { yes: c.classTotals.yes!, no: c.classTotals.no! }, totalExamples: c.totalExamples, smoothing: c.smoothing })));
      let compared = 0;
      for (const e of dev) {
        const tokens = trainingTokens(e.text);
        const natural = nb.classify(tokens);
        const sparse = sut.logOdds(new Set(tokens))[i]! > 0 ? 'yes' : 'no';
        expect(sparse, `${label} on ${e.id}`).toBe(natural);
        compared += 1;
      }
      expect(compared).toBe(dev.length);
    }
  });

  it('normalises in log space, so a long post does not underflow', () => {
    const long = Array.from({ length: 300 }, (_, i) => `word${i} mosque spray paint`).join(' ');
    const p = classify(long).scores;
    for (const v of Object.values(p)) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('the shipped model', () => {
  it('is what training on the corpus gives (retrain with `vigil train` after editing the corpus or features)', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../../shared/classifier/model.json', import.meta.url), 'utf8')) as ModelFile;
    const retrained = trainModel(train, 0, shipped.thresholds);
    expect(retrained.version).toBe(shipped.version);
    expect(CLASSIFIER_VERSION).toBe(shipped.version);
  });

  it('meets the targets on the dev split: bounty_offer precision and recall >= 0.95', () => {
    const result = evaluate(dev, classify);
    expect(result.labels.bounty_offer.recall).toBeGreaterThanOrEqual(0.95);
    expect(result.labels.bounty_offer.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.labels.call_to_action.recall).toBeGreaterThanOrEqual(0.9);
    expect(result.labels.call_to_action.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('flags none of the reported-speech and condemnation examples, in any split', () => {
    const all = [...train, ...dev].filter((e) => ['news', 'condemnation', 'long_news', 'info_reward'].includes(e.kind ?? ''));
    expect(all.length).toBeGreaterThan(150);
    expect(all.filter((e) => classify(e.text).flagged).map((e) => e.id)).toEqual([]);
  });
});
