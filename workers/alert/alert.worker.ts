import type { Redis } from 'ioredis';
import { routeAlert } from '../../shared/alert-routing.js';
import type { Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import { addStats } from '../../shared/metrics.js';
import type { Handlers } from '../../shared/queues/queue.catalog.js';
import { insertOutbox } from '../../shared/repositories/alert.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';

export interface AlertDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  rules: Config['alerts']['rules'];
  /** Where an analyst opens an item, for the log line. */
  itemUrl: (id: number) => string;
  log: Logger;
}

/**
 * Persists flagged posts as review items and, in the same transaction, the outbox rows that announce
 * them. A retried batch creates nothing new, so no alert is ever written twice.
 */
export function alertHandlers(deps: AlertDeps): Handlers<'alert'> {
  return {
    'items.alert': async ({ items }, job) => {
      const severityOf = new Map(items.map((i) => [i.post.key, i.verdict.severity]));
      const { created, outboxed } = await deps.db.transaction().execute(async (trx) => {
        const created = await insertFlagged(trx, items);
        const outbox = created.flatMap((c) => routeAlert(severityOf.get(c.postKey)!, deps.rules).map((channel) => ({ reviewItemId: c.reviewItemId, channel })));
        return { created, outboxed: await insertOutbox(trx, outbox) };
      });
      await addStats(deps.redis, deps.prefix, { review_items_created: created.length });
      const byKey = new Map(items.map((i) => [i.post.key, i]));
      for (const c of created) {
        const { post, verdict } = byKey.get(c.postKey)!;
        deps.log.info(
          { jobId: job.id, itemId: c.reviewItemId, severity: c.severity, labels: verdict.labels, channel: post.channel, externalId: post.externalId, open: deps.itemUrl(c.reviewItemId) },
          'flagged post queued for review',
        );
      }
      return { created: created.length, outboxed };
    },
  };
}
