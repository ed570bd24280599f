import { LABELS } from '../../shared/domain/verdict.js';
import type { ItemRow } from '../../shared/repositories/review-item.repository.js';

// `image`: the span counts in that image's OCR text, not the post's (without it the desk would mark the post text).
const span = { type: 'object', properties: { feature: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, text: { type: 'string' }, image: { type: 'object', properties: { sha256: { type: 'string' } } } } } as const;
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
            before: { type: 'array', items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } } },
            after: { type: 'array', items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } } },
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
        scores: { type: 'object', properties: Object.fromEntries(LABELS.map((l) => [l, { type: 'number' }])), additionalProperties: { type: 'number' } },
        rationale: { type: 'array', items: span },
        entities: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItemDto = (r: ItemRow) => ({
  id: r.id,
  status: r.status,
  severity: r.severity,
  createdAt: r.created_at.toISOString(),
  assignedTo: r.assigned_to,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  decisionReason: r.decision_reason,
  campaignId: r.campaign_id,
  post: {
    platform: r.platform,
    channel: r.channel,
    channelTitle: r.channel_title,
    externalId: r.external_id,
    version: r.version,
    url: r.url,
    author: r.author,
    publishedAt: iso(r.published_at),
    capturedAt: r.captured_at.toISOString(),
    deletedAt: iso(r.deleted_at),
    text: r.text,
    rawSha256: r.raw_sha256,
    context: r.context,
  },
  classification: { classifier: r.classifier_version, labels: r.labels, scores: r.scores, rationale: r.rationale, entities: r.entities },
});
