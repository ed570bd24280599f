import type { Redis } from 'ioredis';
import { routeAlert } from '../../shared/alert-routing.js';
import type { Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import { addStats } from '../../shared/metrics.js';
import type { Handlers } from '../../shared/queues/queue.catalog.js';
import { enqueueDeliveries, type Queues } from '../../shared/queues/queues.js';
import { insertOutbox } from '../../shared/repositories/alert.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { incidentHandlers, linkReportedIncidents } from './incident.handlers.js';
import { nearMissHandlers } from './near-miss.handlers.js';

export interface AlertDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  prefix: string;
  alerts: Config['alerts'];
  nearMiss: Config['nearMiss'];
  incidents: Config['incidents'];
  /** Where an analyst opens an item, for the log line. */
  itemUrl: (id: number) => string;
  log: Logger;
  /** Signs the audit log's head and records it outside the table (file and log); undefined while the log is empty. */
  checkpointAudit: () => Promise<{ lastId: number; rows: number } | undefined>;
}

/**
 * Persists flagged posts as review items and, in the same transaction, the outbox rows that announce
 * them. A retried batch creates nothing new, so no alert is ever written twice.
 */
export function alertHandlers(deps: AlertDeps): Handlers<'alert'> {
  return {
    ...nearMissHandlers(deps),
    ...incidentHandlers(deps),
    'audit.checkpoint': async () => {
      const cp = await deps.checkpointAudit();
      return cp ? { lastId: cp.lastId, rows: cp.rows } : { empty: true };
    },
    'items.alert': async ({ items }, job) => {
      const byKey = new Map(items.map((i) => [i.post.key, i]));
      const { created, campaigns, outbox } = await deps.db.transaction().execute(async (trx) => {
        const created = await insertFlagged(trx, items);
        const campaigns = await assignCampaigns(
          trx,
          created.map((c) => ({ reviewItemId: c.reviewItemId, input: byKey.get(c.postKey)! })),
        );
        const entries = created.flatMap((c) => {
          // A repost of a known campaign updates it without paging anyone again, unless it names a new target
          // or is the first claim that the campaign's offer was acted on (or the offer behind earlier claims).
          const campaign = campaigns.get(c.reviewItemId);
          if (campaign?.repeat && !campaign.newTarget && !campaign.firstActedOn) return [];
          const { post, verdict } = byKey.get(c.postKey)!;
          const districts = verdict.entities.postcodeDistricts ?? [];
          return routeAlert(
            { severity: campaign?.severity ?? verdict.severity, postcodeDistricts: districts, source: post.source },
            deps.alerts,
          ).map((r) => ({ reviewItemId: c.reviewItemId, channel: r.channel, deliverAfter: r.deliverAfter }));
        });
        // A campaign that is new or names a new target may be what acts reported earlier were answering.
        const grown = [
          ...new Set([...campaigns.values()].filter((c) => !c.repeat || c.newTarget).map((c) => c.campaignId)),
        ];
        const incidentEntries = await linkReportedIncidents(trx, grown, deps);
        return { created, campaigns, outbox: await insertOutbox(trx, [...entries, ...incidentEntries]) };
      });
      await enqueueDeliveries(deps.queues, outbox);
      await addStats(deps.redis, deps.prefix, { review_items_created: created.length });
      for (const c of created) {
        const { post, verdict } = byKey.get(c.postKey)!;
        deps.log.info(
          {
            jobId: job.id,
            itemId: c.reviewItemId,
            severity: campaigns.get(c.reviewItemId)?.severity ?? c.severity,
            labels: verdict.labels,
            channel: post.channel,
            externalId: post.externalId,
            open: deps.itemUrl(c.reviewItemId),
          },
          'flagged post queued for review',
        );
      }
      return { created: created.length, outboxed: outbox.length };
    },
  };
}
