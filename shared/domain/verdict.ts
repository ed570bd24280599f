import { z } from 'zod';

export const LABELS = ['bounty_offer', 'call_to_action', 'target_info', 'hate'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export type Label = (typeof LABELS)[number];
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const rationaleSpanSchema = z.object({
  feature: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
});

export const verdictSchema = z.object({
  classifier: z.string(),
  flagged: z.boolean(),
  labels: z.array(z.enum(LABELS)),
  scores: z.record(z.enum(LABELS), z.number()),
  severity: z.enum(SEVERITIES),
  rationale: z.array(rationaleSpanSchema),
  entities: z.record(z.string(), z.unknown()),
});

export type RationaleSpan = z.infer<typeof rationaleSpanSchema>;
/** What the classifier says of one post: labels, scores, and the spans that made it say so. */
export type Verdict = z.infer<typeof verdictSchema>;
