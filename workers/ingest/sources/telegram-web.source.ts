import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import { capturePost, sha256Hex, type CapturedPost } from '../../../shared/domain/post.js';
import { FETCHER, decodeUtf8, isoTime, type ReadContext, type Reject, type SourceReader } from '../source.js';
import { parseChannelPage, type WebPage, type WebPost } from './telegram-web.parser.js';

type WebSourceConfig = Extract<SourceConfig, { kind: 'telegram-web' }>;

const cursorSchema = z.object({ lastId: z.number().int().nonnegative() });

/** Older pages fetched per poll to close a gap since the last one (about 20 posts a page). */
const MAX_GAP_PAGES = 10;
const MAX_BACKFILL_PAGES = 250;
/** Deletion suspects confirmed per poll, each by fetching the post's own page. */
const MAX_DELETION_CHECKS = 5;
/** Response headers kept as capture metadata; cookies never are. */
const KEPT_HEADERS = ['date', 'content-type', 'content-length', 'last-modified', 'etag', 'server', 'cache-control'];

interface FetchedPage {
  url: string;
  page: WebPage;
  status: number;
  headers: Record<string, string>;
  fetchedAt: string;
  sha256: string;
  size: number;
}

async function fetchPage(config: WebSourceConfig, ctx: ReadContext, before?: number): Promise<FetchedPage | Reject> {
  const base = config.baseUrl.replace(/\/+$/, '');
  const url = `${base}/s/${config.channel}${before ? `?before=${before}` : ''}`;
  const res = await ctx.fetcher.get(url, { manualRedirect: true });
  if (res.status >= 300 && res.status < 400) {
    throw new Error(
      `${url} redirects to ${res.headers.location ?? '?'}: t.me/${config.channel} has no public preview (private, restricted or missing)`,
    );
  }
  const html = decodeUtf8(res.body);
  if (html === undefined)
    return {
      reason: `${url}: the page is not valid UTF-8`,
      raw: res.body.subarray(0, 1024 * 1024),
      context: { url, status: res.status },
    };
  const page = parseChannelPage(html);
  if (page.posts.length === 0 && !/tgme_channel_history|tgme_widget_message/.test(html)) {
    return {
      reason: `${url}: not a channel preview page (no message history)`,
      raw: res.body.subarray(0, 1024 * 1024),
      context: { url, status: res.status },
    };
  }
  const headers = Object.fromEntries(
    KEPT_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, res.headers[h]!]),
  );
  return {
    url,
    page,
    status: res.status,
    headers,
    fetchedAt: res.fetchedAt,
    sha256: sha256Hex(res.body),
    size: res.body.length,
  };
}

function toPost(p: WebPost, from: FetchedPage, config: WebSourceConfig, ctx: ReadContext): CapturedPost | Reject {
  const raw = Buffer.from(p.html, 'utf8');
  if (raw.length > ctx.maxPostBytes)
    return {
      reason: `post ${p.channel}/${p.id} is ${raw.length} bytes, over the ${ctx.maxPostBytes}-byte limit`,
      raw: raw.subarray(0, 1024 * 1024),
      context: { url: from.url, id: p.id },
    };
  const base = config.baseUrl.replace(/\/+$/, '');
  return capturePost(
    {
      source: ctx.sourceName,
      platform: 'telegram',
      channel: p.channel.toLowerCase(),
      channelTitle: from.page.channelTitle,
      externalId: String(p.id),
      url: `${base}/${p.channel}/${p.id}`,
      author: p.author,
      publishedAt: p.datetime ? isoTime(p.datetime) : null,
      text: p.text,
      replyTo: p.replyTo,
      forwardedFrom: p.forwardedFrom,
      media: p.media,
    },
    raw,
    'text/html; charset=utf-8',
    {
      url: from.url,
      fetchedAt: from.fetchedAt,
      fetcher: FETCHER,
      status: from.status,
      headers: from.headers,
      response: { size: from.size, sha256: from.sha256 },
    },
  );
}

/** A post the channel showed before but a fresh page omits is deleted only if its own page says so. */
async function confirmDeleted(config: WebSourceConfig, ctx: ReadContext, id: string): Promise<boolean> {
  const base = config.baseUrl.replace(/\/+$/, '');
  const res = await ctx.fetcher.get(`${base}/${config.channel}/${id}?embed=1&mode=tme`, {
    manualRedirect: true,
    accept: [404],
  });
  const html = decodeUtf8(res.body) ?? '';
  return !parseChannelPage(html).posts.some((p) => String(p.id) === id);
}

/**
 * Polls https://t.me/s/<channel>: new posts since the cursor, older pages to close a gap, a backfill
 * on first sight, and a check of posts that have disappeared from the newest page.
 */
export const readTelegramWeb: SourceReader<WebSourceConfig> = async (config, ctx) => {
  const cursor = cursorSchema.safeParse(ctx.cursor).data;
  const rejects: Reject[] = [];
  const pages: FetchedPage[] = [];
  const newest = await fetchPage(config, ctx);
  if ('reason' in newest) return { posts: [], rejects: [newest], cursor: ctx.cursor, more: false };
  pages.push(newest);

  const wanted = cursor
    ? (ids: number[]) => Math.min(...ids) > cursor.lastId + 1
    : () => pages.reduce((n, p) => n + p.page.posts.length, 0) < config.backfill;
  const limit = cursor ? MAX_GAP_PAGES : MAX_BACKFILL_PAGES;
  let before = newest.page.before;
  while (before && pages.length < limit && wanted(pages[pages.length - 1]!.page.posts.map((p) => p.id))) {
    const older = await fetchPage(config, ctx, before);
    if ('reason' in older) {
      rejects.push(older);
      break;
    }
    pages.push(older);
    before = older.page.before;
  }

  // Every post on the pages goes on: the handler drops the unchanged ones and versions the edited ones.
  // On first sight only the newest `backfill` are taken.
  let shown = pages.flatMap((fetched) => fetched.page.posts.filter((p) => !p.service).map((p) => ({ p, fetched })));
  if (!cursor)
    shown = shown
      .sort((a, b) => b.p.id - a.p.id)
      .slice(0, config.backfill)
      .reverse();
  const posts: CapturedPost[] = [];
  for (const { p, fetched } of shown) {
    const post = toPost(p, fetched, config, ctx);
    if ('reason' in post) rejects.push(post);
    else posts.push(post);
  }

  const gone: string[] = [];
  const ids = newest.page.posts.map((p) => p.id);
  if (ids.length) {
    const onPage = new Set(ids.map(String));
    // The newest page spans from its oldest post to the newest ever seen: anything seen there and now absent is suspect.
    const suspects = (await ctx.seenIdsBetween(Math.min(...ids), Math.max(cursor?.lastId ?? 0, ...ids))).filter(
      (id) => !onPage.has(id),
    );
    for (const id of suspects.slice(0, MAX_DELETION_CHECKS)) if (await confirmDeleted(config, ctx, id)) gone.push(id);
  }
  const lastId = Math.max(cursor?.lastId ?? 0, ...pages.flatMap((p) => p.page.posts.map((q) => q.id)));
  return { posts, rejects, gone, cursor: { lastId }, more: false };
};
