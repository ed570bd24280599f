import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';
import { healthRoutes } from './routes/health.route.js';
import { itemRoutes } from './routes/items.route.js';
import { metricsRoutes } from './routes/metrics.route.js';

export interface ApiDeps {
  db: Db;
  redis: Redis;
  metrics: Metrics;
  log: Logger;
}

/** The HTTP service as a factory, so tests call `app.inject()` without opening a port. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the app keeps Fastify's default generics.
  const logger: FastifyBaseLogger = deps.log.child({ module: 'api' });
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
  });

  app.addHook('onSend', async (_request, reply) => {
    // Post text is attacker-controlled: never let a browser sniff a JSON answer into HTML.
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('referrer-policy', 'no-referrer');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.status(status).send({ error: 'internal_error', message: 'internal error', requestId: request.id });
    }
    return reply.status(status).send({ error: err.code ?? 'bad_request', message: err.message, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: request.id }));

  await app.register(healthRoutes, deps);
  await app.register(metricsRoutes, deps);
  await app.register(itemRoutes, { ...deps, prefix: '/api' });
  return app;
}
