import type { Db } from '../db/client.js';
import { anyId } from './bind-limit.js';

export interface InflightRead {
  sourceId: number;
  cursorBefore: Record<string, unknown> | null;
  jobIds: string[];
  /** Posts whose images the media queue reads after classification (`mediaJobIds`). */
  mediaPostKeys: string[];
  redisGeneration: string;
}

/** Call it in the transaction that saves the cursor past the read, so no read is past the cursor unrecorded. */
export async function recordInflight(db: Db, read: InflightRead): Promise<void> {
  await db
    .insertInto('ingest_inflight')
    .values({
      source_id: read.sourceId,
      cursor_before: JSON.stringify(read.cursorBefore),
      job_ids: read.jobIds,
      media_post_keys: read.mediaPostKeys,
      redis_generation: read.redisGeneration,
    })
    .execute();
}

/** A source's reads still in flight, oldest first. */
export const listInflight = (db: Db, sourceId: number) =>
  db
    .selectFrom('ingest_inflight')
    .select(['id', 'cursor_before', 'job_ids', 'media_post_keys', 'redis_generation'])
    .where('source_id', '=', sourceId)
    .orderBy('id')
    .execute();

export async function deleteInflight(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('ingest_inflight').where('id', '=', anyId(ids)).execute();
}

/** Moves the source's cursor back to `cursor` and forgets its reads in flight, together: they are read again. */
export async function rewindSource(db: Db, sourceId: number, cursor: Record<string, unknown> | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('source')
      .set({ cursor: JSON.stringify(cursor), updated_at: new Date() })
      .where('id', '=', sourceId)
      .execute();
    await trx.deleteFrom('ingest_inflight').where('source_id', '=', sourceId).execute();
  });
}
