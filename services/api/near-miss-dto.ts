import { z } from 'zod';
import type { NearMissRow } from '../../shared/db/database.js';
import { keptPostSchema, NEAR_MISS_DECISIONS, NEAR_MISS_REASONS, topFlagLabel } from '../../shared/domain/near-miss.js';
import { FLAG_LABELS } from '../../shared/domain/verdict.js';
import { responseSchemaOf } from './schemas.js';

const moment = z.iso.datetime();

/** A near miss as the API answers it: the post and verdict fields are the ones the domain keeps. */
const nearMissViewSchema = z.object({
  id: z.number().int(),
  reason: z.enum(NEAR_MISS_REASONS),
  language: z.string(),
  createdAt: moment,
  post: keptPostSchema.shape.post.omit({ key: true }),
  classification: keptPostSchema.shape.verdict.pick({ classifier: true }).extend({
    // As stored: a label or score an older classifier gave still leaves.
    labels: z.array(z.string()),
    scores: z.record(z.string(), z.number()),
    suggestedLabel: z
      .enum(FLAG_LABELS)
      .describe("The flag label an 'incitement' decision gets when the analyst names none"),
  }),
  decision: z.enum(NEAR_MISS_DECISIONS).nullable(),
  decidedLabel: z.enum(FLAG_LABELS).nullable(),
  decidedBy: z.number().int().nullable(),
  decidedAt: moment.nullable(),
  decisionReason: z.string().nullable(),
});
type NearMissView = z.infer<typeof nearMissViewSchema>;

// The response schema is also the output filter: a column not listed here never leaves the service.
export const nearMissSchema = responseSchemaOf(nearMissViewSchema);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toNearMissDto = (r: NearMissRow): NearMissView => ({
  id: r.id,
  reason: r.reason,
  language: r.language,
  createdAt: r.created_at.toISOString(),
  post: {
    source: r.source,
    platform: r.platform,
    channel: r.channel,
    externalId: r.external_id,
    url: r.url,
    publishedAt: iso(r.published_at),
    text: r.text,
  },
  classification: {
    classifier: r.classifier_version,
    labels: r.labels,
    scores: r.scores,
    suggestedLabel: topFlagLabel(r.scores),
  },
  decision: r.decision,
  decidedLabel: r.decided_label,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  decisionReason: r.decision_reason,
});
