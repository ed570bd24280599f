import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert').dropConstraint('alert_item_channel_key').execute();
  await db.schema
    .alterTable('alert')
    .addColumn('tier', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deliver_after', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('acknowledged_via', 'text')
    .addColumn('receipt', 'jsonb')
    .execute();
  await db.schema
    .alterTable('alert')
    .addUniqueConstraint('alert_item_channel_tier_key', ['review_item_id', 'channel', 'tier'])
    .execute();
  // An escalation acknowledged before it went out is cancelled, not failed.
  await db.schema.alterTable('alert').dropConstraint('alert_status_check').execute();
  await db.schema
    .alterTable('alert')
    .addCheckConstraint('alert_status_check', sql`status in ('pending','sent','failed','cancelled')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alert').dropConstraint('alert_item_channel_tier_key').execute();
  await db.schema
    .alterTable('alert')
    .dropColumn('tier')
    .dropColumn('deliver_after')
    .dropColumn('escalated_at')
    .dropColumn('acknowledged_via')
    .dropColumn('receipt')
    .execute();
  await db.schema
    .alterTable('alert')
    .addUniqueConstraint('alert_item_channel_key', ['review_item_id', 'channel'])
    .execute();
}
