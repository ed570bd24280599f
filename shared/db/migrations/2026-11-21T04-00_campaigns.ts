import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaign')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('simhash', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('channels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('targets', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('amounts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('handles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema.createIndex('campaign_last_seen_idx').on('campaign').column('last_seen_at').execute();
  await db.schema
    .alterTable('review_item')
    .addColumn('campaign_id', 'bigint', (c) => c.references('campaign.id'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('review_item').dropColumn('campaign_id').execute();
  await db.schema.dropTable('campaign').ifExists().execute();
}
