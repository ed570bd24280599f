import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sourceSchema } from '../../../shared/config/config.schema.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import {
  findSource,
  insertApiSource,
  listSources,
  setSourceEnabled,
} from '../../../shared/repositories/source.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { FILE_KINDS, resolveImportPath } from '../import-path.js';
import { AppError } from '../app-error.js';

const sourceDto = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    kind: { type: 'string' },
    origin: { type: 'string' },
    enabled: { type: 'boolean' },
    lastError: { type: ['string', 'null'] },
    lastSuccessAt: { type: ['string', 'null'] },
    // Coverage, for the desk's Sources page: what the revisit policy planned and how it is keeping up.
    priority: { type: 'integer' },
    watchReason: { type: ['string', 'null'] },
    tier: { type: ['string', 'null'] },
    revisitMs: { type: ['integer', 'null'] },
    postsPerHour: { type: 'number' },
  },
} as const;

function listRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.get(
    '/sources',
    {
      config: { roles: ['admin'] },
      schema: { response: { 200: { type: 'object', properties: { sources: { type: 'array', items: sourceDto } } } } },
    },
    async () => ({
      sources: (await listSources(db)).map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.kind,
        origin: s.origin,
        enabled: s.enabled,
        lastError: s.last_error,
        lastSuccessAt: s.last_success_at?.toISOString() ?? null,
        priority: s.priority,
        watchReason: s.watch_reason,
        tier: s.tier,
        revisitMs: s.revisit_ms,
        postsPerHour: Math.round(s.posts_per_hour * 100) / 100,
      })),
    }),
  );
}

function addRoute(app: FastifyInstance, { db, importDir }: ApiDeps): void {
  app.post<{ Body: { name: string; source: Record<string, unknown>; reason: string } }>(
    '/sources',
    {
      config: { roles: ['admin'] },
      schema: {
        body: {
          type: 'object',
          required: ['name', 'source', 'reason'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[\\w.@-]{1,100}$' },
            source: { type: 'object' },
            reason: { type: 'string', minLength: 5, maxLength: 2000 },
          },
        },
        response: { 201: sourceDto },
      },
    },
    async (request, reply) => {
      const parsed = sourceSchema.safeParse(request.body.source);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('bad_request', `source.${issue?.path.join('.')}: ${issue?.message}`);
      }
      const source = parsed.data;
      if (source.kind === 'file' || source.kind === 'telegram-export') {
        // An admin's account is not a shell on the host: it may point a source at the import directory only.
        const checked = await resolveImportPath(importDir, source.path);
        if (!checked.ok) throw new AppError('bad_request', `source.path: ${checked.message}`);
        source.path = checked.path;
      }
      const row = await db.transaction().execute(async (trx) => {
        const created = await insertApiSource(trx, request.body.name, source.kind, source);
        if (created)
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'source.create',
            entity: 'source',
            entityId: String(created.id),
            details: { name: created.name, kind: created.kind, reason: request.body.reason },
          });
        return created;
      });
      if (!row) throw new AppError('conflict', `a source named ${request.body.name} exists`);
      return reply.status(201).send({
        id: row.id,
        name: row.name,
        kind: row.kind,
        origin: row.origin,
        enabled: row.enabled,
        lastError: null,
        lastSuccessAt: null,
      });
    },
  );
}

function toggleRoute(app: FastifyInstance, { db, importDir }: ApiDeps): void {
  app.patch<{ Params: { id: number }; Body: { enabled: boolean; reason: string } }>(
    '/sources/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        body: {
          type: 'object',
          required: ['enabled', 'reason'],
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, reason: { type: 'string', minLength: 5, maxLength: 2000 } },
        },
        response: { 200: sourceDto },
      },
    },
    async (request) => {
      const existing = await findSource(db, request.params.id);
      if (existing?.origin === 'api' && request.body.enabled && FILE_KINDS.has(existing.kind)) {
        // Added through the API before paths were checked, or the import directory has changed since.
        const { path } = existing.config as { path?: unknown };
        const checked = await resolveImportPath(importDir, typeof path === 'string' ? path : '');
        if (!checked.ok) throw new AppError('bad_request', `source.path: ${checked.message}`);
      }
      const row = await db.transaction().execute(async (trx) => {
        const updated = await setSourceEnabled(trx, request.params.id, request.body.enabled);
        if (updated)
          await appendAudit(trx, {
            ...actorOf(request),
            action: request.body.enabled ? 'source.enable' : 'source.disable',
            entity: 'source',
            entityId: String(updated.id),
            details: { reason: request.body.reason },
          });
        return updated;
      });
      if (!row) throw new AppError('not_found', `no source ${request.params.id}`);
      return {
        id: row.id,
        name: row.name,
        kind: row.kind,
        origin: row.origin,
        enabled: row.enabled,
        lastError: row.last_error,
        lastSuccessAt: row.last_success_at?.toISOString() ?? null,
      };
    },
  );
}

/**
 * The watch-list, for admins. Which channels are watched, why and on whose approval is itself
 * audited: every change names a reason. Secrets in a source's config are never returned.
 */
export const sourceRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  listRoute(app, deps);
  addRoute(app, deps);
  toggleRoute(app, deps);
};
