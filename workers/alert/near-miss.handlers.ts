import type { Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { Handlers } from '../../shared/queues/queue.catalog.js';
import { insertNearMisses, pruneNearMisses, trimNearMisses } from '../../shared/repositories/near-miss.repository.js';

export interface NearMissDeps {
  db: Db;
  nearMiss: Config['nearMiss'];
  log: Logger;
}

/**
 * Keeps near misses and uncovered-language samples, and holds the table to its bounds: the row bound on
 * every write (so a burst cannot outgrow it between prunes), retention on a BullMQ job scheduler.
 */
export function nearMissHandlers(
  deps: NearMissDeps,
): Pick<Handlers<'alert'>, 'near-misses.keep' | 'near-misses.prune'> {
  const { db, nearMiss, log } = deps;
  return {
    'near-misses.keep': async ({ items }) => {
      const { inserted, trimmed } = await db.transaction().execute(async (trx) => ({
        inserted: await insertNearMisses(trx, items),
        trimmed: await trimNearMisses(trx, nearMiss.maxRows),
      }));
      return { inserted, trimmed };
    },
    'near-misses.prune': async () => {
      const expired = await pruneNearMisses(db, nearMiss.retentionDays);
      const trimmed = await db.transaction().execute((trx) => trimNearMisses(trx, nearMiss.maxRows));
      if (expired || trimmed) log.info({ expired, trimmed }, 'near misses pruned');
      return { expired, trimmed };
    },
  };
}
