import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { REVIEW_STATUSES } from '../../../shared/domain/review-item.js';
import { LABELS } from '../../../shared/domain/verdict.js';
import { alertsForItem } from '../../../shared/repositories/alert.repository.js';
import { appendAudit, entityHistory } from '../../../shared/repositories/audit.repository.js';
import { findItem, listItems, listNotes, type ItemQuery } from '../../../shared/repositories/review-item.repository.js';
import {
  countItems,
  ITEM_SORTS,
  queueHead,
  type ItemFilter,
} from '../../../shared/repositories/review-queue.repository.js';
import type { ApiDeps } from '../app.js';
import { actorOf, fromOwnPages, READERS } from '../auth.js';
import { itemSchema, noItem, toItemDto } from '../item-dto.js';
import { itemActionRoutes } from './item-actions.route.js';
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
            status: { type: 'string', enum: REVIEW_STATUSES },
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
            properties: Object.fromEntries([...REVIEW_STATUSES, 'all'].map((s) => [s, { type: 'integer' }])),
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

export const itemRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  listRoutes(app, deps);
  eventRoutes(app, deps);
  detailRoute(app, deps);
  itemActionRoutes(app, deps);
};
