import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // The keys of a read's posts that carry images: their media jobs hold them in Redis after classification,
  // so the read stays in flight until those jobs (and the alert each adds) are past too.
  await db.schema
    .alterTable('ingest_inflight')
    .addColumn('media_post_keys', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ingest_inflight').dropColumn('media_post_keys').execute();
}
