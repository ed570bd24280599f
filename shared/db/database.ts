import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { NearMissDecision, NearMissReason } from '../domain/near-miss.js';
import type { IncidentAct, LinkReasons, PlaceType } from '../domain/incident.js';
import type { MediaCapture } from '../domain/media.js';
import type { AlertStatus } from '../domain/alert.js';
import type { Capture, MediaRef, PostContext } from '../domain/post.js';
import type { ReviewStatus } from '../domain/review-item.js';
import type { Entities, FlagLabel, RationaleSpan } from '../domain/verdict.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type { ReviewStatus } from '../domain/review-item.js';
export type { AlertStatus } from '../domain/alert.js';
export type SourceOrigin = 'config' | 'demo' | 'api';
export type UserRole = 'analyst' | 'duty_officer' | 'admin' | 'auditor';

/** A configured feed (a file, a channel, an RSS URL…); its cursor lets a restarted worker resume. */
export interface SourceTable {
  id: Generated<number>;
  name: string;
  kind: string;
  /** Who manages it: the config file, the bundled demo, or an admin through the API. */
  origin: SourceOrigin;
  config: Json<Record<string, unknown>>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  cursor: Json<Record<string, unknown> | null> | null;
  last_polled_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  /** Polls are skipped until then: a 429's Retry-After, or backoff after consecutive failures. */
  backoff_until: Timestamp | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  last_success_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Watch-list priority an admin set, 1 (normal) to 5: a factor of the source's risk. */
  priority: ColumnType<number, number | undefined, number>;
  watch_reason: string | null;
  /** Posts per hour, smoothed over ingest.revisit.rateWindow. */
  posts_per_hour: ColumnType<number, number | undefined, number>;
  /** The revisit planner's interval and tier, as last scheduled. */
  revisit_ms: number | null;
  tier: string | null;
}

/** A hash of each post's text as last seen, to detect edits and deletions without keeping the text. */
export interface PostSeenTable {
  source_id: number;
  external_id: string;
  version: number;
  text_sha256: string;
  first_seen_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  deleted_at: Timestamp | null;
}

/** A channel, group or feed on a platform, as posts name it. */
export interface ChannelTable {
  id: Generated<number>;
  platform: string;
  handle: string;
  title: string | null;
  created_at: CreatedAt;
}

/** A flagged post, byte-exact as captured: the evidentiary copy. Never updated in place. */
export interface PostTable {
  id: Generated<number>;
  post_key: string;
  source_id: number | null;
  channel_id: number;
  platform: string;
  external_id: string;
  version: number;
  url: string | null;
  author: string | null;
  published_at: Timestamp | null;
  edited_at: Timestamp | null;
  text: string;
  reply_to: string | null;
  forwarded_from: string | null;
  media: JSONColumnType<MediaRef[]>;
  raw: Buffer;
  raw_sha256: string;
  raw_content_type: string;
  capture: JSONColumnType<Capture>;
  captured_at: Timestamp;
  deleted_at: Timestamp | null;
  created_at: CreatedAt;
  context: Json<PostContext | null> | null;
}

export interface ClassificationTable {
  id: Generated<number>;
  post_id: number;
  classifier_version: string;
  flagged: boolean;
  labels: string[];
  severity: string;
  scores: Json<Record<string, number>>;
  rationale: JSONColumnType<RationaleSpan[]>;
  entities: JSONColumnType<Entities>;
  created_at: CreatedAt;
}

export interface ReviewItemTable {
  id: Generated<number>;
  post_id: number;
  classification_id: number;
  status: ColumnType<ReviewStatus, ReviewStatus | undefined, ReviewStatus>;
  severity: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  assigned_to: number | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  campaign_id: number | null;
  /** The status the last decision replaced, kept until that decision is undone. */
  prior_status: ReviewStatus | null;
}

/** The same offer reposted or lightly edited, across channels: one campaign. */
export interface CampaignTable {
  id: Generated<number>;
  /** 64-bit SimHash of the normalised text, hex. */
  simhash: string;
  first_seen_at: CreatedAt;
  last_seen_at: Timestamp;
  item_count: ColumnType<number, number | undefined, number>;
  channels: string[];
  targets: string[];
  amounts: string[];
  /** Payment and contact handles ("@payday_admin", "payment bot"). */
  handles: string[];
  /** Every label its items carry: whether it holds an offer, a call, a claim. */
  labels: ColumnType<string[], string[] | undefined, string[]>;
  /** pHashes (hex) of its items' images. */
  image_hashes: ColumnType<string[], string[] | undefined, string[]>;
}

/** One image of a flagged post: its reading (OCR, QR, perceptual hashes) and capture; the bytes are in the media store. */
export interface PostMediaTable {
  id: Generated<number>;
  post_key: string;
  sha256: string;
  /** Its place among the post's images. */
  position: number;
  kind: string;
  /** From the magic bytes. */
  content_type: string;
  size: number;
  width: number;
  height: number;
  phash: string;
  dhash: string;
  ocr_text: string;
  qr: string | null;
  capture: JSONColumnType<MediaCapture>;
  created_at: CreatedAt;
}

export interface SessionTable {
  id: Generated<number>;
  /** Only the hash of the cookie value is stored. */
  token_sha256: string;
  csrf_token: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** Bearer tokens for scripts; only their hash is stored. */
export interface ApiTokenTable {
  id: Generated<number>;
  token_sha256: string;
  user_id: number;
  name: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ReviewNoteTable {
  id: Generated<number>;
  review_item_id: number;
  user_id: number;
  text: string;
  created_at: CreatedAt;
}

/** The alert outbox: written with its review item, delivered after commit. */
export interface AlertTable {
  id: Generated<number>;
  review_item_id: number;
  /** Set when the alert announces an incident linked to the item's campaign (the offer being acted on). */
  incident_id: ColumnType<number | null, number | null | undefined, number | null>;
  channel: string;
  idempotency_key: string;
  status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: number | null;
  /** 0 for the first page, 1 for the first escalation, and so on. */
  tier: ColumnType<number, number | undefined, number>;
  /** Held back until then (quiet hours); null: send at once. */
  deliver_after: Timestamp | null;
  /** When this alert, unacknowledged, set off the next tier. */
  escalated_at: Timestamp | null;
  /** Who acknowledged, and how ("telegram:@officer", "api:user 3"). */
  acknowledged_via: string | null;
  /** What the receiver answered (status, message id), for the record. */
  receipt: Json<Record<string, unknown> | null> | null;
  /** Set while an attempt is with the receiver; still set at the next attempt, the last one's outcome is unknown. */
  send_started_at: Timestamp | null;
  /** Attempts made while an earlier one's outcome was unknown: deliveries the receiver may have got twice. */
  duplicate_risk: ColumnType<number, number | undefined, number>;
}

export interface AppUserTable {
  id: Generated<number>;
  email: string;
  role: UserRole;
  password_hash: string | null;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

/** Append-only; each row hashes the previous one so tampering is detectable. */
export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: number | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string;
}

/** Input that could not become a post, kept with its bytes so it can be inspected and re-driven. */
export interface QuarantineTable {
  id: Generated<number>;
  source_id: number | null;
  stage: string;
  reason: string;
  raw: Buffer;
  raw_sha256: string;
  context: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/**
 * An unflagged post kept for analysts: a near miss, or a sample from a language the classifier does not
 * cover. Bounded (config `nearMiss`): only the text and verdict, never the raw bytes; pruned by age and count.
 */
export interface NearMissTable {
  id: Generated<number>;
  /** The post's identity (see postKey); unique, so a replayed batch adds nothing. */
  post_key: string;
  reason: NearMissReason;
  /** The source's name, as the post carried it: a near miss stands alone and is deleted on its own schedule. */
  source: string;
  platform: string;
  channel: string;
  external_id: string;
  url: string | null;
  published_at: Timestamp | null;
  text: string;
  language: string;
  classifier_version: string;
  labels: string[];
  scores: Json<Record<string, number>>;
  created_at: CreatedAt;
  decision: NearMissDecision | null;
  /** The flag label an analyst gave an incitement; null for 'not'. */
  decided_label: FlagLabel | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
}

/** This instance's identity (one row): names per-instance files such as the evidence signing key. */
export interface InstanceTable {
  singleton: ColumnType<boolean, never, never>;
  id: ColumnType<string, never, never>;
  created_at: ColumnType<Date, never, never>;
}

/** A review-desk search an analyst named, to run again: the desk's query string, as the desk built it. */
export interface SavedViewTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  query: string;
  created_at: CreatedAt;
}

/**
 * A read whose posts are still only in Redis, with the cursor before it: where ingest re-reads from if Redis
 * loses its data. Deleted once every job carrying its posts is done.
 */
export interface IngestInflightTable {
  id: Generated<number>;
  source_id: number;
  cursor_before: Json<Record<string, unknown> | null> | null;
  job_ids: string[];
  /** Posts of the read whose images go to the media queue after classification. */
  media_post_keys: Generated<string[]>;
  /** The Redis generation the jobs went to (see shared/queues/seen-set.ts). */
  redis_generation: string;
  created_at: CreatedAt;
}

/** A report of acts (news item, police statement), kept byte-exact: public reporting, not people's posts. */
export interface IncidentReportTable {
  id: Generated<number>;
  post_key: string;
  source: string;
  platform: string;
  channel: string;
  url: string | null;
  published_at: Timestamp | null;
  text: string;
  raw: Buffer;
  raw_sha256: string;
  raw_content_type: string;
  captured_at: Timestamp;
  created_at: CreatedAt;
}

/** One act at one site, as a report tells it (shared/incidents/extract.ts). */
export interface IncidentTable {
  id: Generated<number>;
  report_id: number;
  /** One row per site a report names: a retried job writes nothing new. */
  site_key: string;
  act: IncidentAct;
  place_type: PlaceType;
  place_name: string | null;
  postcode_district: string | null;
  road: string | null;
  town: string | null;
  /** A calendar day, read as text so no time zone shifts it. */
  occurred_on: ColumnType<string, string, string>;
  dated: boolean;
  span_start: number;
  span_end: number;
  created_at: CreatedAt;
}

/** An incident that may be the act a campaign paid or called for. */
export interface IncidentLinkTable {
  incident_id: number;
  campaign_id: number;
  score: number;
  reasons: Json<LinkReasons>;
  /** 'auto', or the analyst who linked it ("user:3"). */
  linked_by: string;
  created_at: CreatedAt;
}

export interface Database {
  source: SourceTable;
  channel: ChannelTable;
  post: PostTable;
  classification: ClassificationTable;
  review_item: ReviewItemTable;
  alert: AlertTable;
  app_user: AppUserTable;
  audit_log: AuditLogTable;
  quarantine: QuarantineTable;
  post_seen: PostSeenTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  review_note: ReviewNoteTable;
  campaign: CampaignTable;
  near_miss: NearMissTable;
  instance: InstanceTable;
  ingest_inflight: IngestInflightTable;
  saved_view: SavedViewTable;
  incident_report: IncidentReportTable;
  incident: IncidentTable;
  incident_link: IncidentLinkTable;
  post_media: PostMediaTable;
}

export type SourceRow = Selectable<SourceTable>;
export type PostRow = Selectable<PostTable>;
export type NewPost = Insertable<PostTable>;
export type ReviewItemRow = Selectable<ReviewItemTable>;
export type NewQuarantine = Insertable<QuarantineTable>;
export type NearMissRow = Selectable<NearMissTable>;
export type PostMediaRow = Selectable<PostMediaTable>;
