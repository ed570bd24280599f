import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';

export interface AuditEntry {
  actor: string;
  actorId?: number | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** The hash of one row: its content and the previous row's hash, so editing any row breaks the chain after it. */
export function auditHash(prevHash: string | null, at: string, e: AuditEntry): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, at, e.actor, e.actorId ?? null, e.action, e.entity, e.entityId ?? null, e.details ?? {}]))
    .digest('hex');
}

/** Appends to the hash-chained audit log; a transaction-level lock keeps the chain linear across processes. */
export async function appendAudit(trx: Transaction<Database>, e: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('vigil.audit_log'))`.execute(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const at = new Date().toISOString();
  const prev = last?.hash ?? null;
  await trx
    .insertInto('audit_log')
    .values({ at, actor: e.actor, actor_id: e.actorId ?? null, action: e.action, entity: e.entity, entity_id: e.entityId ?? null, details: JSON.stringify(e.details ?? {}), prev_hash: prev, hash: auditHash(prev, at, e) })
    .execute();
}
