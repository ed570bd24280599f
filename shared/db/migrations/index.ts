import type { Migration } from 'kysely';
import * as initial from './2026-11-21T00-00_initial.js';
import * as sourceHealth from './2026-11-21T01-00_source-health-and-seen.js';
import * as alertTiers from './2026-11-21T02-00_alert-tiers.js';
import * as reviewDesk from './2026-11-21T03-00_review-desk.js';
import * as campaigns from './2026-11-21T04-00_campaigns.js';
import * as postContext from './2026-11-21T05-00_post-context.js';
import * as nearMiss from './2026-11-30T00-10_near-miss.js';
import * as claim from './2026-11-30T00-00_claim.js';
import * as instance from './2026-11-30T01-00_instance.js';
import * as deskSearch from './2026-11-30T02-00_desk-search.js';
import * as ingestInflight from './2026-12-01T00-00_ingest-inflight.js';
import * as alertSendClaim from './2026-12-01T00-10_alert-send-claim.js';
import * as incidents from './2026-12-01T01-00_incidents.js';
import * as revisit from './2026-12-02T00-00_revisit.js';
import * as media from './2026-12-02T01-00_media.js';
import * as inflightMedia from './2026-12-03T00-00_inflight-media.js';

/** Every migration, by ISO-dated name; the Migrator runs them in name order. */
export const migrations: Record<string, Migration> = {
  '2026-11-21T00-00_initial': initial,
  '2026-11-21T01-00_source-health-and-seen': sourceHealth,
  '2026-11-21T02-00_alert-tiers': alertTiers,
  '2026-11-21T03-00_review-desk': reviewDesk,
  '2026-11-21T04-00_campaigns': campaigns,
  '2026-11-21T05-00_post-context': postContext,
  '2026-11-30T00-10_near-miss': nearMiss,
  '2026-11-30T00-00_claim': claim,
  '2026-11-30T01-00_instance': instance,
  '2026-11-30T02-00_desk-search': deskSearch,
  '2026-12-01T00-00_ingest-inflight': ingestInflight,
  '2026-12-01T00-10_alert-send-claim': alertSendClaim,
  '2026-12-01T01-00_incidents': incidents,
  '2026-12-02T00-00_revisit': revisit,
  '2026-12-02T01-00_media': media,
  '2026-12-03T00-00_inflight-media': inflightMedia,
};
