import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // Reads whose posts are still only in Redis (queued for classifying or alerting), each with the cursor
  // before it: the point ingest re-reads from if Redis loses its data. A row goes once its jobs are done.
  await db.schema
    .createTable('ingest_inflight')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id').onDelete('cascade'))
    .addColumn('cursor_before', 'jsonb')
    .addColumn('job_ids', sql`text[]`, (c) => c.notNull())
    // Which Redis the jobs went to (a token kept in Redis itself): another token means that Redis lost them.
    .addColumn('redis_generation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ingest_inflight_source_idx')
    .on('ingest_inflight')
    .columns(['source_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ingest_inflight').ifExists().execute();
}
