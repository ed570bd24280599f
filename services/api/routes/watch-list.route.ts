import type { FastifyPluginAsync } from 'fastify';
import { parseWatchList, watchedSources } from '../../../shared/domain/watch-list.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { importWatchedSources } from '../../../shared/repositories/watch-list.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf } from '../auth.js';

/** Skipped lines named in an answer; the count is always exact. */
const MAX_REPORTED = 100;

const importSchema = {
  body: {
    type: 'object',
    required: ['list', 'reason'],
    additionalProperties: false,
    properties: {
      list: { type: 'string', minLength: 1, maxLength: 1_500_000 },
      reason: { type: 'string', minLength: 5, maxLength: 2000 },
      priority: { type: 'integer', minimum: 1, maximum: 5 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        added: { type: 'integer' },
        updated: { type: 'integer' },
        skipped: { type: 'integer' },
        skippedLines: {
          type: 'array',
          items: { type: 'object', properties: { line: { type: 'integer' }, reason: { type: 'string' } } },
        },
      },
    },
  },
};

/**
 * A watch-list pasted in the desk (t.me links or names, one a line), as `vigil sources import` takes a file:
 * admins only, one audited transaction; the ingest processes schedule the new sources at their next resync.
 */
export const watchListRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.post<{ Body: { list: string; reason: string; priority?: number } }>(
    '/sources/import',
    {
      config: { roles: ['admin'] },
      bodyLimit: 2 * 1024 * 1024,
      schema: importSchema,
    },
    async (request) => {
      const { entries, rejects } = parseWatchList(request.body.list);
      const priority = request.body.priority ?? 1;
      const counts = await db.transaction().execute(async (trx) => {
        const c = await importWatchedSources(trx, watchedSources(entries, '1d'), priority, request.body.reason);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'sources.import',
          entity: 'source',
          entityId: 'desk',
          details: {
            reason: request.body.reason,
            priority,
            added: c.added,
            updated: c.updated,
            skipped: rejects.length,
          },
        });
        return c;
      });
      return {
        ...counts,
        skipped: rejects.length,
        skippedLines: rejects.slice(0, MAX_REPORTED).map((r) => ({ line: r.line, reason: r.reason })),
      };
    },
  );
};
