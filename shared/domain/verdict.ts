import { z } from 'zod';

export const LABELS = ['bounty_offer', 'call_to_action', 'claim', 'target_info', 'hate'] as const;
/** The labels that flag a post: an offer, a call, or a claim that an act was done (evidence an offer is acted on). */
export const FLAG_LABELS = ['bounty_offer', 'call_to_action', 'claim'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export type Label = (typeof LABELS)[number];
export type FlagLabel = (typeof FLAG_LABELS)[number];
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const rationaleSpanSchema = z.object({
  feature: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  /** Set when the span points into an image's text (OCR) rather than the post's: start and end count in that text. */
  image: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});

export const verdictSchema = z.object({
  classifier: z.string(),
  flagged: z.boolean(),
  labels: z.array(z.enum(LABELS)),
  scores: z.record(z.enum(LABELS), z.number()),
  severity: z.enum(SEVERITIES),
  rationale: z.array(rationaleSpanSchema),
  entities: z.record(z.string(), z.unknown()),
  /** ISO 639-1 code of the post's language, or 'und' when too short or unknown to tell. */
  language: z.string(),
  /** False when the post is in a language the classifier has no cues or training for: it is counted and sampled, never silently passed. */
  languageCovered: z.boolean(),
  /** Not flagged, but a flag label scored within the near-miss band below its threshold: kept (bounded) for analysts. */
  nearMiss: z.boolean(),
});

export type RationaleSpan = z.infer<typeof rationaleSpanSchema>;
/** What the classifier says of one post: labels, scores, and the spans that made it say so. */
export type Verdict = z.infer<typeof verdictSchema>;
