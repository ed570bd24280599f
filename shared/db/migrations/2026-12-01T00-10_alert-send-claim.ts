import type { Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('alert')
    // Set while an attempt is with the receiver, cleared when its outcome is recorded: found set by the next
    // attempt, it means the last one may have reached the receiver unrecorded (a worker killed mid-send).
    .addColumn('send_started_at', 'timestamptz')
    // Attempts made while an earlier one's outcome was unknown: deliveries the receiver may have got twice.
    .addColumn('duplicate_risk', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert').dropColumn('send_started_at').dropColumn('duplicate_risk').execute();
}
