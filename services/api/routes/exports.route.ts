import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { exportSelection, NothingToExport, writeBundle } from '../../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../../../shared/evidence/signing-key.js';
import type { RouteDeps } from '../app.js';
import { actorOf, DECIDERS } from '../auth.js';
import { exportSlots } from '../export-slots.js';
import { AppError } from '../app-error.js';

/** What a refused export is told to wait: bundles take seconds, so a slot is usually free by then. */
const EXPORT_RETRY_AFTER_S = 10;

interface ExportBody {
  itemIds?: number[];
  campaignId?: number;
  recipient: string;
  purpose: string;
}

const exportSchema = {
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
};

/** A slot for the user's export, or a refusal saying when to try again. */
async function takeSlot(slots: ReturnType<typeof exportSlots>, request: FastifyRequest): Promise<() => Promise<void>> {
  let release: (() => Promise<void>) | undefined;
  try {
    release = await slots.take(request.user!.id);
  } catch (err) {
    request.log.warn({ err }, 'export slots unavailable');
    throw new AppError('unavailable', 'exports are unavailable for a moment, try again');
  }
  if (!release) {
    throw new AppError('rate_limited', 'too many exports are running (yours, or on this instance); try again shortly', {
      'retry-after': String(EXPORT_RETRY_AFTER_S),
    });
  }
  return release;
}

/** POST /api/exports streams a signed evidence bundle (zip); the export is recorded in the audit log first. */
export const exportRoutes: FastifyPluginAsync<RouteDeps> = async (
  app,
  { db, evidence, redis, keyPrefix, exports, log, media },
) => {
  const slots = exportSlots(redis, keyPrefix, exports, log.child({ module: 'exports' }));

  app.post<{ Body: ExportBody }>(
    '/exports',
    {
      config: { roles: DECIDERS },
      schema: exportSchema,
    },
    async (request, reply) => {
      const { itemIds, campaignId, recipient, purpose } = request.body;
      if (!evidence) throw new AppError('unavailable', 'evidence signing is not configured on this instance');
      if ((itemIds === undefined) === (campaignId === undefined))
        throw new AppError('bad_request', 'give itemIds or campaignId');
      const selection = campaignId !== undefined ? { campaignId } : { itemIds: itemIds! };
      const release = await takeSlot(slots, request);
      try {
        try {
          await exportSelection(db, selection);
        } catch (err) {
          if (!(err instanceof NothingToExport)) throw err;
          // Every item named must exist: a bundle asked for items 1 and 999 never holds item 1 alone.
          await release();
          throw new AppError('not_found', err.message);
        }
        const key = loadOrCreateSigningKey(evidence.keyFile, evidence.keyPassphrase);
        const out = new PassThrough();
        // Closed when the bundle was read to the end, or the client went away: either way the slot is free.
        out.once('close', () => void release());
        const { actor, actorId } = actorOf(request);
        writeBundle(
          db,
          { ...selection, createdBy: actor, createdById: actorId, recipient, purpose },
          key,
          out,
          evidence.checkpointFile ? { file: evidence.checkpointFile, log: request.log } : undefined,
          media,
        ).catch((err: unknown) => {
          request.log.error({ err }, 'evidence export failed');
          out.destroy(err as Error);
        });
        return reply
          .type('application/zip')
          .header(
            'content-disposition',
            `attachment; filename="vigil-evidence-${new Date().toISOString().slice(0, 10)}.zip"`,
          )
          .send(out);
      } catch (err) {
        await release();
        throw err;
      }
    },
  );
};
