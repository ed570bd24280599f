import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCorpus, splitCorpus } from '../../../cli/corpus.js';
import { analyse, segmentLogOdds, segmentVector } from '../../../shared/classifier/analyse.js';
import { classify, CLASSIFIER_VERSION, DEFAULT_MODEL } from '../../../shared/classifier/index.js';
import { decide, HEADS, LinearScorer, type ModelFile } from '../../../shared/classifier/model.js';
import { featureId, wordId } from '../../../shared/classifier/vectorize.js';
import type { Example } from '../../../shared/classifier/train.js';

let corpus: { train: Example[]; dev: Example[] };
const shipped = JSON.parse(
  readFileSync(new URL('../../../shared/classifier/model.json', import.meta.url), 'utf8'),
) as ModelFile;
beforeAll(() => {
  corpus = splitCorpus(readCorpus());
});

describe('the labelled corpus', () => {
  it('holds distinct examples in every covered language, claims and hard negatives included', () => {
    const all = [...corpus.train, ...corpus.dev];
    expect(all.length).toBeGreaterThanOrEqual(1200);
    expect(new Set(all.map((e) => e.text)).size).toBe(all.length);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const kinds = new Set(all.map((e) => e.kind));
    for (const kind of [
      'offer',
      'call',
      'claim',
      'hate',
      'news',
      'condemnation',
      'info_reward',
      'fundraiser',
      'lawful_work',
      'lost_pet',
      'sport_marketing_fiction',
      'chatter',
      'long_news',
    ])
      expect(kinds).toContain(kind);
    const byLanguage = (lang: string) => all.filter((e) => (e.lang ?? 'en') === lang);
    for (const lang of ['fr', 'de', 'nl', 'pl', 'es']) expect(byLanguage(lang).length, lang).toBeGreaterThanOrEqual(40);
    for (const lang of ['ru', 'uk']) expect(byLanguage(lang).length, lang).toBeGreaterThanOrEqual(20);
    expect(corpus.dev.length).toBeGreaterThan(200);
  });
});

describe('the linear scorer', () => {
  const mosque = wordId('mosqu');
  const money = featureId('F:money');
  const sut = new LinearScorer(
    [mosque, money],
    { bounty_offer: [1, 2], call_to_action: [0, 0], claim: [0, 0], hate: [0, 0], flag: [0.5, 0.5] },
    { bounty_offer: -1, call_to_action: 0, claim: 0, hate: 0, flag: 0 },
  );
  const vector = (entries: [number, number][]) => ({
    ids: Int32Array.from(entries, ([id]) => id),
    values: Float64Array.from(entries, ([, v]) => v),
  });

  it('adds weight times value over the features a post has, per head, and ignores unknown ones', () => {
    const z = sut.logOdds(
      vector([
        [mosque, 0.5],
        [money, 1],
        [wordId('unknown'), 1],
      ]),
    );
    expect(Array.from(z)).toEqual([-1 + 0.5 + 2, 0, 0, 0, 0.25 + 0.5]);
    expect(sut.contribution(money, 1, 0)).toBe(2);
    expect(sut.contribution(wordId('unknown'), 1, 0)).toBe(0);
  });

  it('scores a segment with its n-grams summed word by word exactly as from the whole feature vector', () => {
    const examples = corpus.dev.slice(0, 400);
    let segments = 0;
    for (const e of examples) {
      const analysis = analyse(e.text);
      for (const s of analysis.segments) {
        const full = DEFAULT_MODEL.scorer.logOdds(segmentVector(s, analysis));
        // Twice: the second reads the remembered sums.
        for (let pass = 0; pass < 2; pass++) {
          const fast = segmentLogOdds(DEFAULT_MODEL.scorer, s, analysis);
          full.forEach((z, k) => expect(fast[k]).toBeCloseTo(z, 9));
        }
        segments += 1;
      }
    }
    expect(segments).toBeGreaterThanOrEqual(examples.length);
  });

  it('decides a label on its own head, or gives the flag head to the label closest to its cut point, with the labels that came close', () => {
    const cut = HEADS.map(() => 0);
    expect(decide([1, -2, -3, -2, -5], cut)).toEqual([true, false, false, false]);
    expect(decide([-3, -0.5, -2, 5, 1], cut)).toEqual([false, true, false, true]);
    expect(decide([0.5, -0.8, -3, -1, -1], cut)).toEqual([true, true, false, false]);
    expect(decide([-3, -0.5, -2, 5, -1], cut)).toEqual([false, false, false, true]);
  });
});

describe('the shipped model', () => {
  it('is loaded as the classifier', () => {
    expect(CLASSIFIER_VERSION).toBe(shipped.version);
    for (const h of HEADS) expect(shipped.weights[h]).toHaveLength(shipped.features.length);
  });

  it('flags none of the reported-speech, condemnation and information-reward examples, in any split', () => {
    const all = [...corpus.train, ...corpus.dev].filter((e) =>
      ['news', 'condemnation', 'long_news', 'info_reward'].includes(e.kind ?? ''),
    );
    expect(all.length).toBeGreaterThan(300);
    expect(all.filter((e) => classify(e.text).flagged).map((e) => e.id)).toEqual([]);
  });
});
