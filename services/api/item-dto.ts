import { z } from 'zod';
import { capturedPostSchema, postContextSchema } from '../../shared/domain/post.js';
import { REVIEW_STATUSES, type ReviewItem } from '../../shared/domain/review-item.js';
import { LABELS, verdictSchema } from '../../shared/domain/verdict.js';
import { AppError } from './app-error.js';
import { responseSchemaOf } from './schemas.js';

/** When a row was written, as the API gives it. */
const moment = z.iso.datetime();
/**
 * Stored labels and scores leave as stored: a label an older classifier gave is still the record (the enum is
 * in the description for the docs; the serializer does not validate).
 */
const storedLabels = z.array(z.string()).describe(`labels, one of ${LABELS.join(', ')}`);
const storedScores = z.record(z.string(), z.number());

/** An item as the API answers it: the post and verdict fields come from the domain's own schemas. */
const itemViewSchema = z.object({
  id: z.number().int(),
  status: z.enum(REVIEW_STATUSES),
  severity: z.string(),
  createdAt: moment,
  assignedTo: z.number().int().nullable(),
  decidedBy: z.number().int().nullable(),
  decidedAt: moment.nullable(),
  decisionReason: z.string().nullable(),
  campaignId: z.number().int().nullable(),
  post: capturedPostSchema
    .pick({
      platform: true,
      channel: true,
      channelTitle: true,
      externalId: true,
      version: true,
      url: true,
      author: true,
    })
    .extend({
      publishedAt: moment.nullable(),
      capturedAt: moment,
      deletedAt: moment.nullable(),
      text: z.string(),
      rawSha256: z.string(),
      context: postContextSchema.nullable(),
    }),
  classification: verdictSchema
    .pick({ classifier: true, rationale: true, entities: true })
    .extend({ labels: storedLabels, scores: storedScores }),
});
export type ItemView = z.infer<typeof itemViewSchema>;

// The response schema is also the output filter: a column not listed here never leaves the service.
export const itemSchema = responseSchemaOf(itemViewSchema);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItemDto = (r: ReviewItem): ItemView => ({
  id: r.id,
  status: r.status,
  severity: r.severity,
  createdAt: r.createdAt.toISOString(),
  assignedTo: r.assignedTo,
  decidedBy: r.decidedBy,
  decidedAt: iso(r.decidedAt),
  decisionReason: r.decisionReason,
  campaignId: r.campaignId,
  post: {
    platform: r.post.platform,
    channel: r.post.channel,
    channelTitle: r.post.channelTitle,
    externalId: r.post.externalId,
    version: r.post.version,
    url: r.post.url,
    author: r.post.author,
    publishedAt: iso(r.post.publishedAt),
    capturedAt: r.post.capturedAt.toISOString(),
    deletedAt: iso(r.post.deletedAt),
    text: r.post.text,
    rawSha256: r.post.rawSha256,
    context: r.post.context,
  },
  classification: {
    classifier: r.classification.classifier,
    labels: r.classification.labels,
    scores: r.classification.scores,
    rationale: r.classification.rationale,
    entities: r.classification.entities,
  },
});

export const noItem = (id: number) => new AppError('not_found', `no item ${id}`);
