import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../app.js';
import { AppError } from '../app-error.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Prometheus scrapes this without a desk account (public to the user check); with `metrics.token` set it
 * must send that token as a bearer. The series carry no source names unless `metrics.perSource` is on.
 */
export const metricsRoutes: FastifyPluginAsync<ApiDeps> = async (app, { metrics, metricsToken }) => {
  // Compared as digests: equal lengths, and no timing signal about how much of the token matched.
  const expected = metricsToken ? digest(metricsToken) : undefined;
  app.get('/metrics', { logLevel: 'warn', config: { public: true } }, async (request, reply) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw new AppError('unauthenticated', 'this needs the metrics bearer token', {
          'www-authenticate': 'Bearer realm="metrics"',
        });
      }
    }
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
};
