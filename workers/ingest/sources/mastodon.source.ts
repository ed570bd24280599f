import * as cheerio from 'cheerio';
import LinkHeader from 'http-link-header';
import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import { capturePost, sha256Hex, type CapturedPost, type MediaRef } from '../../../shared/domain/post.js';
import { FetchError, type Fetched } from '../http-fetcher.js';
import { FETCHER, decodeUtf8, isoTime, type Reject, type SourceReader } from '../source.js';

type MastodonSourceConfig = Extract<SourceConfig, { kind: 'mastodon' }>;

const cursorSchema = z.object({ minId: z.string().regex(/^\d+$/) });

const statusSchema = z
  .object({
    id: z.string().regex(/^\d{1,30}$/),
    created_at: z.iso.datetime({ offset: true }),
    edited_at: z.string().nullable().optional(),
    in_reply_to_id: z.string().nullable().optional(),
    spoiler_text: z.string().optional(),
    content: z.string(),
    url: z.string().nullable().optional(),
    uri: z.string(),
    language: z.string().nullable().optional(),
    account: z.object({ acct: z.string() }).loose(),
    media_attachments: z
      .array(z.object({ type: z.string(), url: z.string().nullable().optional() }).loose())
      .default([]),
    reblog: z.unknown().nullable().optional(),
  })
  .loose();
type Status = z.infer<typeof statusSchema>;

/** An attachment as a reference; a video's or GIF's preview still is added as the image to read in its place. */
function mediaOf(m: Status['media_attachments'][number]): MediaRef[] {
  const refs: MediaRef[] = [{ kind: m.type, ...(m.url ? { url: m.url } : {}) }];
  const preview = typeof m.preview_url === 'string' ? m.preview_url : undefined;
  if ((m.type === 'video' || m.type === 'gifv') && preview)
    refs.push({ kind: m.type === 'video' ? 'video_thumbnail' : 'gifv_thumbnail', url: preview });
  return refs;
}

/** Pages of newer statuses followed per poll (40 a page). */
const MAX_PAGES = 10;
const PAGE_SIZE = 40;

/** Status content is HTML: its text, paragraphs and line breaks kept. */
function contentText(html: string): string {
  const $ = cheerio.load(html);
  $('br').replaceWith('\n');
  $('p').each((_, p) => void $(p).append('\n'));
  return $.root()
    .text()
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function timelinePath(config: MastodonSourceConfig): string {
  if (config.hashtag) return `/api/v1/timelines/tag/${encodeURIComponent(config.hashtag)}`;
  return '/api/v1/timelines/public';
}

/** The remaining budget ran out: wait for the reset rather than spend the instance's patience. */
function checkBudget(headers: Record<string, string>): void {
  if (headers['x-ratelimit-remaining'] !== '0') return;
  const reset = Date.parse(headers['x-ratelimit-reset'] ?? '');
  throw new FetchError(
    'rate-limit budget used up (X-RateLimit-Remaining: 0)',
    'rate_limited',
    200,
    Number.isFinite(reset) ? Math.max(1_000, reset - Date.now()) : 300_000,
  );
}

/** Pages are read from the configured instance only: a Link elsewhere is refused, not followed. */
function onInstance(link: string, page: string, instance: URL): string {
  const next = new URL(link, page);
  if (next.origin !== instance.origin)
    throw new FetchError(
      `${page}: Link rel="prev" to another origin (${next.origin}) refused; this source reads ${instance.origin} only`,
      'refused',
    );
  return next.href;
}

function firstPage(config: MastodonSourceConfig, instance: URL, minId: string | undefined): URL {
  const first = new URL(timelinePath(config), instance);
  first.searchParams.set('limit', String(PAGE_SIZE));
  if (!config.hashtag && config.local) first.searchParams.set('local', 'true');
  if (minId) first.searchParams.set('min_id', minId);
  return first;
}

function parseStatuses(bytes: Buffer): unknown {
  const body = decodeUtf8(bytes);
  try {
    return body === undefined ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

interface Pages {
  posts: CapturedPost[];
  rejects: Reject[];
  /** The highest status id seen: the next poll's cursor. */
  maxId: string;
}

/** One page's statuses as posts, or rejects where malformed. */
function capturePage(
  acc: Pages,
  statuses: unknown[],
  res: Fetched,
  { url, channel, source }: { url: string; channel: string; source: string },
): void {
  const response = { size: res.body.length, sha256: sha256Hex(res.body) };
  const kept = Object.fromEntries(
    ['date', 'content-type', 'link', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']
      .filter((h) => res.headers[h])
      .map((h) => [h, res.headers[h]!]),
  );
  for (const item of statuses) {
    const raw = Buffer.from(JSON.stringify(item));
    const parsed = statusSchema.safeParse(item);
    if (!parsed.success) {
      acc.rejects.push({
        reason: `${url}: malformed status (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
        raw,
        context: { url },
      });
      continue;
    }
    const s = parsed.data;
    if (BigInt(s.id) > BigInt(acc.maxId)) acc.maxId = s.id;
    acc.posts.push(
      toPost(s, raw, channel, source, {
        url,
        fetchedAt: res.fetchedAt,
        fetcher: FETCHER,
        status: res.status,
        headers: kept,
        response,
      }),
    );
  }
}

/**
 * Hashtag or public timelines with `min_id` cursors: the first poll takes the newest page; later polls
 * ask for what is newer than the cursor and follow `Link: rel="prev"` while pages come back full.
 */
export const readMastodon: SourceReader<MastodonSourceConfig> = async (config, ctx) => {
  const cursor = cursorSchema.safeParse(ctx.cursor).data;
  const instance = new URL(config.instance);
  const channel = `${instance.host}/${config.hashtag ? `tags/${config.hashtag.toLowerCase()}` : config.local ? 'local' : 'public'}`;
  const first = firstPage(config, instance, cursor?.minId);
  // The token is the instance's: the fetcher sends it to that origin only, redirect hops included.
  const credentials = config.accessToken
    ? { origin: instance.origin, headers: { authorization: `Bearer ${config.accessToken}` } }
    : undefined;

  const acc: Pages = { posts: [], rejects: [], maxId: cursor?.minId ?? '0' };
  const { posts, rejects } = acc;
  let url: string | undefined = first.toString();
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await ctx.fetcher.get(url, { credentials });
    const statuses = parseStatuses(res.body);
    if (!Array.isArray(statuses)) {
      rejects.push({
        reason: `${url}: expected a JSON array of statuses`,
        raw: res.body.subarray(0, 1024 * 1024),
        context: { url, status: res.status },
      });
      break;
    }
    capturePage(acc, statuses, res, { url, channel, source: ctx.sourceName });
    // Newer pages exist only while pages come back full; without a cursor the newest page is enough.
    const prev = res.headers.link ? LinkHeader.parse(res.headers.link).rel('prev')[0]?.uri : undefined;
    url = cursor && statuses.length >= PAGE_SIZE && prev ? onInstance(prev, res.url, instance) : undefined;
    if (url) checkBudget(res.headers);
  }
  posts.sort((a, b) => (BigInt(a.externalId) < BigInt(b.externalId) ? -1 : 1));
  return { posts, rejects, cursor: acc.maxId === '0' ? ctx.cursor : { minId: acc.maxId }, more: false };
};

function toPost(
  s: Status,
  raw: Buffer,
  channel: string,
  source: string,
  capture: Parameters<typeof capturePost>[3],
): CapturedPost {
  const reblog = s.reblog ? statusSchema.safeParse(s.reblog).data : undefined;
  const shown = reblog ?? s;
  const text = [shown.spoiler_text, contentText(shown.content)].filter(Boolean).join('\n');
  return capturePost(
    {
      source,
      platform: 'mastodon',
      channel,
      externalId: s.id,
      url: s.url ?? s.uri,
      author: s.account.acct,
      publishedAt: isoTime(s.created_at),
      editedAt: s.edited_at ? isoTime(s.edited_at) : null,
      text,
      replyTo: s.in_reply_to_id ?? null,
      forwardedFrom: reblog ? reblog.account.acct : null,
      media: shown.media_attachments.flatMap(mediaOf),
    },
    raw,
    'application/json',
    capture,
  );
}
