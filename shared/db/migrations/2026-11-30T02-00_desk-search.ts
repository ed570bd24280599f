import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // The desk's Search: words of the post ('simple': posts come in many languages, so no stemming), and the
  // handles and postcode districts the classifier found, matched exactly through the jsonb containment index.
  await sql`create index post_text_search_idx on post using gin (to_tsvector('simple', text))`.execute(db);
  await sql`create index classification_entities_idx on classification using gin (entities jsonb_path_ops)`.execute(db);
  // The queue's order (newest minute first, worst first within it), per tab and for "All", so a page is read
  // from an index instead of sorting every item. UTC makes the minute immutable, as an index needs; the list
  // query orders by exactly these expressions.
  const order = sql`date_trunc('minute', created_at at time zone 'UTC') desc, array_position(array['critical','high','medium','low']::text[], severity), id desc`;
  await sql`create index review_item_queue_order_idx on review_item (status, ${order})`.execute(db);
  await sql`create index review_item_order_idx on review_item (${order})`.execute(db);
  await db.schema.createIndex('review_item_campaign_idx').on('review_item').column('campaign_id').execute();
  // Undo: the status a decision replaced, cleared once undone.
  await db.schema.alterTable('review_item').addColumn('prior_status', 'text').execute();

  await db.schema
    .createTable('saved_view')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('saved_view_user_name_key', ['user_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_view').ifExists().execute();
  await db.schema.alterTable('review_item').dropColumn('prior_status').execute();
  await db.schema.dropIndex('review_item_campaign_idx').ifExists().execute();
  await db.schema.dropIndex('review_item_order_idx').ifExists().execute();
  await db.schema.dropIndex('review_item_queue_order_idx').ifExists().execute();
  await db.schema.dropIndex('classification_entities_idx').ifExists().execute();
  await db.schema.dropIndex('post_text_search_idx').ifExists().execute();
}
