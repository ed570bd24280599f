import type { Db } from '../../shared/db/client.js';
import type { MediaStore } from '../../shared/media/media-store.js';
import type { Queues } from '../../shared/queues/queues.js';
import { createFetcher } from '../../workers/ingest/http-fetcher.js';
import type { ImageReadPool } from '../../workers/media/image-read-pool.js';
import { mediaHandlers } from '../../workers/media/media.worker.js';
import { testLog } from './log.js';

/** The media worker's handlers as the runtime builds them, fetching from fakes on loopback. */
export function testMediaHandlers(deps: {
  db: Db;
  queues: Queues;
  store: MediaStore;
  reader: ImageReadPool;
  maxBytes: number;
}) {
  const fetcher = createFetcher({
    timeoutMs: 5_000,
    maxBytes: deps.maxBytes,
    allowPrivateNetworks: 'loopback',
    perHostIntervalMs: 0,
  });
  return mediaHandlers({
    db: deps.db,
    queues: deps.queues,
    store: deps.store,
    fetcher,
    reader: deps.reader,
    log: testLog,
    maxPixels: 40_000_000,
    maxPerPost: 10,
    orphanGrace: 60_000,
  });
}
