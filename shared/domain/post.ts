import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Control characters (C0, DEL, C1) and unpaired surrogates: Postgres text refuses NUL, and none belongs in an id or a name. */
const UNSAFE_CHAR = /[\p{Cc}\p{Cs}]/u;
const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * An identifier as a source gives it (post id, channel, author). One with a control character is refused
 * whole, never cleaned: a cleaned key could name another post, and a NUL fails every query that binds it.
 */
export const identifierSchema = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .superRefine((s, ctx) => {
      const bad = UNSAFE_CHAR.exec(s);
      if (bad)
        ctx.addIssue({
          code: 'custom',
          message: `has ${/\p{Cs}/u.test(bad[0]) ? 'an unpaired surrogate' : 'a control character'} (${codePoint(bad[0])}) at offset ${bad.index}`,
        });
    });

/** Postgres' timestamptz has no year 0 and takes offsets only up to ±15:59; zod's ISO check allows both. */
const storableMoment = (s: string) => !s.startsWith('0000') && Number(/([+-])(\d\d):?\d\d$/.exec(s)?.[2] ?? 0) <= 15;

/** A moment as ISO 8601 with its offset, one Postgres can store: a date it refuses would fail a whole batch of flagged posts. */
export const isoMomentSchema = z.iso
  .datetime({ offset: true })
  .refine(storableMoment, 'is a date Postgres cannot store (year 0, or an offset past ±15:59)');

/** How the raw bytes were obtained: what lets a third party trust that the post came from where we say. */
export const captureSchema = z.object({
  url: z.string().max(4096),
  fetchedAt: isoMomentSchema,
  fetcher: z.string().max(200),
  status: z.number().int().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  file: z
    .object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
    .optional(),
  /** The whole HTTP response a post was cut from (a channel page, a feed), so the page itself can be checked. */
  response: z.object({ size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});

export const mediaRefSchema = z.object({
  kind: z.string().max(40),
  url: z.string().max(4096).optional(),
  fileName: z.string().max(1000).optional(),
  mimeType: z.string().max(200).optional(),
});

const contextPost = z.object({ externalId: identifierSchema(200, 1), text: z.string().max(1000) });
/** Neighbouring posts of the same channel from the same read, so a flagged post keeps its context. */
export const postContextSchema = z.object({ before: z.array(contextPost).max(5), after: z.array(contextPost).max(5) });

/** A post as captured, carried through the queues; only flagged posts are written to Postgres. */
export const capturedPostSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  source: identifierSchema(100, 1),
  platform: identifierSchema(40, 1),
  channel: identifierSchema(200, 1),
  channelTitle: z.string().max(500).nullable(),
  externalId: identifierSchema(200, 1),
  version: z.number().int().min(1),
  url: z.string().max(4096).nullable(),
  author: identifierSchema(500).nullable(),
  publishedAt: isoMomentSchema.nullable(),
  editedAt: isoMomentSchema.nullable(),
  text: z.string(),
  replyTo: identifierSchema(200).nullable(),
  forwardedFrom: z.string().max(500).nullable(),
  media: z.array(mediaRefSchema).max(100),
  raw: z.object({ base64: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), contentType: z.string().max(200) }),
  capture: captureSchema,
  context: postContextSchema.optional(),
});

export type CapturedPost = z.infer<typeof capturedPostSchema>;
export type Capture = z.infer<typeof captureSchema>;
export type MediaRef = z.infer<typeof mediaRefSchema>;
/** Neighbouring posts of the same channel, as kept with a flagged post. */
export type PostContext = NonNullable<CapturedPost['context']>;

/** Why a post cannot travel or be stored ("externalId: has a control character (U+0000) at offset 2"), or undefined. */
export function postProblem(post: CapturedPost): string | undefined {
  const parsed = capturedPostSchema.safeParse(post);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `${issue?.path.join('.') || 'post'}: ${issue?.message}`;
}

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
