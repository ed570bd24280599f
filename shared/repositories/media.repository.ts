import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { jsonb } from '../db/jsonb.js';
import type { MediaReading } from '../domain/media.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Holds a transaction-scoped lock per image, in one global order: the flagged post that keeps an image and
 * the retention sweep that deletes unkept ones never interleave on the same bytes.
 */
export async function lockImages(trx: Transaction<Database>, sha256s: string[]): Promise<void> {
  for (const sha of [...new Set(sha256s)].sort())
    await sql`select pg_advisory_xact_lock(hashtext(${`vigil.media:${sha}`}))`.execute(trx);
}

/** Records a flagged post's images; keyed by (post, image), so a retried job adds nothing. */
export async function insertPostMedia(db: Executor, postKey: string, readings: MediaReading[]): Promise<void> {
  if (readings.length === 0) return;
  await db
    .insertInto('post_media')
    .values(
      readings.map((r, position) => ({
        post_key: postKey,
        sha256: r.sha256,
        position,
        kind: r.kind,
        content_type: r.contentType,
        size: r.size,
        width: r.width,
        height: r.height,
        phash: r.phash,
        dhash: r.dhash,
        // Postgres text refuses NUL; OCR output is arbitrary.
        ocr_text: r.ocrText.replace(/\u0000/g, ''),
        qr: r.qr?.replace(/\u0000/g, '') ?? null,
        capture: jsonb(r.capture),
      })),
    )
    .onConflict((oc) => oc.columns(['post_key', 'sha256']).doNothing())
    .execute();
}

export const listPostMedia = (db: Executor, postKeys: string[]) =>
  postKeys.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('post_media')
        .selectAll()
        .where('post_key', 'in', postKeys)
        .orderBy('post_key')
        .orderBy('position')
        .execute();

/** An image of a review item's post (any version), for serving it to the desk. */
export const findItemMedia = (db: Executor, itemId: number, sha256: string) =>
  db
    .selectFrom('post_media')
    .innerJoin('post', 'post.post_key', 'post_media.post_key')
    .innerJoin('review_item', 'review_item.post_id', 'post.id')
    .select(['post_media.sha256', 'post_media.content_type', 'post_media.size'])
    .where('review_item.id', '=', itemId)
    .where('post_media.sha256', '=', sha256)
    .executeTakeFirst();

/** Which of these images some post still keeps. */
export async function keptImages(db: Executor, sha256s: string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const rows = await db.selectFrom('post_media').select('sha256').distinct().where('sha256', 'in', sha256s).execute();
  return new Set(rows.map((r) => r.sha256));
}

/** Rows whose post never arrived (its alert job failed for good) are dropped after `olderThan`, freeing their images. */
export async function deleteOrphanMedia(db: Executor, olderThan: Date): Promise<number> {
  const r = await db
    .deleteFrom('post_media')
    .where('created_at', '<', olderThan)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('post').select('post.id').whereRef('post.post_key', '=', 'post_media.post_key'))),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The images of a review item's post, in the post's order, for the desk. */
export const listItemMedia = (db: Executor, itemId: number) =>
  db
    .selectFrom('post_media')
    .innerJoin('post', 'post.post_key', 'post_media.post_key')
    .innerJoin('review_item', 'review_item.post_id', 'post.id')
    .select([
      'post_media.sha256',
      'post_media.content_type',
      'post_media.width',
      'post_media.height',
      'post_media.size',
      'post_media.ocr_text',
      'post_media.qr',
      'post_media.kind',
    ])
    .where('review_item.id', '=', itemId)
    .orderBy('post_media.position')
    .execute();
