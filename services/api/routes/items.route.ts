import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { LABELS } from '../../../shared/domain/verdict.js';
import { appendAudit } from '../../../shared/repositories/audit.repository.js';
import { addNote, assignItem, decideItem, findItem, listItems, listNotes, type Decision, type ItemQuery, type ItemRow } from '../../../shared/repositories/review-item.repository.js';
import type { ApiDeps } from '../app.js';
import { requestAuditCheckpoint } from '../audit-checkpoint.js';
import { actorOf, DECIDERS, fromOwnPages, READERS } from '../auth.js';
import { idParams } from '../schemas.js';

const span = { type: 'object', properties: { feature: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, text: { type: 'string' } } } as const;
const nullableString = { type: ['string', 'null'] } as const;

// The response schema is also the output filter: a column not listed here never leaves the service.
export const itemSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    status: { type: 'string' },
    severity: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    assignedTo: { type: ['integer', 'null'] },
    decidedBy: { type: ['integer', 'null'] },
    decidedAt: nullableString,
    decisionReason: nullableString,
    campaignId: { type: ['integer', 'null'] },
    post: {
      type: 'object',
      properties: {
        platform: { type: 'string' },
        channel: { type: 'string' },
        channelTitle: nullableString,
        externalId: { type: 'string' },
        version: { type: 'integer' },
        url: nullableString,
        author: nullableString,
        publishedAt: nullableString,
        capturedAt: { type: 'string', format: 'date-time' },
        deletedAt: nullableString,
        text: { type: 'string' },
        rawSha256: { type: 'string' },
        context: {
          type: ['object', 'null'],
          properties: {
            before: { type: 'array', items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } } },
            after: { type: 'array', items: { type: 'object', properties: { externalId: { type: 'string' }, text: { type: 'string' } } } },
          },
        },
      },
    },
    classification: {
      type: 'object',
      properties: {
        classifier: { type: 'string' },
        // Listed for the docs only: serialising does not validate, so a label an older classifier stored still leaves.
        labels: { type: 'array', items: { type: 'string', enum: LABELS } },
        scores: { type: 'object', properties: Object.fromEntries(LABELS.map((l) => [l, { type: 'number' }])), additionalProperties: { type: 'number' } },
        rationale: { type: 'array', items: span },
        entities: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toItemDto = (r: ItemRow) => ({
  id: r.id,
  status: r.status,
  severity: r.severity,
  createdAt: r.created_at.toISOString(),
  assignedTo: r.assigned_to,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  decisionReason: r.decision_reason,
  campaignId: r.campaign_id,
  post: {
    platform: r.platform,
    channel: r.channel,
    channelTitle: r.channel_title,
    externalId: r.external_id,
    version: r.version,
    url: r.url,
    author: r.author,
    publishedAt: iso(r.published_at),
    capturedAt: r.captured_at.toISOString(),
    deletedAt: iso(r.deleted_at),
    text: r.text,
    rawSha256: r.raw_sha256,
    context: r.context,
  },
  classification: { classifier: r.classifier_version, labels: r.labels, scores: r.scores, rationale: r.rationale, entities: r.entities },
});

/** The repository's query, with the campaign filter named as the API names it. */
type ListQuery = Omit<ItemQuery, 'campaignId'> & { campaign?: number };

const notFound = (request: FastifyRequest, id: number) => ({ error: 'not_found', message: `no item ${id}`, requestId: request.id });

export const itemRoutes: FastifyPluginAsync<ApiDeps> = async (app, { db, queues }) => {
  app.get<{ Querystring: ListQuery }>(
    '/items',
    {
      config: { roles: READERS },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['new', 'confirmed', 'dismissed', 'escalated'] },
            severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
            label: { type: 'string', enum: LABELS },
            source: { type: 'string', maxLength: 100 },
            channel: { type: 'string', maxLength: 200 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            q: { type: 'string', maxLength: 200 },
            campaign: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: itemSchema }, limit: { type: 'integer' }, offset: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const { campaign, ...query } = request.query;
      return { items: (await listItems(db, { ...query, ...(campaign ? { campaignId: campaign } : {}) })).map(toItemDto), limit: query.limit, offset: query.offset };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/items/:id',
    {
      config: { roles: READERS },
      schema: {
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...itemSchema.properties,
              notes: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, text: { type: 'string' }, author: { type: 'string' }, createdAt: { type: 'string' } } } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      // Who looked at what is part of the chain of custody, so an entry must be a user's own look: refused, not
      // answered unrecorded, when another site's page (an <img src> on another port of this host) asks.
      if (!fromOwnPages(request)) return reply.status(403).send({ error: 'forbidden', message: 'items are shown to the desk\'s own pages only (Sec-Fetch-Site), or with a bearer token', requestId: request.id });
      const row = await findItem(db, request.params.id);
      if (!row) return reply.status(404).send(notFound(request, request.params.id));
      await db.transaction().execute((trx) => appendAudit(trx, { ...actorOf(request), action: 'item.view', entity: 'review_item', entityId: String(row.id) }));
      const notes = (await listNotes(db, row.id)).map((n) => ({ id: n.id, text: n.text, author: n.author, createdAt: n.created_at.toISOString() }));
      return { ...toItemDto(row), notes };
    },
  );

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
          properties: { decision: { type: 'string', enum: ['confirm', 'dismiss', 'escalate'] }, reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 200: itemSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { decision, reason } = request.body;
      if (decision === 'dismiss' && !reason?.trim()) return reply.status(400).send({ error: 'bad_request', message: 'a dismissal needs a reason', requestId: request.id });
      const done = await db.transaction().execute(async (trx) => {
        if (!(await decideItem(trx, id, decision, request.user!.id, reason?.trim() || null))) return false;
        await appendAudit(trx, { ...actorOf(request), action: `item.${decision}`, entity: 'review_item', entityId: String(id), details: reason ? { reason } : {} });
        return true;
      });
      if (!done) return reply.status(404).send(notFound(request, id));
      await requestAuditCheckpoint(queues, request);
      return toItemDto((await findItem(db, id))!);
    },
  );

  app.post<{ Params: { id: number }; Body: { userId: number | null } }>(
    '/items/:id/assign',
    {
      config: { roles: DECIDERS },
      schema: { params: idParams, body: { type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: { type: ['integer', 'null'] } } }, response: { 200: itemSchema } },
    },
    async (request, reply) => {
      const { id } = request.params;
      const done = await db.transaction().execute(async (trx) => {
        if (!(await assignItem(trx, id, request.body.userId))) return false;
        await appendAudit(trx, { ...actorOf(request), action: 'item.assign', entity: 'review_item', entityId: String(id), details: { userId: request.body.userId } });
        return true;
      });
      if (!done) return reply.status(404).send(notFound(request, id));
      return toItemDto((await findItem(db, id))!);
    },
  );

  app.post<{ Params: { id: number }; Body: { text: string } }>(
    '/items/:id/notes',
    {
      config: { roles: DECIDERS },
      schema: {
        params: idParams,
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 5000 } } },
        response: { 201: { type: 'object', properties: { id: { type: 'integer' } } } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await findItem(db, id))) return reply.status(404).send(notFound(request, id));
      const noteId = await db.transaction().execute(async (trx) => {
        const n = await addNote(trx, id, request.user!.id, request.body.text);
        await appendAudit(trx, { ...actorOf(request), action: 'item.note', entity: 'review_item', entityId: String(id), details: { noteId: n } });
        return n;
      });
      return reply.status(201).send({ id: noteId });
    },
  );
};
