import { entitiesSchema, LABELS, rationaleSpanSchema } from '../../shared/domain/verdict.js';
import type { ReviewItem } from '../../shared/domain/review-item.js';
import { AppError } from './app-error.js';
import { responseSchemaOf } from './schemas.js';

const nullableString = { type: ['string', 'null'] } as const;

// The response schema is also the output filter: a column not listed here never leaves the service.
export const itemSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    status: { type: 'string' },
    severity: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    assignedTo: { type: ['integer', 'null'] },
    decidedBy: { type: ['integer', 'null'] },
    decidedAt: nullableString,
    decisionReason: nullableString,
    campaignId: { type: ['integer', 'null'] },
    post: {
      type: 'object',
      properties: {
        platform: { type: 'string' },
        channel: { type: 'string' },
        channelTitle: nullableString,
        externalId: { type: 'string' },
        version: { type: 'integer' },
        url: nullableString,
        author: nullableString,
        publishedAt: nullableString,
        capturedAt: { type: 'string', format: 'date-time' },
        deletedAt: nullableString,
        text: { type: 'string' },
        rawSha256: { type: 'string' },
        context: {
          type: ['object', 'null'],
          properties: {
            before: {
              type: 'array',
              items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } },
            },
            after: {
              type: 'array',
              items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } },
            },
          },
        },
      },
    },
    classification: {
      type: 'object',
      properties: {
        classifier: { type: 'string' },
        // Listed for the docs only: serialising does not validate, so a label an older classifier stored still leaves.
        labels: { type: 'array', items: { type: 'string', enum: LABELS } },
        scores: {
          type: 'object',
          properties: Object.fromEntries(LABELS.map((l) => [l, { type: 'number' }])),
          additionalProperties: { type: 'number' },
        },
        // A span's `image` says it counts in that image's OCR text, not the post's.
        rationale: { type: 'array', items: responseSchemaOf(rationaleSpanSchema) },
        entities: responseSchemaOf(entitiesSchema),
      },
    },
  },
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItemDto = (r: ReviewItem) => ({
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
