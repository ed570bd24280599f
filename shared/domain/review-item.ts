import type { PostContext } from './post.js';
import type { Entities, RationaleSpan } from './verdict.js';

export const REVIEW_STATUSES = ['new', 'confirmed', 'dismissed', 'escalated'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The flagged version of the post, with where it was read. */
export interface ItemPost {
  sourceId: number | null;
  sourceName: string | null;
  platform: string;
  channelId: number;
  /** The channel's handle. */
  channel: string;
  channelTitle: string | null;
  externalId: string;
  version: number;
  url: string | null;
  author: string | null;
  publishedAt: Date | null;
  capturedAt: Date;
  deletedAt: Date | null;
  text: string;
  rawSha256: string;
  context: PostContext | null;
}

/** The classifier's verdict on the post, as stored. */
export interface ItemClassification {
  classifier: string;
  flagged: boolean;
  labels: string[];
  /** The post's severity alone; the item's may be raised by its campaign. */
  severity: string;
  scores: Record<string, number>;
  rationale: RationaleSpan[];
  entities: Entities;
  classifiedAt: Date;
}

/** A review item as the desk, the API, duty alerts and evidence bundles all read it. */
export interface ReviewItem {
  id: number;
  status: ReviewStatus;
  severity: string;
  createdAt: Date;
  assignedTo: number | null;
  decidedBy: number | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  campaignId: number | null;
  post: ItemPost;
  classification: ItemClassification;
}
