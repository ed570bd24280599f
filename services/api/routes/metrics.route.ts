import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../app.js';

export const metricsRoutes: FastifyPluginAsync<ApiDeps> = async (app, { metrics }) => {
  app.get('/metrics', { logLevel: 'warn', config: { public: true } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
};
