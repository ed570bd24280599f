import type { FastifyPluginAsync } from 'fastify';
import { listItems, type ItemRow } from '../../../shared/repositories/review-item.repository.js';
import type { ApiDeps } from '../app.js';
import { READERS } from '../auth.js';
import { itemSchema, toItemDto } from './items.route.js';

const campaignSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    firstSeenAt: { type: 'string' },
    lastSeenAt: { type: 'string' },
    itemCount: { type: 'integer' },
    channels: { type: 'array', items: { type: 'string' } },
    targets: { type: 'array', items: { type: 'string' } },
    amounts: { type: 'array', items: { type: 'string' } },
    handles: { type: 'array', items: { type: 'string' } },
  },
} as const;

const toDto = (c: { id: number; first_seen_at: Date; last_seen_at: Date; item_count: number; channels: string[]; targets: string[]; amounts: string[]; handles: string[] }) => ({
  id: c.id,
  firstSeenAt: c.first_seen_at.toISOString(),
  lastSeenAt: c.last_seen_at.toISOString(),
  itemCount: c.item_count,
  channels: c.channels,
  targets: c.targets,
  amounts: c.amounts,
  handles: c.handles,
});

export const campaignRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get<{ Querystring: { limit: number } }>(
    '/campaigns',
    {
      config: { roles: READERS },
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
        response: { 200: { type: 'object', properties: { campaigns: { type: 'array', items: campaignSchema } } } },
      },
    },
    async (request) => ({ campaigns: (await db.selectFrom('campaign').selectAll().orderBy('last_seen_at', 'desc').limit(request.query.limit).execute()).map(toDto) }),
  );

  app.get<{ Params: { id: number } }>(
    '/campaigns/:id',
    {
      config: { roles: READERS },
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        response: { 200: { type: 'object', properties: { ...campaignSchema.properties, items: { type: 'array', items: itemSchema } } } },
      },
    },
    async (request, reply) => {
      const campaign = await db.selectFrom('campaign').selectAll().where('id', '=', request.params.id).executeTakeFirst();
      if (!campaign) return reply.status(404).send({ error: 'not_found', message: `no campaign ${request.params.id}`, requestId: request.id });
      const items: ItemRow[] = await listItems(db, { campaignId: campaign.id, limit: 500, offset: 0 });
      // The timeline reads oldest first.
      return { ...toDto(campaign), items: items.map(toItemDto).reverse() };
    },
  );
};
