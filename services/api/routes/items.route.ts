import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { LABELS } from '../../../shared/domain/verdict.js';
import { alertsForItem } from '../../../shared/repositories/alert.repository.js';
import { appendAudit, entityHistory } from '../../../shared/repositories/audit.repository.js';
import {
  addNote,
  assignItem,
  decideItem,
  findItem,
  listItems,
  listNotes,
  undoDecision,
  type Decision,
  type ItemQuery,
} from '../../../shared/repositories/review-item.repository.js';
import {
  countItems,
  ITEM_SORTS,
  queueHead,
  type ItemFilter,
} from '../../../shared/repositories/review-queue.repository.js';
import type { ApiDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS, fromOwnPages, READERS } from '../auth.js';
import { itemSchema, toItemDto } from '../item-dto.js';
import { queueWatcher } from '../item-events.js';
import { idParams } from '../schemas.js';
import { AppError } from '../app-error.js';
import { listItemMedia } from '../../../shared/repositories/media.repository.js';

/** An image of the item's post, with the text OCR read in it; `url` serves the bytes (item-media.route.ts). */
const itemImageSchema = {
  type: 'object',
  properties: {
    sha256: { type: 'string' },
    contentType: { type: 'string' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    size: { type: 'integer' },
    ocrText: { type: 'string' },
    qr: { type: ['string', 'null'] },
    kind: { type: 'string' },
    url: { type: 'string' },
  },
} as const;

/** How long a decision can be taken back from the desk; later, a new decision is the way to change it. */
export const UNDO_WINDOW_MS = 5 * 60_000;

/** The filters of the list and of the tab counts, named as the API names them. */
const filterProperties = {
  severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
  label: { type: 'string', enum: LABELS },
  source: { type: 'string', maxLength: 100 },
  channel: { type: 'string', maxLength: 200 },
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
  q: {
    type: 'string',
    maxLength: 200,
    description: 'words of the post (full-text), @handles and postcode districts (exact)',
  },
  campaign: { type: 'integer', minimum: 1 },
  assignee: { type: 'string', pattern: '^(me|none|[1-9][0-9]{0,9})$', description: '"me", "none" or a user id' },
  district: { type: 'string', pattern: '^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?$' },
} as const;

type FilterQuery = Omit<ItemFilter, 'campaignId' | 'assignedTo' | 'status'> & { campaign?: number; assignee?: string };
type ListQuery = FilterQuery & Pick<ItemQuery, 'status' | 'sort' | 'limit' | 'offset'>;

function toFilter(request: FastifyRequest, { campaign, assignee, ...rest }: FilterQuery): ItemFilter {
  const assignedTo =
    assignee === undefined
      ? undefined
      : assignee === 'none'
        ? null
        : assignee === 'me'
          ? request.user!.id
          : Number(assignee);
  return {
    ...rest,
    ...(campaign ? { campaignId: campaign } : {}),
    ...(assignedTo !== undefined ? { assignedTo } : {}),
  };
}

const noItem = (id: number) => new AppError('not_found', `no item ${id}`);

const noteSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    text: { type: 'string' },
    author: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;
const historySchema = {
  type: 'object',
  properties: {
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;
const itemAlertSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    channel: { type: 'string' },
    tier: { type: 'integer' },
    status: { type: 'string' },
    createdAt: { type: 'string' },
    sentAt: { type: ['string', 'null'] },
    acknowledgedAt: { type: ['string', 'null'] },
    acknowledgedVia: { type: ['string', 'null'] },
  },
} as const;

/** The queue as a list, and its counts per status for the desk's tabs. */
function listRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Querystring: ListQuery }>(
    '/items',
    {
      config: { roles: READERS },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...filterProperties,
            status: { type: 'string', enum: ['new', 'confirmed', 'dismissed', 'escalated'] },
            sort: { type: 'string', enum: ITEM_SORTS, default: 'newest' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: itemSchema },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => {
      const { status, sort, limit, offset, ...filter } = request.query;
      const items = await listItems(db, {
        ...toFilter(request, filter),
        ...(status ? { status } : {}),
        sort,
        limit,
        offset,
      });
      return { items: items.map(toItemDto), limit, offset };
    },
  );

  app.get<{ Querystring: FilterQuery }>(
    '/items/counts',
    {
      config: { roles: READERS },
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
        response: {
          200: {
            type: 'object',
            properties: Object.fromEntries(
              ['new', 'confirmed', 'escalated', 'dismissed', 'all'].map((s) => [s, { type: 'integer' }]),
            ),
          },
        },
      },
    },
    async (request) => countItems(db, toFilter(request, request.query)),
  );
}

function eventRoutes(app: FastifyInstance, { db }: ApiDeps): void {
  // Live counts for the desk: server-sent events when asked for (EventSource sends Accept: text/event-stream),
  // else the head once, as JSON. The events say only that the queue changed; the desk then asks for its own counts.
  const watcher = queueWatcher(db, app.log);
  const streams = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.addHook('onClose', async () => watcher.close());
  app.get(
    '/items/events',
    {
      config: { roles: READERS },
      schema: {
        response: { 200: { type: 'object', properties: { newest: { type: 'integer' }, new: { type: 'integer' } } } },
      },
    },
    async (request, reply) => {
      if (!(request.headers.accept ?? '').includes('text/event-stream')) return queueHead(db);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      res.write('retry: 5000\n\n');
      const unsubscribe = watcher.subscribe((head) => res.write(`event: queue\ndata: ${JSON.stringify(head)}\n\n`));
      // A comment line now and then keeps proxies and the idle-connection timeout from closing a quiet stream.
      const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
      streams.add(res);
      request.raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
        streams.delete(res);
      });
    },
  );
}

const detailSchema = {
  params: idParams,
  response: {
    200: {
      type: 'object',
      properties: {
        ...itemSchema.properties,
        notes: { type: 'array', items: noteSchema },
        history: { type: 'array', items: historySchema },
        alerts: { type: 'array', items: itemAlertSchema },
        images: { type: 'array', items: itemImageSchema },
      },
    },
  },
};

/** One item with its notes, history, alerts and images. */
function detailRoute(app: FastifyInstance, { db }: ApiDeps): void {
  app.get<{ Params: { id: number } }>(
    '/items/:id',
    {
      config: { roles: READERS },
      schema: detailSchema,
    },
    async (request) => {
      // Who looked at what is part of the chain of custody, so an entry must be a user's own look: refused, not
      // answered unrecorded, when another site's page (an <img src> on another port of this host) asks.
      if (!fromOwnPages(request))
        throw new AppError(
          'forbidden',
          "items are shown to the desk's own pages only (Sec-Fetch-Site), or with a bearer token",
        );
      const row = await findItem(db, request.params.id);
      if (!row) throw noItem(request.params.id);
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          ...actorOf(request),
          action: 'item.view',
          entity: 'review_item',
          entityId: String(row.id),
        }),
      );
      const [notes, history, alerts, images] = await Promise.all([
        listNotes(db, row.id),
        entityHistory(db, 'review_item', String(row.id)),
        alertsForItem(db, row.id),
        listItemMedia(db, row.id),
      ]);
      return {
        images: images.map((m) => ({
          sha256: m.sha256,
          contentType: m.content_type,
          width: m.width,
          height: m.height,
          size: m.size,
          ocrText: m.ocr_text,
          qr: m.qr,
          kind: m.kind,
          url: `/api/items/${row.id}/media/${m.sha256}`,
        })),
        ...toItemDto(row),
        notes: notes.map((n) => ({ id: n.id, text: n.text, author: n.author, createdAt: n.created_at.toISOString() })),
        history: history.map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, details: h.details })),
        alerts: alerts.map((a) => ({
          id: a.id,
          channel: a.channel,
          tier: a.tier,
          status: a.status,
          createdAt: a.created_at.toISOString(),
          sentAt: a.sent_at?.toISOString() ?? null,
          acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
          acknowledgedVia: a.acknowledged_via,
        })),
      };
    },
  );
}

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

export const itemRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  listRoutes(app, deps);
  eventRoutes(app, deps);
  detailRoute(app, deps);
  decisionRoute(app, deps);
  undoRoute(app, deps);
  assignRoute(app, deps);
  noteRoute(app, deps);
};
