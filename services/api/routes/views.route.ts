import type { FastifyPluginAsync } from 'fastify';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { deleteSavedView, listSavedViews, saveView } from '../../../shared/repositories/saved-view.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, READERS } from '../auth.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

const viewSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    query: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;
const toDto = (v: { id: number; name: string; query: string; created_at: Date }) => ({
  id: v.id,
  name: v.name,
  query: v.query,
  createdAt: v.created_at.toISOString(),
});

const saveViewSchema = {
  // The query is the desk's own query string; it is only ever sent back to the items API, which validates it.
  body: {
    type: 'object',
    required: ['name', 'query'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 80 },
      query: { type: 'string', maxLength: 1000 },
    },
  },
  response: { 201: viewSchema },
};

/** Each user's saved searches of the review desk; a user sees and changes only their own. */
export const viewRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db }) => {
  app.get(
    '/views',
    {
      config: { roles: READERS },
      schema: { response: { 200: { type: 'object', properties: { views: { type: 'array', items: viewSchema } } } } },
    },
    async (request) => ({
      views: (await listSavedViews(db, request.user!.id)).map(toDto),
    }),
  );

  app.post<{ Body: { name: string; query: string } }>(
    '/views',
    {
      config: { roles: READERS },
      schema: saveViewSchema,
    },
    async (request, reply) => {
      const view = await db.transaction().execute(async (trx) => {
        const v = await saveView(trx, request.user!.id, request.body.name.trim(), request.body.query);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'view.save',
          entity: 'saved_view',
          entityId: String(v.id),
          details: { name: v.name, query: v.query },
        });
        return v;
      });
      return reply.status(201).send(toDto(view));
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/views/:id',
    { config: { roles: READERS }, schema: { params: idParams, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      const done = await db.transaction().execute(async (trx) => {
        if (!(await deleteSavedView(trx, request.user!.id, request.params.id))) return false;
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'view.delete',
          entity: 'saved_view',
          entityId: String(request.params.id),
        });
        return true;
      });
      if (!done) throw new AppError('not_found', `no saved view ${request.params.id} of yours`);
      return reply.status(204).send();
    },
  );
};
