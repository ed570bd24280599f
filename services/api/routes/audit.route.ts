import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../app.js';
import { listAuditAfter } from '../../../shared/repositories/audit.repository.js';

export const auditRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: { limit: number; afterId: number } }>(
    '/audit',
    {
      config: { roles: ['auditor', 'admin'] },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
            afterId: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    at: { type: 'string' },
                    actor: { type: 'string' },
                    action: { type: 'string' },
                    entity: { type: 'string' },
                    entityId: { type: ['string', 'null'] },
                    details: { type: 'object', additionalProperties: true },
                    prevHash: { type: ['string', 'null'] },
                    hash: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const rows = await listAuditAfter(db, request.query.afterId, request.query.limit);
      return {
        entries: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: r.actor,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          details: r.details,
          prevHash: r.prev_hash,
          hash: r.hash,
        })),
      };
    },
  );
};
