import { createHash } from 'node:crypto';
import { z } from 'zod';

/** How the raw bytes were obtained: what lets a third party trust that the post came from where we say. */
export const captureSchema = z.object({
  url: z.string().max(4096),
  fetchedAt: z.iso.datetime({ offset: true }),
  fetcher: z.string().max(200),
  status: z.number().int().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  file: z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** The whole HTTP response a post was cut from (a channel page, a feed), so the page itself can be checked. */
  response: z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});

export const mediaRefSchema = z.object({
  kind: z.string().max(40),
  url: z.string().max(4096).optional(),
  fileName: z.string().max(1000).optional(),
  mimeType: z.string().max(200).optional(),
});

const contextPost = z.object({ externalId: z.string().max(200), text: z.string().max(1000) });

/** A post as captured, carried through the queues; only flagged posts are written to Postgres. */
export const capturedPostSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.string().max(100),
  platform: z.string().max(40),
  channel: z.string().max(200),
  channelTitle: z.string().max(500).nullable(),
  externalId: z.string().max(200),
  version: z.number().int().min(1),
  url: z.string().max(4096).nullable(),
  author: z.string().max(500).nullable(),
  publishedAt: z.iso.datetime({ offset: true }).nullable(),
  editedAt: z.iso.datetime({ offset: true }).nullable(),
  text: z.string(),
  replyTo: z.string().max(200).nullable(),
  forwardedFrom: z.string().max(500).nullable(),
  media: z.array(mediaRefSchema).max(100),
  raw: z.object({ base64: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), contentType: z.string().max(200) }),
  capture: captureSchema,
  /** Neighbouring posts of the same channel from the same read, so a flagged post keeps its context. */
  context: z.object({ before: z.array(contextPost).max(5), after: z.array(contextPost).max(5) }).optional(),
});

export type CapturedPost = z.infer<typeof capturedPostSchema>;
export type Capture = z.infer<typeof captureSchema>;
export type MediaRef = z.infer<typeof mediaRefSchema>;

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The identity of one version of one post; the Redis seen-set and the Postgres unique key both use it. */
export const postKey = (platform: string, channel: string, externalId: string, version: number): string =>
  sha256Hex(JSON.stringify([platform, channel.toLowerCase(), externalId, version]));

export interface PostFields {
  source: string;
  platform: string;
  channel: string;
  channelTitle?: string | null;
  externalId: string;
  version?: number;
  url?: string | null;
  author?: string | null;
  publishedAt?: string | null;
  editedAt?: string | null;
  text: string;
  replyTo?: string | null;
  forwardedFrom?: string | null;
  media?: MediaRef[];
}

/** Assembles a post around its raw bytes, hashing them at capture time. */
export function capturePost(fields: PostFields, raw: Uint8Array, contentType: string, capture: Capture): CapturedPost {
  const version = fields.version ?? 1;
  return {
    key: postKey(fields.platform, fields.channel, fields.externalId, version),
    source: fields.source,
    platform: fields.platform,
    channel: fields.channel,
    channelTitle: fields.channelTitle ?? null,
    externalId: fields.externalId,
    version,
    url: fields.url ?? null,
    author: fields.author ?? null,
    publishedAt: fields.publishedAt ?? null,
    editedAt: fields.editedAt ?? null,
    text: fields.text,
    replyTo: fields.replyTo ?? null,
    forwardedFrom: fields.forwardedFrom ?? null,
    media: fields.media ?? [],
    raw: { base64: Buffer.from(raw).toString('base64'), sha256: sha256Hex(raw), contentType },
    capture,
  };
}
