import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // A report of acts (a news item, a police statement), kept byte-exact like a flagged post: public reporting, not people's posts.
  await db.schema
    .createTable('incident_report')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('post_key', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('published_at', 'timestamptz')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('raw_sha256', 'text', (c) => c.notNull())
    .addColumn('raw_content_type', 'text', (c) => c.notNull())
    .addColumn('captured_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('incident')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('report_id', 'integer', (c) => c.notNull().references('incident_report.id').onDelete('cascade'))
    // One row per site a report names: what makes a retried job write nothing new.
    .addColumn('site_key', 'text', (c) => c.notNull())
    .addColumn('act', 'text', (c) => c.notNull())
    .addColumn('place_type', 'text', (c) => c.notNull())
    .addColumn('place_name', 'text')
    .addColumn('postcode_district', 'text')
    .addColumn('road', 'text')
    .addColumn('town', 'text')
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('dated', 'boolean', (c) => c.notNull())
    .addColumn('span_start', 'integer', (c) => c.notNull())
    .addColumn('span_end', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('incident_site_unique', ['report_id', 'site_key'])
    .execute();
  await db.schema
    .createIndex('incident_district_idx')
    .on('incident')
    .columns(['postcode_district', 'occurred_on'])
    .execute();
  await db.schema
    .createTable('incident_link')
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incident.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id').onDelete('cascade'))
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    // 'auto', or the analyst who linked it by hand ("user:3").
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('incident_link_pk', ['incident_id', 'campaign_id'])
    .execute();
  // An alert may announce an incident linked to the campaign of the item it points at; one per incident, channel and tier.
  await db.schema
    .alterTable('alert')
    .addColumn('incident_id', 'integer', (c) => c.references('incident.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('alert').dropConstraint('alert_item_channel_tier_key').execute();
  await sql`create unique index alert_item_channel_tier_key on alert (review_item_id, channel, tier) where incident_id is null`.execute(
    db,
  );
  await sql`create unique index alert_incident_channel_tier_key on alert (incident_id, channel, tier) where incident_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('alert').where('incident_id', 'is not', null).execute();
  await sql`drop index alert_incident_channel_tier_key`.execute(db);
  await sql`drop index alert_item_channel_tier_key`.execute(db);
  await db.schema.alterTable('alert').dropColumn('incident_id').execute();
  await db.schema
    .alterTable('alert')
    .addUniqueConstraint('alert_item_channel_tier_key', ['review_item_id', 'channel', 'tier'])
    .execute();
  await db.schema.dropTable('incident_link').execute();
  await db.schema.dropTable('incident').execute();
  await db.schema.dropTable('incident_report').execute();
}
