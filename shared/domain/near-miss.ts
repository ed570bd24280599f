import { z } from 'zod';
import { capturedPostSchema } from './post.js';
import { FLAG_LABELS, verdictSchema, type FlagLabel } from './verdict.js';

/** Why an unflagged post was kept: it scored just under a flag threshold, or its language is one the classifier cannot read. */
export const NEAR_MISS_REASONS = ['near_miss', 'uncovered_language'] as const;
export type NearMissReason = (typeof NEAR_MISS_REASONS)[number];

/** An analyst's call on a kept post; 'incitement' carries one of the flag labels. */
export const NEAR_MISS_DECISIONS = ['incitement', 'not'] as const;
export type NearMissDecision = (typeof NEAR_MISS_DECISIONS)[number];

/**
 * What travels to be kept: only the fields the near-miss table stores. The raw bytes and capture
 * metadata stay behind, since an unflagged post is not evidence.
 */
export const keptPostSchema = z.object({
  reason: z.enum(NEAR_MISS_REASONS),
  post: capturedPostSchema.pick({
    key: true,
    source: true,
    platform: true,
    channel: true,
    externalId: true,
    url: true,
    publishedAt: true,
    text: true,
  }),
  verdict: verdictSchema.pick({ classifier: true, labels: true, scores: true, language: true }),
});
export type KeptPost = z.infer<typeof keptPostSchema>;

/** A language code fit for a metric label and a filter: ISO 639-1, else 'und', so a faulty classifier cannot blow up cardinality. */
export const languageOf = (language: string): string => (/^[a-z]{2}$/.test(language) ? language : 'und');

/** The flag label the classifier leaned to most: the default when an analyst marks a near miss as incitement. */
export function topFlagLabel(scores: Partial<Record<string, number>>): FlagLabel {
  return FLAG_LABELS.reduce((best, label) => ((scores[label] ?? 0) > (scores[best] ?? 0) ? label : best));
}
