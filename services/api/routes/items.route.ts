import type { FastifyPluginAsync } from 'fastify';
import { findItem, listItems, type ItemRow } from '../../../shared/repositories/review-item.repository.js';
import type { ApiDeps } from '../app.js';

const span = { type: 'object', properties: { feature: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, text: { type: 'string' } } } as const;

// The response schema is also the output filter: a column not listed here never leaves the service.
const item = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    status: { type: 'string' },
    severity: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    post: {
      type: 'object',
      properties: {
        platform: { type: 'string' },
        channel: { type: 'string' },
        channelTitle: { type: ['string', 'null'] },
        externalId: { type: 'string' },
        version: { type: 'integer' },
        url: { type: ['string', 'null'] },
        author: { type: ['string', 'null'] },
        publishedAt: { type: ['string', 'null'], format: 'date-time' },
        capturedAt: { type: 'string', format: 'date-time' },
        text: { type: 'string' },
        rawSha256: { type: 'string' },
      },
    },
    classification: {
      type: 'object',
      properties: {
        classifier: { type: 'string' },
        labels: { type: 'array', items: { type: 'string' } },
        scores: { type: 'object', additionalProperties: { type: 'number' } },
        rationale: { type: 'array', items: span },
        entities: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toDto = (r: ItemRow) => ({
  id: r.id,
  status: r.status,
  severity: r.severity,
  createdAt: r.created_at.toISOString(),
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
    text: r.text,
    rawSha256: r.raw_sha256,
  },
  classification: { classifier: r.classifier_version, labels: r.labels, scores: r.scores, rationale: r.rationale, entities: r.entities },
});

interface ListQuery {
  status?: 'new' | 'confirmed' | 'dismissed' | 'escalated';
  limit: number;
  offset: number;
}

export const itemRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: ListQuery }>(
    '/items',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['new', 'confirmed', 'dismissed', 'escalated'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: item }, limit: { type: 'integer' }, offset: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const rows = await listItems(db, request.query);
      return { items: rows.map(toDto), limit: request.query.limit, offset: request.query.offset };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/items/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } }, required: ['id'] },
        response: { 200: item },
      },
    },
    async (request, reply) => {
      const row = await findItem(db, request.params.id);
      if (!row) return reply.status(404).send({ error: 'not_found', message: `no item ${request.params.id}`, requestId: request.id });
      return toDto(row);
    },
  );
};
