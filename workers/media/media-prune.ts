import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { MediaStore } from '../../shared/media/media-store.js';
import { deleteOrphanMedia, keptImages, lockImages } from '../../shared/repositories/media.repository.js';

const BATCH = 500;

/**
 * Retention: stored images that no flagged post keeps, older than the grace period, are deleted; so are
 * readings whose post never arrived (its alert failed for good) once a day old. Each image is checked and
 * deleted under its lock, so an image being kept at that moment by a flagged repost stays.
 */
export async function pruneMedia(
  db: Db,
  store: MediaStore,
  graceMs: number,
  log: Logger,
): Promise<{ orphanRows: number; deleted: number }> {
  const orphanRows = await deleteOrphanMedia(db, new Date(Date.now() - 86_400_000));
  const cutoff = Date.now() - graceMs;
  let deleted = 0;
  let batch: string[] = [];
  const sweep = async () => {
    await db.transaction().execute(async (trx) => {
      await lockImages(trx, batch);
      const kept = await keptImages(trx, batch);
      for (const sha of batch) {
        if (kept.has(sha)) continue;
        await store.delete(sha);
        deleted += 1;
      }
    });
    batch = [];
  };
  for await (const { sha256, storedAt } of store.list()) {
    if (storedAt.getTime() > cutoff) continue;
    batch.push(sha256);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length) await sweep();
  if (deleted || orphanRows) log.info({ deleted, orphanRows }, 'media retention: unkept images deleted');
  return { orphanRows, deleted };
}
