import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../../shared/db/client.js';
import type { Queues } from '../../shared/queues/queues.js';
import { appendAudit } from '../../shared/repositories/audit.repository.js';
import { actorOf, ADMINS, withRoles } from './auth.js';
import { AppError, replyWithError } from './app-error.js';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Board routes that write a job's payload. Jobs carry captured posts and alerts: one added here becomes a
 * "captured" post, a review item, a page to the duty officer and evidence. Open to no role, whatever the mode.
 */
const FORGING_ROUTES = new Set(['/api/queues/:queueName/add', '/api/queues/:queueName/:jobId/update-data']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Enough of a request body (a rate limit, a new schedule) to say what changed; a body is never a payload here. */
const MAX_AUDITED_BODY = 2_000;

/** `/api/queues/:queueName/:jobId/retry` → `bullboard.retry`; `/api/queues/:queueName/job-schedulers/:schedulerId/run` → `bullboard.job-schedulers.run`. */
export const boardAction = (route: string) =>
  `bullboard.${
    route
      .replace(/^\/api\//, '')
      .split('/')
      .filter((s) => s && !s.startsWith(':') && s !== 'queues')
      .join('.') || 'request'
  }`;

function auditedBody(body: unknown): unknown {
  if (body === undefined || body === null) return undefined;
  const text = JSON.stringify(body);
  return text.length <= MAX_AUDITED_BODY ? body : { truncated: text.slice(0, MAX_AUDITED_BODY) };
}

export interface BullBoardOptions {
  db: Db;
  queues: Queues;
  /** No change from the board at all (config `bullBoard.readOnly`, the default). */
  readOnly: boolean;
}

/** The board over every queue, retries and other operations allowed unless read-only. */
function boardAdapter(queues: Queues, readOnly: boolean): FastifyAdapter {
  const board = new FastifyAdapter();
  const adapters = Object.values(queues.byName).map(
    (q) => new BullMQAdapter(q, { readOnlyMode: readOnly, allowRetries: !readOnly }),
  );
  createBullBoard({
    queues: adapters,
    serverAdapter: board,
    options: { uiConfig: { boardTitle: readOnly ? 'Vigil queues (read-only)' : 'Vigil queues' } },
  });
  board.setBasePath(BULL_BOARD_PATH);
  return board;
}

/**
 * Bull Board for admins, mounted at BULL_BOARD_PATH: the queues, the failed sets (dead letters) and, when
 * not read-only, retries and other operations, each recorded in the audit log before it runs and its
 * outcome (`<action>.result`) after.
 */
export function bullBoard({ db, queues, readOnly }: BullBoardOptions): FastifyPluginAsync {
  return async (scope) => {
    const board = boardAdapter(queues, readOnly);

    const audited = new WeakMap<
      FastifyRequest,
      { actor: string; actorId: number | null; action: string; entity: string; entityId: string | null }
    >();
    const routeOf = (request: FastifyRequest) => request.routeOptions.url?.slice(BULL_BOARD_PATH.length) ?? '';
    // Its own gate besides the roles stamped on its routes: the board must not fall open if that ever changes.
    scope.addHook('onRequest', async (request, reply) => {
      if (request.user?.role !== 'admin')
        return replyWithError(reply, request, new AppError('forbidden', 'administrators only'));
    });
    scope.addHook('preHandler', async (request, reply) => {
      if (SAFE_METHODS.has(request.method)) return;
      const route = routeOf(request);
      // Already open to no role (above); checked again here, where the audit would otherwise record it as done.
      if (FORGING_ROUTES.has(route))
        return replyWithError(reply, request, new AppError('forbidden', 'jobs are not added or edited from the board'));
      // Read-only: the board refuses (405) before touching a queue, so nothing happened to audit.
      if (readOnly) return;
      const params = request.params as Record<string, string>;
      const details = {
        method: request.method,
        route,
        params,
        ...(auditedBody(request.body) === undefined ? {} : { body: auditedBody(request.body) }),
      };
      const entry = {
        ...actorOf(request),
        action: boardAction(route),
        entity: 'queue',
        entityId: params.queueName ?? null,
      };
      await db.transaction().execute((trx) => appendAudit(trx, { ...entry, details }));
      audited.set(request, entry);
    });
    // The request was recorded before it ran; its outcome follows as a second entry (the log is append-only).
    scope.addHook('onResponse', async (request, reply) => {
      const entry = audited.get(request);
      if (!entry) return;
      const outcome = reply.statusCode < 400 ? 'done' : 'failed';
      try {
        await db.transaction().execute((trx) =>
          appendAudit(trx, {
            ...entry,
            action: `${entry.action}.result`,
            details: { outcome, statusCode: reply.statusCode, requestId: request.id },
          }),
        );
      } catch (err) {
        // The answer is already sent; the request's own entry stands, and the missing outcome is logged.
        request.log.error({ err, action: entry.action }, 'bull board outcome not audited');
      }
    });
    await scope.register(
      withRoles((url) => (FORGING_ROUTES.has(url.slice(BULL_BOARD_PATH.length)) ? [] : ADMINS), board.registerPlugin()),
    );
  };
}
