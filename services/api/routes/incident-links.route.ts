import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { incidentAlertEntries } from '../../../shared/incidents/incident-alert.js';
import { linkIncident } from '../../../shared/incidents/link.js';
import { enqueueDeliveries } from '../../../shared/queues/queues.js';
import { insertOutbox } from '../../../shared/repositories/alert.repository.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { findCampaign } from '../../../shared/repositories/campaign.repository.js';
import {
  deleteLink,
  findIncident,
  insertLinks,
  liveCampaignTargets,
} from '../../../shared/repositories/incident.repository.js';
import type { RouteDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS } from '../auth.js';
import { AppError } from '../app-error.js';

const ID = { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } as const;
const REASON = { type: 'string', minLength: 1, maxLength: 1000 } as const;

const linkSchema = {
  params: { type: 'object', properties: { id: ID }, required: ['id'] },
  body: {
    type: 'object',
    required: ['campaignId', 'reason'],
    additionalProperties: false,
    properties: { campaignId: ID, reason: REASON },
  },
  response: {
    201: {
      type: 'object',
      properties: {
        incidentId: { type: 'integer' },
        campaignId: { type: 'integer' },
        score: { type: 'integer' },
        reasons: { type: 'array', items: { type: 'string' } },
        linkedBy: { type: 'string' },
        alerts: {
          type: 'integer',
          description:
            'Alerts raised: none when the campaign has no standing offer, or the incident was announced before',
        },
      },
    },
  },
};

function linkRoute(app: FastifyInstance, { db, queues, alerts, incidents }: RouteDeps): void {
  app.post<{ Params: { id: number }; Body: { campaignId: number; reason: string } }>(
    '/incidents/:id/links',
    {
      config: { roles: DECIDERS },
      schema: linkSchema,
    },
    async (request, reply) => {
      const { id } = request.params;
      const { campaignId } = request.body;
      const reason = request.body.reason.trim();
      if (!reason) throw new AppError('bad_request', 'a link by hand needs a reason');
      const incident = await findIncident(db, id);
      if (!incident) throw new AppError('not_found', `no incident ${id}`);
      if (!(await findCampaign(db, campaignId))) throw new AppError('not_found', `no campaign ${campaignId}`);
      const linkedBy = `user:${request.user!.id}`;
      const result = await db.transaction().execute(async (trx) => {
        // The linker's own reasons, where it would have linked them too, follow the analyst's.
        const [auto] = linkIncident(
          incident,
          await liveCampaignTargets(trx, new Date(0), [campaignId]),
          incidents.linkWindowDays,
        );
        const link = {
          campaignId,
          score: auto?.score ?? 0,
          reasons: [`linked by hand: ${reason}`, ...(auto?.reasons ?? [])],
        };
        const added = await insertLinks(trx, id, [link], linkedBy);
        if (added.length === 0) return undefined;
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'incident.link',
          entity: 'incident',
          entityId: String(id),
          details: { campaignId, reason, score: link.score },
        });
        const outbox = await insertOutbox(
          trx,
          await incidentAlertEntries(
            trx,
            { id, postcodeDistrict: incident.postcodeDistrict, town: incident.town },
            added,
            alerts,
          ),
        );
        return { link, outbox };
      });
      if (!result) throw new AppError('conflict', `incident ${id} is already linked to campaign ${campaignId}`);
      if (queues) {
        // The link and its alert rows are committed; a delivery not queued now is sent by the outbox sweep.
        await enqueueDeliveries(queues, result.outbox).catch((err: unknown) =>
          request.log.warn({ err }, 'incident alert not queued'),
        );
      }
      await requestAuditCheckpoint(queues, request);
      return reply.status(201).send({ incidentId: id, ...result.link, linkedBy, alerts: result.outbox.length });
    },
  );
}

function unlinkRoute(app: FastifyInstance, { db, queues }: RouteDeps): void {
  app.delete<{ Params: { id: number; campaignId: number }; Body: { reason: string } }>(
    '/incidents/:id/links/:campaignId',
    {
      config: { roles: DECIDERS },
      schema: {
        params: { type: 'object', properties: { id: ID, campaignId: ID }, required: ['id', 'campaignId'] },
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: REASON } },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const { id, campaignId } = request.params;
      const reason = request.body.reason.trim();
      if (!reason) throw new AppError('bad_request', 'taking a link away needs a reason');
      const removed = await db.transaction().execute(async (trx) => {
        const link = await deleteLink(trx, id, campaignId);
        if (link)
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'incident.unlink',
            entity: 'incident',
            entityId: String(id),
            details: {
              campaignId,
              reason,
              was: { score: link.score, reasons: link.reasons, linkedBy: link.linked_by },
            },
          });
        return link;
      });
      if (!removed) throw new AppError('not_found', `incident ${id} is not linked to campaign ${campaignId}`);
      await requestAuditCheckpoint(queues, request);
      return reply.status(204).send();
    },
  );
}

/**
 * An analyst's judgement over the linker's: an incident linked to a campaign by hand, or a link taken away,
 * each with a reason in the audit log. A link by hand to a live campaign raises the incident's alert as an
 * automatic one does, once per incident; taking a link away keeps the incident and its report.
 */
export const incidentLinkRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  linkRoute(app, deps);
  unlinkRoute(app, deps);
};
