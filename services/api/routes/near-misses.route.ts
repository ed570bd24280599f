import type { FastifyPluginAsync } from 'fastify';
import type { NearMissRow } from '../../../shared/db/database.js';
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
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

const nullableString = { type: ['string', 'null'] } as const;

// The response schema is also the output filter: a column not listed here never leaves the service.
const nearMissSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    reason: { type: 'string', enum: NEAR_MISS_REASONS },
    language: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    post: {
      type: 'object',
      properties: {
        source: { type: 'string' },
        platform: { type: 'string' },
        channel: { type: 'string' },
        externalId: { type: 'string' },
        url: nullableString,
        publishedAt: nullableString,
        text: { type: 'string' },
      },
    },
    classification: {
      type: 'object',
      properties: {
        classifier: { type: 'string' },
        labels: { type: 'array', items: { type: 'string' } },
        scores: { type: 'object', additionalProperties: { type: 'number' } },
        /** The flag label an 'incitement' decision gets when the analyst names none. */
        suggestedLabel: { type: 'string', enum: FLAG_LABELS },
      },
    },
    decision: { type: ['string', 'null'], enum: [...NEAR_MISS_DECISIONS, null] },
    decidedLabel: { type: ['string', 'null'], enum: [...FLAG_LABELS, null] },
    decidedBy: { type: ['integer', 'null'] },
    decidedAt: nullableString,
    decisionReason: nullableString,
  },
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toDto = (r: NearMissRow) => ({
  id: r.id,
  reason: r.reason,
  language: r.language,
  createdAt: r.created_at.toISOString(),
  post: {
    source: r.source,
    platform: r.platform,
    channel: r.channel,
    externalId: r.external_id,
    url: r.url,
    publishedAt: iso(r.published_at),
    text: r.text,
  },
  classification: {
    classifier: r.classifier_version,
    labels: r.labels,
    scores: r.scores,
    suggestedLabel: topFlagLabel(r.scores),
  },
  decision: r.decision,
  decidedLabel: r.decided_label,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  decisionReason: r.decision_reason,
});

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
      nearMisses: (await listNearMisses(db, request.query)).map(toDto),
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
      return toDto((await findNearMiss(db, id))!);
    },
  );
};
