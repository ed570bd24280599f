import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  const createdAt = (col: any) => col.notNull().defaultTo(sql`now()`);

  await db.schema
    .createTable('source')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('config','demo','api')`))
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('cursor', 'jsonb')
    .addColumn('last_polled_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', createdAt)
    .addColumn('updated_at', 'timestamptz', createdAt)
    .execute();

  await db.schema
    .createTable('channel')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('created_at', 'timestamptz', createdAt)
    .addUniqueConstraint('channel_platform_handle_key', ['platform', 'handle'])
    .execute();

  await db.schema
    .createTable('post')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_key', 'text', (c) => c.notNull().unique())
    .addColumn('source_id', 'integer', (c) => c.references('source.id').onDelete('set null'))
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channel.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('author', 'text')
    .addColumn('published_at', 'timestamptz')
    .addColumn('edited_at', 'timestamptz')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('forwarded_from', 'text')
    .addColumn('media', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('raw_sha256', 'text', (c) => c.notNull())
    .addColumn('raw_content_type', 'text', (c) => c.notNull())
    .addColumn('capture', 'jsonb', (c) => c.notNull())
    .addColumn('captured_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', createdAt)
    .addUniqueConstraint('post_identity_key', ['platform', 'channel_id', 'external_id', 'version'])
    .execute();

  await db.schema
    .createTable('classification')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('post.id'))
    .addColumn('classifier_version', 'text', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull())
    .addColumn('labels', sql`text[]`, (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('rationale', 'jsonb', (c) => c.notNull())
    .addColumn('entities', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', createdAt)
    .addUniqueConstraint('classification_post_version_key', ['post_id', 'classifier_version'])
    .execute();

  await db.schema
    .createTable('review_item')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_id', 'bigint', (c) => c.notNull().unique().references('post.id'))
    .addColumn('classification_id', 'bigint', (c) => c.notNull().references('classification.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ('new','confirmed','dismissed','escalated')`),
    )
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('low','medium','high','critical')`))
    .addColumn('created_at', 'timestamptz', createdAt)
    .addColumn('updated_at', 'timestamptz', createdAt)
    .execute();
  await db.schema
    .createIndex('review_item_queue_idx')
    .on('review_item')
    .columns(['status', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('analyst','duty_officer','admin','auditor')`))
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'timestamptz', createdAt)
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('alert')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('review_item_id', 'bigint', (c) => c.notNull().references('review_item.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','sent','failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', createdAt)
    .addColumn('sent_at', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'integer', (c) => c.references('app_user.id'))
    .addUniqueConstraint('alert_item_channel_key', ['review_item_id', 'channel'])
    .execute();
  await db.schema
    .createIndex('alert_pending_idx')
    .on('alert')
    .column('created_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', createdAt)
    .addColumn('actor_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text', (c) => c.unique())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('source_id', 'integer', (c) => c.references('source.id').onDelete('set null'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('raw_sha256', 'text', (c) => c.notNull())
    .addColumn('context', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', createdAt)
    .addUniqueConstraint('quarantine_source_stage_raw_key', ['source_id', 'stage', 'raw_sha256'], (c) =>
      c.nullsNotDistinct(),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'quarantine',
    'audit_log',
    'alert',
    'app_user',
    'review_item',
    'classification',
    'post',
    'channel',
    'source',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
