import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface OutboxEntry {
  reviewItemId: number;
  channel: string;
}

/** The key a receiver uses to drop a second delivery of the same alert (webhook header, email Message-ID). */
export const alertIdempotencyKey = (e: OutboxEntry) => `vigil-alert-${e.reviewItemId}-${e.channel}`;

/** Writes outbox rows; call it in the transaction that creates the review items they announce. */
export async function insertOutbox(trx: Executor, entries: OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await trx
    .insertInto('alert')
    .values(entries.map((e) => ({ review_item_id: e.reviewItemId, channel: e.channel, idempotency_key: alertIdempotencyKey(e) })))
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .execute();
  return rows.length;
}
