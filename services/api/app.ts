import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { configSchema, type Config } from '../../shared/config/config.schema.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';
import type { Queues } from '../../shared/queues/queues.js';
import { VIGIL_VERSION } from '../../shared/version.js';
import { installAuth, READERS, withRoles } from './auth.js';
import { BULL_BOARD_PATH, bullBoard } from './bull-board.js';
import { adminUserRoutes } from './routes/admin-users.route.js';
import { alertRoutes } from './routes/alerts.route.js';
import { auditRoutes } from './routes/audit.route.js';
import { campaignRoutes } from './routes/campaigns.route.js';
import { incidentLinkRoutes } from './routes/incident-links.route.js';
import { incidentRoutes } from './routes/incidents.route.js';
import { exportRoutes } from './routes/exports.route.js';
import { healthRoutes } from './routes/health.route.js';
import { itemRoutes } from './routes/items.route.js';
import { labelRoutes } from './routes/labels.route.js';
import { metricsRoutes } from './routes/metrics.route.js';
import { nearMissRoutes } from './routes/near-misses.route.js';
import { sessionRoutes } from './routes/session.route.js';
import { sourceRoutes } from './routes/sources.route.js';
import { watchListRoutes } from './routes/watch-list.route.js';
import { uiRoutes } from './routes/ui.route.js';
import { userRoutes } from './routes/users.route.js';
import { viewRoutes } from './routes/views.route.js';
import { AppError, codeOfStatus, replyWithError } from './app-error.js';
import { itemMediaRoutes } from './routes/item-media.route.js';
import type { MediaStore } from '../../shared/media/media-store.js';

export { BULL_BOARD_PATH } from './bull-board.js';

export interface ApiDeps {
  db: Db;
  redis: Redis;
  metrics: Metrics;
  log: Logger;
  /** Set the Secure flag on the session cookie (the service is behind TLS). */
  secureCookies?: boolean;
  /** Where the evidence signing key lives; exports answer 503 without it. */
  evidence?: { keyFile: string; keyPassphrase?: string | undefined; checkpointFile?: string };
  /** The queues, for Bull Board at /admin/queues (admins only). */
  queues?: Queues;
  /** Bull Board answers reads only (config `bullBoard.readOnly`); read-only when absent. */
  bullBoardReadOnly?: boolean;
  /** When set, /metrics needs `Authorization: Bearer <metricsToken>` (config `metrics.token`). */
  metricsToken?: string | undefined;
  /** The Redis key prefix (config `redis.prefix`): login counts and export leases live under it, shared by every API process. */
  keyPrefix: string;
  /** Config `http.requestTimeout` / `http.connectionTimeout`; the config's defaults when absent. */
  timeouts?: Pick<Config['http'], 'requestTimeout' | 'connectionTimeout'>;
  /** Config `login`: attempts per address, per account and overall. */
  login?: Config['login'];
  /** Config `exports`: evidence exports at once, per user and overall. */
  exports?: Config['exports'];
  /** Config `alerts`: where an incident linked by hand is announced; no channel when absent. */
  alerts?: Config['alerts'];
  /** Config `incidents`: the linker's window, for the reasons given with a link made by hand. */
  incidents?: Config['incidents'];
  /** Config `ingest.importDir`: where file sources added through the API may read; none when absent. */
  importDir?: string | undefined;
  /** The media store (config `media.storeDir`): flagged posts' images, for the desk and for exports. */
  media?: MediaStore;
}

/** What the routes get: the deps with the config's defaults filled in. */
export type RouteDeps = ApiDeps & Required<Pick<ApiDeps, 'login' | 'exports' | 'alerts' | 'incidents'>>;

const DEFAULTS = configSchema.parse({});

/** The OpenAPI document's header: who may call what is in docs/security.md. */
const OPENAPI: FastifyDynamicSwaggerOptions['openapi'] = {
  info: {
    title: 'Vigil API',
    version: VIGIL_VERSION,
    description:
      'Review desk, alerts, watch-list and audit log. Every route but the desk shell, login, /healthz and /metrics needs a session cookie or `Authorization: Bearer <token>`, and a role it names; who may call what is in docs/security.md.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
    },
  },
  security: [{ bearer: [] }, { session: [] }],
};

/** The routes under /api, with the config's defaults filled into their deps. */
async function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const api: RouteDeps & { prefix: string } = {
    ...deps,
    login: deps.login ?? DEFAULTS.login,
    exports: deps.exports ?? DEFAULTS.exports,
    alerts: deps.alerts ?? DEFAULTS.alerts,
    incidents: deps.incidents ?? DEFAULTS.incidents,
    prefix: '/api',
  };
  await app.register(sessionRoutes, api);
  await app.register(itemRoutes, api);
  await app.register(itemMediaRoutes, api);
  await app.register(labelRoutes, api);
  await app.register(alertRoutes, api);
  await app.register(campaignRoutes, api);
  await app.register(incidentRoutes, api);
  await app.register(incidentLinkRoutes, api);
  await app.register(nearMissRoutes, api);
  await app.register(exportRoutes, api);
  await app.register(sourceRoutes, api);
  await app.register(watchListRoutes, api);
  await app.register(auditRoutes, api);
  await app.register(userRoutes, api);
  await app.register(viewRoutes, api);
  await app.register(adminUserRoutes, api);
}

/** The HTTP service as a factory, so tests call `app.inject()` without opening a port. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the app keeps Fastify's default generics.
  const logger: FastifyBaseLogger = deps.log.child({ module: 'api' });
  const { requestTimeout, connectionTimeout } = deps.timeouts ?? DEFAULTS.http;
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    requestTimeout,
    connectionTimeout,
    // Node enforces request deadlines on a timer (every 30 s by default): check at a quarter of the deadline
    // so a slow client is cut off close to it. Headers get no longer than the whole request.
    http: {
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(requestTimeout / 4)),
    },
  });

  installResponses(app);

  await app.register(cookie);
  // Before any route, so it sees each one (the route table); after the cookie parser, which it reads.
  installAuth(app, deps.db);
  // Only login is limited (services/api/login-throttle.ts); counts live in Redis, shared by every API process.
  await app.register(rateLimit, { global: false, redis: deps.redis, nameSpace: `${deps.keyPrefix}:ratelimit:` });
  await app.register(swagger, { openapi: OPENAPI });
  await app.register(withRoles(READERS, swaggerUi, { routePrefix: '/docs' }));

  await app.register(healthRoutes, deps);
  await app.register(metricsRoutes, deps);
  await registerApiRoutes(app, deps);
  await app.register(uiRoutes, deps);
  if (deps.queues)
    await app.register(bullBoard({ db: deps.db, queues: deps.queues, readOnly: deps.bullBoardReadOnly ?? true }), {
      prefix: BULL_BOARD_PATH,
    });
  return app;
}

/** Headers every answer carries, and the one shape of error answers. */
function installResponses(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    // Post text is attacker-controlled: never let a browser sniff an answer into something else.
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // By the matched route, not the raw URL: the docs and the board bring their own pages and scripts.
    const route = request.routeOptions.url ?? '';
    if (!route.startsWith('/docs') && !route.startsWith(BULL_BOARD_PATH) && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  });

  // Error answers: AppError's code and message, a status-only error's code, never a 5xx's details.
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    if (err instanceof AppError) return replyWithError(reply, request, err);
    const status = err.statusCode ?? 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    return replyWithError(
      reply,
      request,
      new AppError(codeOfStatus(status), status >= 500 ? 'internal error' : err.message),
    );
  });
  app.setNotFoundHandler((request) => {
    throw new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
