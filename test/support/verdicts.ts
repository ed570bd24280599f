import type { Label, Severity, Verdict } from '../../shared/domain/verdict.js';

/**
 * Verdicts built by hand, not classified: tests of what happens after classification must not hang on
 * what the classifier makes of a text (it is retrained on its own schedule).
 */
export const makeVerdict = (overrides: Partial<Verdict> = {}): Verdict => ({
  classifier: 'test-classifier-1',
  flagged: false,
  labels: [],
  scores: { bounty_offer: 0, call_to_action: 0, claim: 0, target_info: 0, hate: 0 },
  severity: 'low',
  rationale: [],
  entities: {},
  language: 'en',
  languageCovered: true,
  nearMiss: false,
  ...overrides,
});

/** A flagged verdict with these labels, each scored 0.9 (others 0.01). */
export function builtVerdict(
  labels: Label[],
  severity: Severity,
  entities: Record<string, unknown> = {},
  overrides: Partial<Verdict> = {},
): Verdict {
  const score = (l: Label) => (labels.includes(l) ? 0.9 : 0.01);
  return makeVerdict({
    flagged: true,
    labels,
    scores: {
      bounty_offer: score('bounty_offer'),
      call_to_action: score('call_to_action'),
      claim: score('claim'),
      target_info: score('target_info'),
      hate: score('hate'),
    },
    severity,
    entities,
    ...overrides,
  });
}

export const nearMissVerdict = (scores: Partial<Verdict['scores']> = { bounty_offer: 0.42 }): Verdict =>
  makeVerdict({ nearMiss: true, scores: { ...makeVerdict().scores, ...scores } });

export const uncoveredVerdict = (language: string): Verdict => makeVerdict({ language, languageCovered: false });

export const flaggedVerdict = (): Verdict =>
  makeVerdict({
    flagged: true,
    labels: ['bounty_offer'],
    severity: 'high',
    scores: { bounty_offer: 0.97, call_to_action: 0.1, claim: 0, target_info: 0.3, hate: 0.2 },
  });
