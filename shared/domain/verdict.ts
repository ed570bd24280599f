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

/**
 * Where an entity was read: its words, and the offsets the classifier found them at (entities written by hand,
 * by the keyword baseline or by an older classifier may carry the words alone).
 */
const entitySpanSchema = z.object({
  text: z.string(),
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
});

export const amountEntitySchema = entitySpanSchema.extend({
  value: z.number().nullable().optional(),
  currency: z.string().optional(),
  /** The amount in pounds, when its currency has a rate. */
  gbp: z.number().nullable().optional(),
  slang: z.boolean().optional(),
});

export const targetEntitySchema = entitySpanSchema.extend({ type: z.enum(['place', 'group']).optional() });

/** What the classifier picked out of a post: stored as classification.entities, searched by the desk, quoted by alerts. */
export const entitiesSchema = z.object({
  amounts: z.array(amountEntitySchema).optional(),
  targets: z.array(targetEntitySchema).optional(),
  postcodeDistricts: z.array(z.string()).optional(),
  places: z.array(z.string()).optional(),
  times: z.array(z.string()).optional(),
  proof: z.array(z.string()).optional(),
  /** Payment and contact handles ("@payday_admin"), with those an image's QR code points at. */
  contacts: z.array(z.string()).optional(),
  paymentChannels: z.array(z.string()).optional(),
  /** What QR codes in the post's images point at. */
  qrTargets: z.array(z.string()).optional(),
  /** Set when the post was longer than the classifier reads: entities past this offset were not looked for. */
  truncatedAt: z.number().int().optional(),
});

export const verdictSchema = z.object({
  classifier: z.string(),
  flagged: z.boolean(),
  labels: z.array(z.enum(LABELS)),
  scores: z.record(z.enum(LABELS), z.number()),
  severity: z.enum(SEVERITIES),
  rationale: z.array(rationaleSpanSchema),
  entities: entitiesSchema,
  /** ISO 639-1 code of the post's language, or 'und' when too short or unknown to tell. */
  language: z.string(),
  /** False when the post is in a language the classifier has no cues or training for: it is counted and sampled, never silently passed. */
  languageCovered: z.boolean(),
  /** Not flagged, but a flag label scored within the near-miss band below its threshold: kept (bounded) for analysts. */
  nearMiss: z.boolean(),
});

export type RationaleSpan = z.infer<typeof rationaleSpanSchema>;
export type AmountEntity = z.infer<typeof amountEntitySchema>;
export type TargetEntity = z.infer<typeof targetEntitySchema>;
export type Entities = z.infer<typeof entitiesSchema>;
/** What the classifier says of one post: labels, scores, and the spans that made it say so. */
export type Verdict = z.infer<typeof verdictSchema>;
