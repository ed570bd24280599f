import type { FastifyPluginAsync } from 'fastify';
import { acknowledge } from '../../../shared/repositories/alert.repository.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, READERS, RESPONDERS } from '../auth.js';

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
  },
} as const;

export const alertRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: { unacknowledged?: boolean; limit: number } }>(
    '/alerts',
    {
      config: { roles: READERS },
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { unacknowledged: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        response: { 200: { type: 'object', properties: { alerts: { type: 'array', items: alertSchema } } } },
      },
    },
    async (request) => {
      let query = db.selectFrom('alert').selectAll().orderBy('id', 'desc').limit(request.query.limit);
      if (request.query.unacknowledged) query = query.where('acknowledged_at', 'is', null);
      const rows = await query.execute();
      return {
        alerts: rows.map((a) => ({
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
        })),
      };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/alerts/:id/ack',
    {
      config: { roles: RESPONDERS },
      schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] }, response: { 200: { type: 'object', properties: { reviewItemId: { type: 'integer' }, already: { type: 'boolean' } } } } },
    },
    async (request, reply) => {
      const result = await db.transaction().execute(async (trx) => {
        const r = await acknowledge(trx, request.params.id, `api:${request.user!.email}`, request.user!.id);
        if (r && !r.already) await appendAudit(trx, { ...actorOf(request), action: 'alert.acknowledge', entity: 'review_item', entityId: String(r.reviewItemId), details: { alertId: request.params.id } });
        return r;
      });
      if (!result) return reply.status(404).send({ error: 'not_found', message: `no alert ${request.params.id}`, requestId: request.id });
      return result;
    },
  );
};
