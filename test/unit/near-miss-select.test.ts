import { describe, expect, it } from 'vitest';
import { languageOf, topFlagLabel } from '../../shared/domain/near-miss.js';
import { selectKept } from '../../workers/classify/near-miss.select.js';
import { flaggedVerdict, makeVerdict, nearMissVerdict, uncoveredVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';

describe('what the classify worker keeps besides flagged posts', () => {
  it('keeps near misses and uncovered-language candidates, never flagged or plainly benign posts', () => {
    const sut = selectKept([
      { post: makePost('1', 'flagged'), verdict: flaggedVerdict() },
      { post: makePost('2', 'near miss'), verdict: nearMissVerdict() },
      { post: makePost('3', 'benign'), verdict: makeVerdict() },
      { post: makePost('4', 'po polsku'), verdict: uncoveredVerdict('pl') },
      { post: makePost('5', 'po polsku 2'), verdict: uncoveredVerdict('pl') },
      {
        post: makePost('6', 'flagged, uncovered'),
        verdict: { ...flaggedVerdict(), language: 'ro', languageCovered: false },
      },
      {
        post: makePost('7', 'near miss, uncovered'),
        verdict: { ...nearMissVerdict(), language: 'de', languageCovered: false },
      },
    ]);
    expect(sut.nearMisses.map((k) => [k.post.externalId, k.reason])).toEqual([
      ['2', 'near_miss'],
      ['7', 'near_miss'],
    ]);
    expect(sut.uncovered.map((k) => [k.post.externalId, k.reason, k.verdict.language])).toEqual([
      ['4', 'uncovered_language', 'pl'],
      ['5', 'uncovered_language', 'pl'],
    ]);
    // Every uncovered post is counted, flagged or not, near miss or not.
    expect(sut.uncoveredByLanguage).toEqual({ pl: 2, ro: 1, de: 1 });
  });

  it('carries only what the table stores: no raw bytes, no capture metadata, no rationale', () => {
    const post = makePost('2', 'near miss');
    const [kept] = selectKept([{ post, verdict: nearMissVerdict({ call_to_action: 0.4 }) }]).nearMisses;
    expect(kept).toEqual({
      reason: 'near_miss',
      post: {
        key: post.key,
        source: 'test',
        platform: 'telegram',
        channel: 'east_watch',
        externalId: '2',
        url: 'https://t.me/east_watch/2',
        publishedAt: '2026-11-29T20:15:00Z',
        text: 'near miss',
      },
      verdict: {
        classifier: 'test-classifier-1',
        labels: [],
        scores: { bounty_offer: 0, call_to_action: 0.4, claim: 0, target_info: 0, hate: 0 },
        language: 'en',
      },
    });
  });

  it('reduces an odd language code to "und", so a metric label cannot take arbitrary values', () => {
    expect(languageOf('pl')).toBe('pl');
    expect(languageOf('und')).toBe('und');
    expect(languageOf('x-klingon"}')).toBe('und');
    expect(selectKept([{ post: makePost('1', 'x'), verdict: uncoveredVerdict('EN-gb') }]).uncoveredByLanguage).toEqual({
      und: 1,
    });
  });

  it('suggests the flag label the classifier scored highest', () => {
    expect(topFlagLabel({ bounty_offer: 0.1, call_to_action: 0.45, claim: 0.3, hate: 0.9 })).toBe('call_to_action');
    expect(topFlagLabel({ claim: 0.2 })).toBe('claim');
    expect(topFlagLabel({})).toBe('bounty_offer');
  });
});
