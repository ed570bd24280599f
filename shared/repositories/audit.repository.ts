import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { jsonb } from '../db/jsonb.js';
import { anyText } from './bind-limit.js';

export interface AuditEntry {
  actor: string;
  actorId?: number | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The hash of one row: its content and the previous row's hash, so editing any row breaks the chain.
 * Canonical JSON (RFC 8785): Postgres' jsonb reorders object keys, and a verifier must get the same bytes.
 */
export function auditHash(prevHash: string | null, at: string, e: AuditEntry): string {
  return createHash('sha256')
    .update(
      canonicalize([
        prevHash,
        at,
        e.actor,
        e.actorId ?? null,
        e.action,
        e.entity,
        e.entityId ?? null,
        e.details ?? {},
      ]) ?? '',
    )
    .digest('hex');
}

/** Appends to the hash-chained audit log; a transaction-level lock keeps the chain linear across processes. */
export async function appendAudit(trx: Transaction<Database>, e: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('vigil.audit_log'))`.execute(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const at = new Date().toISOString();
  const prev = last?.hash ?? null;
  // Hashed as stored: jsonb normalises what it must (NUL), so the verifier recomputes the same bytes.
  const details = jsonb(e.details ?? {});
  const stored = { ...e, details: JSON.parse(details) as Record<string, unknown> };
  await trx
    .insertInto('audit_log')
    .values({
      at,
      actor: e.actor,
      actor_id: e.actorId ?? null,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId ?? null,
      details,
      prev_hash: prev,
      hash: auditHash(prev, at, stored),
    })
    .execute();
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** The first row that does not fit the chain, and why. */
  broken?: { id: number; reason: string };
}

/** Recomputes every row's hash in order and checks each link to the row before it. */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainCheck> {
  let prev: string | null = null;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prev_hash !== prev)
        return {
          ok: false,
          checked,
          broken: {
            id: r.id,
            reason: `prev_hash does not match the hash of the row before (row removed, inserted or reordered)`,
          },
        };
      const expected = auditHash(r.prev_hash, r.at.toISOString(), {
        actor: r.actor,
        actorId: r.actor_id,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        details: r.details,
      });
      if (expected !== r.hash)
        return {
          ok: false,
          checked,
          broken: { id: r.id, reason: 'the row was edited: its content no longer matches its hash' },
        };
      prev = r.hash;
      checked += 1;
      afterId = r.id;
    }
  }
}

export interface AuditHead {
  lastId: number;
  hash: string;
  /** Rows up to and including lastId. */
  rows: number;
  /** When the newest row was written. */
  at: Date;
}

/** The newest row and the row count, read in one statement so the two agree; undefined while the log is empty. */
export async function auditHead(db: Kysely<Database>): Promise<AuditHead | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['id', 'hash', 'at', sql<string>`(select count(*) from audit_log)`.as('rows')])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { lastId: row.id, hash: row.hash, rows: Number(row.rows), at: row.at };
}

/** The stored hash of each of these rows (rows that are gone are absent from the map). */
export async function auditHashes(db: Kysely<Database>, ids: number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.set(r.id, r.hash);
  }
  return found;
}

export async function countAuditUpTo(db: Kysely<Database>, lastId: number): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', '<=', lastId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What was done to one entity, oldest first: the item history the desk shows. Views are left out (the custody log holds them). */
export const entityHistory = (db: Kysely<Database>, entity: string, entityId: string, limit = 200) =>
  db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'details'])
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .where('action', '!=', 'item.view')
    .orderBy('id')
    .limit(limit)
    .execute();

/** Audit entries after `afterId`, oldest first: how an auditor pages through the whole log. */
export const listAuditAfter = (db: Kysely<Database>, afterId: number, limit: number) =>
  db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();

export interface AuditFilter {
  entity?: string;
  /** Entries about any of these entities (their ids as the log keeps them, text). */
  entityIds?: string[];
  actor?: string;
  /** Every actor under a prefix ('cli:', 'user:'). */
  actorPrefix?: string;
  /** Only these actions. */
  actions?: string[];
  /** Every action under a prefix ('bullboard.'). */
  actionPrefix?: string;
}

/** A prefix as a LIKE pattern that matches nothing but the prefix, whatever it holds. */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/** Audit entries matching every given filter, oldest first: what an auditor asks of the log (who did what, to what). */
export function listAudit(db: Kysely<Database>, f: AuditFilter = {}, limit = 1000) {
  let query = db.selectFrom('audit_log').selectAll();
  if (f.entity !== undefined) query = query.where('entity', '=', f.entity);
  if (f.entityIds !== undefined) query = query.where('entity_id', '=', anyText(f.entityIds));
  if (f.actor !== undefined) query = query.where('actor', '=', f.actor);
  if (f.actorPrefix !== undefined) query = query.where('actor', 'like', startsWith(f.actorPrefix));
  if (f.actions !== undefined) query = query.where('action', '=', anyText(f.actions));
  if (f.actionPrefix !== undefined) query = query.where('action', 'like', startsWith(f.actionPrefix));
  return query.orderBy('id').limit(limit).execute();
}
