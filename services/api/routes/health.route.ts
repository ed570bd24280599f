import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../app.js';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

const checkResult = { type: 'string' } as const;
const healthBody = {
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

/**
 * 200 while Postgres and Redis answer ("degraded" if a source is failing: the others keep running),
 * 503 when either does not.
 */
export const healthRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, redis }) => {
  app.get('/healthz', { logLevel: 'warn', config: { public: true }, schema: { response: { '2xx': healthBody, '5xx': healthBody } } }, async (_request, reply) => {
    const [postgres, redisState] = await Promise.all([check(() => sql`select 1`.execute(db)), check(() => redis.ping())]);
    const sources = postgres === 'ok' ? await db.selectFrom('source').select(['name', 'kind', 'last_error', 'last_success_at', 'backoff_until']).where('enabled', '=', true).orderBy('name').execute() : [];
    const reachable = postgres === 'ok' && redisState === 'ok';
    const degraded = sources.some((s) => s.last_error !== null);
    return reply.status(reachable ? 200 : 503).send({
      status: reachable ? (degraded ? 'degraded' : 'ok') : 'unavailable',
      checks: { postgres, redis: redisState },
      sources: sources.map((s) => ({ name: s.name, kind: s.kind, healthy: s.last_error === null, lastError: s.last_error, lastSuccessAt: s.last_success_at?.toISOString() ?? null, backoffUntil: s.backoff_until?.toISOString() ?? null })),
    });
  });
};
