import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import {
  addNote,
  assignItem,
  decideItem,
  findItem,
  undoDecision,
  type Decision,
} from '../../../shared/repositories/review-item.repository.js';
import type { ApiDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS } from '../auth.js';
import { itemSchema, noItem, toItemDto } from '../item-dto.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';

/** How long a decision can be taken back from the desk; later, a new decision is the way to change it. */
export const UNDO_WINDOW_MS = 5 * 60_000;

/** A decision on an item. */
function decisionRoute(app: FastifyInstance, { db, queues }: ApiDeps): void {
  app.post<{ Params: { id: number }; Body: { decision: Decision; reason?: string } }>(
    '/items/:id/decision',
    {
      config: { roles: DECIDERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['confirm', 'dismiss', 'escalate'] },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: itemSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { decision, reason } = request.body;
      if (decision === 'dismiss' && !reason?.trim()) throw new AppError('bad_request', 'a dismissal needs a reason');
      const done = await db.transaction().execute(async (trx) => {
        if (!(await decideItem(trx, id, decision, request.user!.id, reason?.trim() || null))) return false;
        await appendAudit(trx, {
          ...actorOf(request),
          action: `item.${decision}`,
          entity: 'review_item',
          entityId: String(id),
          details: reason ? { reason } : {},
        });
        return true;
      });
      if (!done) throw noItem(id);
      await requestAuditCheckpoint(queues, request);
      return toItemDto((await findItem(db, id))!);
    },
  );
}

/** Taking a decision back, by whoever made it and within the undo window. */
function undoRoute(app: FastifyInstance, { db, queues }: ApiDeps): void {
  app.post<{ Params: { id: number } }>(
    '/items/:id/undo',
    {
      config: { roles: DECIDERS },
      schema: { params: idParams, response: { 200: itemSchema } },
    },
    async (request) => {
      const { id } = request.params;
      const result = await db.transaction().execute(async (trx) => {
        const r = await undoDecision(trx, id, request.user!.id, new Date(Date.now() - UNDO_WINDOW_MS));
        if (r.ok)
          await appendAudit(trx, {
            ...actorOf(request),
            action: 'item.undo',
            entity: 'review_item',
            entityId: String(id),
            details: { undone: r.undone, restored: r.restored },
          });
        return r;
      });
      if (!result.ok) {
        if (result.why === 'not_found') throw noItem(id);
        const message = {
          nothing_to_undo: 'this item has no decision to undo',
          not_yours: 'only whoever made the decision can undo it',
          too_late: `a decision can be undone for ${UNDO_WINDOW_MS / 60_000} minutes`,
        }[result.why];
        throw new AppError('conflict', message);
      }
      await requestAuditCheckpoint(queues, request);
      return toItemDto((await findItem(db, id))!);
    },
  );
}

/** Triage short of a decision: who has an item. */
function assignRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Params: { id: number }; Body: { userId: number | null } }>(
    '/items/:id/assign',
    {
      config: { roles: DECIDERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['userId'],
          additionalProperties: false,
          properties: { userId: { type: ['integer', 'null'] } },
        },
        response: { 200: itemSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const done = await db.transaction().execute(async (trx) => {
        if (!(await assignItem(trx, id, request.body.userId))) return false;
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'item.assign',
          entity: 'review_item',
          entityId: String(id),
          details: { userId: request.body.userId },
        });
        return true;
      });
      if (!done) throw noItem(id);
      return toItemDto((await findItem(db, id))!);
    },
  );
}

/** Triage short of a decision: notes on an item. */
function noteRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.post<{ Params: { id: number }; Body: { text: string } }>(
    '/items/:id/notes',
    {
      config: { roles: DECIDERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: { text: { type: 'string', minLength: 1, maxLength: 5000 } },
        },
        response: { 201: { type: 'object', properties: { id: { type: 'integer' } } } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await findItem(db, id))) throw noItem(id);
      const noteId = await db.transaction().execute(async (trx) => {
        const n = await addNote(trx, id, request.user!.id, request.body.text);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'item.note',
          entity: 'review_item',
          entityId: String(id),
          details: { noteId: n },
        });
        return n;
      });
      return reply.status(201).send({ id: noteId });
    },
  );
}

/** What analysts do to an item: decide, undo a decision, assign, add a note; each audited. */
export function itemActionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  decisionRoute(app, deps);
  undoRoute(app, deps);
  assignRoute(app, deps);
  noteRoute(app, deps);
}
