import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { LABELS } from '../../../shared/domain/verdict.js';
import {
  campaignLabelCounts,
  findCampaign,
  listCampaigns,
  type CampaignRow,
  type LabelCounts,
} from '../../../shared/repositories/campaign.repository.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { listIncidents } from '../../../shared/repositories/incident.repository.js';
import type { ReviewItem } from '../../../shared/domain/review-item.js';
import { decideCampaignItems, listItems } from '../../../shared/repositories/review-item.repository.js';
import type { ApiDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS, READERS } from '../auth.js';
import { idParams } from '../schemas.js';
import { itemSchema, toItemDto } from '../item-dto.js';
import { incidentSchema, toIncidentDto } from '../incident-dto.js';
import { AppError } from '../app-error.js';

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
    labelCounts: {
      type: 'object',
      description: 'How many of its items carry each label: its offers, calls to action, claims of an act…',
      properties: Object.fromEntries(LABELS.map((l) => [l, { type: 'integer' }])),
      required: LABELS,
    },
  },
} as const;

const toDto = (c: CampaignRow, labelCounts: LabelCounts) => ({
  id: c.id,
  firstSeenAt: c.first_seen_at.toISOString(),
  lastSeenAt: c.last_seen_at.toISOString(),
  itemCount: c.item_count,
  channels: c.channels,
  targets: c.targets,
  amounts: c.amounts,
  handles: c.handles,
  labelCounts,
});

/** The campaigns, and one with its items and linked incidents. */
function readRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Querystring: { limit: number } }>(
    '/campaigns',
    {
      config: { roles: READERS },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        },
        response: { 200: { type: 'object', properties: { campaigns: { type: 'array', items: campaignSchema } } } },
      },
    },
    async (request) => {
      const campaigns = await listCampaigns(db, request.query.limit);
      const counts = await campaignLabelCounts(
        db,
        campaigns.map((c) => c.id),
      );
      return { campaigns: campaigns.map((c) => toDto(c, counts.get(c.id)!)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/campaigns/:id',
    {
      config: { roles: READERS },
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              ...campaignSchema.properties,
              items: { type: 'array', items: itemSchema },
              incidents: { type: 'array', items: incidentSchema },
            },
          },
        },
      },
    },
    async (request) => {
      const campaign = await findCampaign(db, request.params.id);
      if (!campaign) throw new AppError('not_found', `no campaign ${request.params.id}`);
      const items: ReviewItem[] = await listItems(db, { campaignId: campaign.id, limit: 500, offset: 0 });
      // The timeline reads oldest first.
      const counts = await campaignLabelCounts(db, [campaign.id]);
      // Acts reported since, linked to it: oldest first, like the items.
      const incidents = await listIncidents(db, { campaignId: campaign.id, limit: 500, offset: 0 });
      return {
        ...toDto(campaign, counts.get(campaign.id)!),
        items: items.map(toItemDto).reverse(),
        incidents: incidents.map(toIncidentDto).reverse(),
      };
    },
  );
}

function decisionRoute(app: FastifyInstance, { db, queues }: ApiDeps): void {
  // A campaign is one offer reposted: its undecided items take one decision and one reason, each item audited on its own.
  app.post<{ Params: { id: number }; Body: { decision: 'confirm' | 'dismiss'; reason?: string } }>(
    '/campaigns/:id/decision',
    {
      config: { roles: DECIDERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['confirm', 'dismiss'] },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: { type: 'object', properties: { decided: { type: 'array', items: { type: 'integer' } } } } },
      },
    },
    async (request) => {
      const { decision } = request.body;
      const reason = request.body.reason?.trim() || null;
      if (decision === 'dismiss' && !reason) throw new AppError('bad_request', 'a dismissal needs a reason');
      if (!(await findCampaign(db, request.params.id)))
        throw new AppError('not_found', `no campaign ${request.params.id}`);
      const decided = await db.transaction().execute(async (trx) => {
        const ids = await decideCampaignItems(trx, request.params.id, decision, request.user!.id, reason);
        for (const id of ids) {
          await appendAudit(trx, {
            ...actorOf(request),
            action: `item.${decision}`,
            entity: 'review_item',
            entityId: String(id),
            details: { ...(reason ? { reason } : {}), campaignId: request.params.id },
          });
        }
        return ids;
      });
      await requestAuditCheckpoint(queues, request);
      return { decided };
    },
  );
}

export const campaignRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  readRoutes(app, deps);
  decisionRoute(app, deps);
};
