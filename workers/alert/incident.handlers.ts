import type { Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import { incidentAlertEntries } from '../../shared/incidents/incident-alert.js';
import { linkIncident } from '../../shared/incidents/link.js';
import type { Logger } from '../../shared/logger.js';
import type { Handlers } from '../../shared/queues/queue.catalog.js';
import { enqueueDeliveries, type Queues } from '../../shared/queues/queues.js';
import { insertOutbox, type OutboxEntry } from '../../shared/repositories/alert.repository.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../shared/db/database.js';
import {
  incidentsSince,
  insertLinks,
  liveCampaignTargets,
  recordIncidents,
} from '../../shared/repositories/incident.repository.js';

export interface IncidentDeps {
  db: Db;
  queues: Queues;
  alerts: Config['alerts'];
  incidents: Config['incidents'];
  log: Logger;
}

const DAY_MS = 86_400_000;

/**
 * Keeps reports of acts and links each new incident to the live campaigns it may answer. A report pages
 * nobody by itself; an incident linked to a campaign means its offer is being acted on, and raises one
 * critical alert per incident (and channel), pointing at the campaign's offer.
 */
export function incidentHandlers(deps: IncidentDeps): Pick<Handlers<'alert'>, 'incidents.record'> {
  return {
    'incidents.record': async ({ reports }) => {
      const { recorded, linked, outbox } = await deps.db.transaction().execute(async (trx) => {
        const recorded = await recordIncidents(trx, reports);
        if (recorded.length === 0) return { recorded, linked: 0, outbox: [] };
        const earliest = Math.min(...recorded.map((r) => Date.parse(`${r.incident.occurredOn}T00:00:00Z`)));
        const campaigns = await liveCampaignTargets(
          trx,
          new Date(earliest - (deps.incidents.linkWindowDays + 1) * DAY_MS),
        );
        const entries: OutboxEntry[] = [];
        let linked = 0;
        for (const r of recorded) {
          const added = await insertLinks(
            trx,
            r.id,
            linkIncident(r.incident, campaigns, deps.incidents.linkWindowDays),
          );
          linked += added.length;
          entries.push(
            ...(await incidentAlertEntries(
              trx,
              { id: r.id, postcodeDistrict: r.incident.postcodeDistrict, town: r.incident.town },
              added,
              deps.alerts,
            )),
          );
        }
        return { recorded, linked, outbox: await insertOutbox(trx, entries) };
      });
      await enqueueDeliveries(deps.queues, outbox);
      for (const r of recorded)
        deps.log.info(
          {
            incidentId: r.id,
            act: r.incident.act,
            place: r.incident.placeName ?? r.incident.placeType,
            district: r.incident.postcodeDistrict,
            occurredOn: r.incident.occurredOn,
          },
          'incident report kept',
        );
      return { recorded: recorded.length, linked, outboxed: outbox.length };
    },
  };
}

/**
 * Links acts already reported to campaigns that have just appeared or named a new target: a channel added
 * late, or read after the news, still shows its offer being acted on. Returns the alerts to write.
 */
export async function linkReportedIncidents(
  trx: Transaction<Database>,
  campaignIds: number[],
  deps: Pick<IncidentDeps, 'alerts' | 'incidents'>,
): Promise<OutboxEntry[]> {
  if (campaignIds.length === 0) return [];
  const campaigns = await liveCampaignTargets(trx, new Date(0), campaignIds);
  if (campaigns.length === 0) return [];
  const since = new Date(Math.min(...campaigns.map((c) => c.since.getTime()))).toISOString().slice(0, 10);
  const entries: OutboxEntry[] = [];
  for (const incident of await incidentsSince(trx, since)) {
    const added = await insertLinks(trx, incident.id, linkIncident(incident, campaigns, deps.incidents.linkWindowDays));
    if (added.length)
      entries.push(
        ...(await incidentAlertEntries(
          trx,
          { id: incident.id, postcodeDistrict: incident.postcodeDistrict, town: incident.town },
          added,
          deps.alerts,
        )),
      );
  }
  return entries;
}
