import type { IncidentAct, PlaceType } from './incident.js';
import type { ReviewItem } from './review-item.js';

export type AlertStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

/** An act reported at a site, linked to the item's campaign: what an incident alert announces. */
export interface AlertIncident {
  id: number;
  act: IncidentAct;
  placeType: PlaceType;
  placeName: string | null;
  road: string | null;
  town: string | null;
  postcodeDistrict: string | null;
  /** A calendar day, YYYY-MM-DD. */
  occurredOn: string;
  /** The report's link. */
  url: string | null;
}

/** One outbox row to deliver, with the item it announces. */
export interface DutyAlert {
  id: number;
  channel: string;
  status: AlertStatus;
  tier: number;
  idempotencyKey: string;
  deliverAfter: Date | null;
  item: ReviewItem;
  /** Every label the item's campaign holds; null when the item is in none. */
  campaignLabels: string[] | null;
  /** Whether any alert of the item has been acknowledged. */
  acknowledged: boolean;
  incident: AlertIncident | null;
}
