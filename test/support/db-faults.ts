/**
 * Faults and attackers acting on the database behind the app's back: states no repository function may
 * produce. The one place outside shared/repositories where tests write tables directly.
 */
import type { Insertable } from 'kysely';
import type { Db } from '../../shared/db/client.js';
import type { AlertTable } from '../../shared/db/database.js';
import { auditHash, listAudit } from '../../shared/repositories/audit.repository.js';

/** An outbox row nobody enqueued a delivery for (its job was lost), or one an older version wrote in its own key format. */
export const insertAlertRow = (db: Db, row: Insertable<AlertTable>) =>
  db.insertInto('alert').values(row).returning('id').executeTakeFirstOrThrow();

/** A page sent at `sentAt`: the escalation delay runs on the real clock, which a test cannot wait out. */
export async function backdateAlertSent(db: Db, alertId: number, sentAt: Date): Promise<void> {
  await db.updateTable('alert').set({ sent_at: sentAt }).where('id', '=', alertId).execute();
}

/** An attacker deleting the audit log's newest entries, from `fromId` on (by default every entry). */
export async function truncateAuditLog(db: Db, fromId = 1): Promise<void> {
  await db.deleteFrom('audit_log').where('id', '>=', fromId).execute();
}

/** An attacker editing one audit entry's details and recomputing every hash and link, so the chain alone still checks out. */
export async function rewriteAuditEntry(db: Db, id: number, details: Record<string, unknown>): Promise<void> {
  const rows = await listAudit(db);
  let prev: string | null = null;
  for (const r of rows) {
    const content = r.id === id ? details : r.details;
    const hash = auditHash(prev, r.at.toISOString(), {
      actor: r.actor,
      actorId: r.actor_id,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      details: content,
    });
    await db
      .updateTable('audit_log')
      .set({ details: JSON.stringify(content), prev_hash: prev, hash })
      .where('id', '=', r.id)
      .execute();
    prev = hash;
  }
}
