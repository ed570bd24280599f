import type { FastifyPluginAsync } from 'fastify';
import {
  NEAR_MISS_DECISIONS,
  NEAR_MISS_REASONS,
  topFlagLabel,
  type NearMissDecision,
} from '../../../shared/domain/near-miss.js';
import { FLAG_LABELS, type FlagLabel } from '../../../shared/domain/verdict.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import {
  decideNearMiss,
  findNearMiss,
  listNearMisses,
  type NearMissQuery,
} from '../../../shared/repositories/near-miss.repository.js';
import type { ApiDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS, READERS } from '../auth.js';
import { nearMissSchema, toNearMissDto } from '../near-miss-dto.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

const noNearMiss = (id: number) => new AppError('not_found', `no near miss ${id}`);

const listSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      reason: { type: 'string', enum: NEAR_MISS_REASONS },
      language: { type: 'string', pattern: '^([a-z]{2}|und)$' },
      decided: { type: 'boolean' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        nearMisses: { type: 'array', items: nearMissSchema },
        limit: { type: 'integer' },
        offset: { type: 'integer' },
      },
    },
  },
};

const decisionSchema = {
  params: idParams,
  body: {
    type: 'object',
    required: ['decision'],
    additionalProperties: false,
    properties: {
      decision: { type: 'string', enum: NEAR_MISS_DECISIONS },
      label: { type: 'string', enum: FLAG_LABELS },
      reason: { type: 'string', maxLength: 2000 },
    },
  },
  response: { 200: nearMissSchema },
};

/** Near misses and uncovered-language samples: analysts call each one, and `vigil train` learns from the calls. */
export const nearMissRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, queues }) => {
  app.get<{ Querystring: NearMissQuery }>(
    '/near-misses',
    {
      config: { roles: READERS },
      schema: listSchema,
    },
    async (request) => ({
      nearMisses: (await listNearMisses(db, request.query)).map(toNearMissDto),
      limit: request.query.limit,
      offset: request.query.offset,
    }),
  );

  app.post<{ Params: { id: number }; Body: { decision: NearMissDecision; label?: FlagLabel; reason?: string } }>(
    '/near-misses/:id/decision',
    {
      config: { roles: DECIDERS },
      schema: decisionSchema,
    },
    async (request) => {
      const { id } = request.params;
      const { decision, reason } = request.body;
      if (decision === 'not' && request.body.label)
        throw new AppError('bad_request', "a 'not' decision takes no label");
      const row = await findNearMiss(db, id);
      if (!row) throw noNearMiss(id);
      const label = decision === 'incitement' ? (request.body.label ?? topFlagLabel(row.scores)) : null;
      const done = await db.transaction().execute(async (trx) => {
        // Retention may have deleted the row since it was read.
        if (
          !(await decideNearMiss(trx, id, {
            decision,
            label,
            userId: request.user!.id,
            reason: reason?.trim() || null,
          }))
        )
          return false;
        await appendAudit(trx, {
          ...actorOf(request),
          action: `near_miss.${decision}`,
          entity: 'near_miss',
          entityId: String(id),
          details: { ...(label ? { label } : {}), ...(reason ? { reason } : {}) },
        });
        return true;
      });
      if (!done) throw noNearMiss(id);
      await requestAuditCheckpoint(queues, request);
      return toNearMissDto((await findNearMiss(db, id))!);
    },
  );
};
