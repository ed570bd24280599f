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

export const healthRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, redis }) => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        response: {
          '2xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', properties: { postgres: checkResult, redis: checkResult } } } },
          '5xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', properties: { postgres: checkResult, redis: checkResult } } } },
        },
      },
    },
    async (_request, reply) => {
      const [postgres, redisState] = await Promise.all([check(() => sql`select 1`.execute(db)), check(() => redis.ping())]);
      const healthy = postgres === 'ok' && redisState === 'ok';
      return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unavailable', checks: { postgres, redis: redisState } });
    },
  );
};
