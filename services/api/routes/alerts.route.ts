import type { FastifyPluginAsync } from 'fastify';
import { acknowledge, listAlerts } from '../../../shared/repositories/alert.repository.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, READERS, RESPONDERS } from '../auth.js';
import { AppError } from '../app-error.js';

const alertSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    reviewItemId: { type: 'integer' },
    channel: { type: 'string' },
    tier: { type: 'integer' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    sentAt: { type: ['string', 'null'] },
    acknowledgedAt: { type: ['string', 'null'] },
    acknowledgedVia: { type: ['string', 'null'] },
    severity: { type: 'string' },
    itemStatus: { type: 'string' },
    postChannel: {
      type: 'string',
      description: 'the channel the post came from (`channel` is how the alert was sent)',
    },
    postChannelTitle: { type: ['string', 'null'] },
    excerpt: { type: 'string', description: 'the first 200 characters of the post: attacker-written text' },
  },
} as const;

const toDto = (a: Awaited<ReturnType<typeof listAlerts>>[number]) => ({
  id: a.id,
  reviewItemId: a.review_item_id,
  channel: a.channel,
  tier: a.tier,
  status: a.status,
  attempts: a.attempts,
  lastError: a.last_error,
  createdAt: a.created_at.toISOString(),
  sentAt: a.sent_at?.toISOString() ?? null,
  acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
  acknowledgedVia: a.acknowledged_via,
  severity: a.severity,
  itemStatus: a.item_status,
  postChannel: a.post_channel,
  postChannelTitle: a.post_channel_title,
  excerpt: a.excerpt,
});

export const alertRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: { unacknowledged?: boolean; limit: number } }>(
    '/alerts',
    {
      config: { roles: READERS },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            unacknowledged: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: { type: 'object', properties: { alerts: { type: 'array', items: alertSchema } } } },
      },
    },
    async (request) => {
      const rows = await listAlerts(db, { unacknowledged: request.query.unacknowledged, limit: request.query.limit });
      return {
        alerts: rows.map(toDto),
      };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/alerts/:id/ack',
    {
      config: { roles: RESPONDERS },
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        response: {
          200: { type: 'object', properties: { reviewItemId: { type: 'integer' }, already: { type: 'boolean' } } },
        },
      },
    },
    async (request) => {
      const result = await db.transaction().execute(async (trx) => {
        const r = await acknowledge(trx, request.params.id, `api:${request.user!.email}`, request.user!.id);
        if (r && !r.already)
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'alert.acknowledge',
            entity: 'review_item',
            entityId: String(r.reviewItemId),
            details: { alertId: request.params.id },
          });
        return r;
      });
      if (!result) throw new AppError('not_found', `no alert ${request.params.id}`);
      return result;
    },
  );
};
