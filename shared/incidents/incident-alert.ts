import type { Kysely, Transaction } from 'kysely';
import { routeAlert } from '../alert-routing.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { OutboxEntry } from '../repositories/alert.repository.js';
import { anchorItems } from '../repositories/incident.repository.js';
import { districtsOfPlace } from './gazetteer.js';
import type { IncidentLink } from './link.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Where an incident happened, as alert rules match it. */
export interface IncidentPlace {
  id: number;
  postcodeDistrict: string | null;
  town: string | null;
}

/**
 * The outbox rows announcing an incident newly linked to campaigns, whether the linker or an analyst linked
 * it: a critical alert per channel, pointing at the offer of the best-linked live campaign (one with an offer
 * or call still standing). `links` are best first. Once per incident: the alert's key is the report and the
 * site, so a second link of the same incident, by hand or not, writes no second row.
 */
export async function incidentAlertEntries(
  trx: Executor,
  incident: IncidentPlace,
  links: IncidentLink[],
  alerts: Config['alerts'],
): Promise<OutboxEntry[]> {
  const anchors = await anchorItems(
    trx,
    links.map((l) => l.campaignId),
  );
  const best = links.find((l) => anchors.has(l.campaignId));
  if (!best) return [];
  const anchor = anchors.get(best.campaignId)!;
  return routeAlert(
    { severity: 'critical', postcodeDistricts: districtsOfPlace(incident), source: anchor.source },
    alerts,
  ).map((route) => ({
    reviewItemId: anchor.itemId,
    incidentId: incident.id,
    channel: route.channel,
    deliverAfter: route.deliverAfter,
  }));
}
