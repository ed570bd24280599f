import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { writeBundle } from '../../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../../../shared/evidence/signing-key.js';
import { exportItemIds } from '../../../shared/repositories/evidence.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, DECIDERS } from '../auth.js';

interface ExportBody {
  itemIds?: number[];
  campaignId?: number;
  recipient: string;
  purpose: string;
}

/** POST /api/exports streams a signed evidence bundle (zip); the export is recorded in the audit log first. */
export const exportRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, evidence }) => {
  app.post<{ Body: ExportBody }>(
    '/exports',
    {
      config: { roles: DECIDERS },
      schema: {
        body: {
          type: 'object',
          required: ['recipient', 'purpose'],
          additionalProperties: false,
          properties: {
            itemIds: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'integer', minimum: 1 } },
            campaignId: { type: 'integer', minimum: 1 },
            recipient: { type: 'string', minLength: 2, maxLength: 500 },
            purpose: { type: 'string', minLength: 2, maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { itemIds, campaignId, recipient, purpose } = request.body;
      if (!evidence) return reply.status(503).send({ error: 'unavailable', message: 'evidence signing is not configured on this instance', requestId: request.id });
      if ((itemIds === undefined) === (campaignId === undefined)) return reply.status(400).send({ error: 'bad_request', message: 'give itemIds or campaignId', requestId: request.id });
      const selection = campaignId !== undefined ? { campaignId } : { itemIds: itemIds! };
      if ((await exportItemIds(db, selection)).length === 0) return reply.status(404).send({ error: 'not_found', message: 'nothing to export', requestId: request.id });
      const key = loadOrCreateSigningKey(evidence.keyFile, evidence.keyPassphrase);
      const out = new PassThrough();
      const { actor, actorId } = actorOf(request);
      writeBundle(db, { ...selection, createdBy: actor, createdById: actorId, recipient, purpose }, key, out).catch((err: unknown) => {
        request.log.error({ err }, 'evidence export failed');
        out.destroy(err as Error);
      });
      return reply.type('application/zip').header('content-disposition', `attachment; filename="vigil-evidence-${new Date().toISOString().slice(0, 10)}.zip"`).send(out);
    },
  );
};
