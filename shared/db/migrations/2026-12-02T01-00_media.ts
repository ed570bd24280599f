import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // One image of one flagged post. Keyed by the post's key, not its id: the media worker writes it before the
  // alert worker writes the post, and the image bytes live in the media store under `sha256`.
  await db.schema
    .createTable('post_media')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_key', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('phash', 'text', (c) => c.notNull())
    .addColumn('dhash', 'text', (c) => c.notNull())
    .addColumn('ocr_text', 'text', (c) => c.notNull())
    .addColumn('qr', 'text')
    .addColumn('capture', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('post_media_post_sha_key', ['post_key', 'sha256'])
    .execute();
  await db.schema.createIndex('post_media_sha256_idx').on('post_media').column('sha256').execute();
  // The pHashes of a campaign's images, hex: a poster reposted with other words joins by its picture.
  await db.schema
    .alterTable('campaign')
    .addColumn('image_hashes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('image_hashes').execute();
  await db.schema.dropTable('post_media').ifExists().execute();
}
