import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import { redactSecrets } from '../../../shared/redact.js';
import { enabledSourceHealth } from '../../../shared/repositories/source.repository.js';
import type { ApiDeps } from '../app.js';
import { READERS } from '../auth.js';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
      ),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${redactSecrets((err as Error).message)}`;
  } finally {
    clearTimeout(timer);
  }
}

const checkResult = { type: 'string' } as const;
const summaryBody = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'] },
    checks: {
      type: 'object',
      properties: {
        postgres: { type: 'string', enum: ['ok', 'error'] },
        redis: { type: 'string', enum: ['ok', 'error'] },
      },
    },
    sources: {
      type: 'object',
      properties: {
        enabled: { type: 'integer' },
        failing: { type: 'integer' },
        hot: { type: 'integer' },
        overdue: { type: 'integer' },
      },
    },
  },
} as const;
const detailBody = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    checks: { type: 'object', properties: { postgres: checkResult, redis: checkResult } },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          kind: { type: 'string' },
          healthy: { type: 'boolean' },
          lastError: { type: ['string', 'null'] },
          lastSuccessAt: { type: ['string', 'null'] },
          backoffUntil: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

async function probe(db: ApiDeps['db'], redis: ApiDeps['redis']) {
  const [postgres, redisState] = await Promise.all([check(() => sql`select 1`.execute(db)), check(() => redis.ping())]);
  const sources = postgres === 'ok' ? await enabledSourceHealth(db) : [];
  const reachable = postgres === 'ok' && redisState === 'ok';
  const degraded = sources.some((s) => s.last_error !== null);
  return {
    httpStatus: reachable ? 200 : 503,
    status: reachable ? (degraded ? 'degraded' : 'ok') : 'unavailable',
    postgres,
    redis: redisState,
    sources,
  };
}

/** Not read successfully for over twice its planned interval (sources the revisit policy plans). */
const overdue = (s: { revisit_ms: number | null; last_success_at: Date | null; created_at: Date }) =>
  s.revisit_ms !== null && Date.now() - (s.last_success_at ?? s.created_at).getTime() > 2 * s.revisit_ms;

/**
 * 200 while Postgres and Redis answer ("degraded" if a source is failing: the others keep running),
 * 503 when either does not. `/healthz` is for load balancers and probes, unauthenticated, so it gives
 * the status and counts only; which sources are watched and how they fail (`/api/health`) needs a desk user.
 */
export const healthRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, redis }) => {
  app.get(
    '/healthz',
    { logLevel: 'warn', config: { public: true }, schema: { response: { '2xx': summaryBody, '5xx': summaryBody } } },
    async (_request, reply) => {
      const h = await probe(db, redis);
      return reply.status(h.httpStatus).send({
        status: h.status,
        checks: { postgres: h.postgres === 'ok' ? 'ok' : 'error', redis: h.redis === 'ok' ? 'ok' : 'error' },
        sources: {
          enabled: h.sources.length,
          failing: h.sources.filter((s) => s.last_error !== null).length,
          hot: h.sources.filter((s) => s.tier === 'hot').length,
          overdue: h.sources.filter(overdue).length,
        },
      });
    },
  );

  app.get(
    '/api/health',
    { logLevel: 'warn', config: { roles: READERS }, schema: { response: { '2xx': detailBody, '5xx': detailBody } } },
    async (_request, reply) => {
      const h = await probe(db, redis);
      return reply.status(h.httpStatus).send({
        status: h.status,
        checks: { postgres: h.postgres, redis: h.redis },
        // Redacted again on the way out: rows written before errors were redacted at storage.
        sources: h.sources.map((s) => ({
          name: s.name,
          kind: s.kind,
          healthy: s.last_error === null,
          lastError: s.last_error === null ? null : redactSecrets(s.last_error),
          lastSuccessAt: s.last_success_at?.toISOString() ?? null,
          backoffUntil: s.backoff_until?.toISOString() ?? null,
        })),
      });
    },
  );
};
