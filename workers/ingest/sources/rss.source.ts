import * as cheerio from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import { capturePost, sha256Hex, type CapturedPost, type MediaRef } from '../../../shared/domain/post.js';
import { FETCHER, decodeUtf8, type ReadContext, type Reject, type SourceReader } from '../source.js';
import type { Fetched } from '../http-fetcher.js';

type RssSourceConfig = Extract<SourceConfig, { kind: 'rss' }>;

const cursorSchema = z.object({ etag: z.string().optional(), lastModified: z.string().optional() });

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link' || name === 'category',
});

/** Tracking parameters that make one article look like many. */
const TRACKING = /^(?:utm_\w+|at_\w+|wt_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ns_\w+|CMP)$/i;

export function cleanLink(link: string): string {
  try {
    const u = new URL(link);
    for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
    u.hash = '';
    return u.toString();
  } catch {
    return link;
  }
}

type Node = Record<string, unknown> | string | undefined;
const text = (n: unknown): string => {
  if (n === undefined || n === null) return '';
  if (typeof n === 'string' || typeof n === 'number') return String(n);
  if (typeof n === 'object' && '#text' in n) return String((n as Record<string, unknown>)['#text']);
  return '';
};
/** Feed descriptions are HTML: the words, with paragraph and line breaks kept. */
const htmlText = (html: string): string => {
  if (!/[<&]/.test(html)) return html.trim();
  const $ = cheerio.load(html);
  $('br').replaceWith('\n');
  $('p, div, li').each((_, el) => void $(el).append('\n'));
  return $.root()
    .text()
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
};

interface Item {
  id: string;
  link: string | null;
  title: string;
  body: string;
  author: string | null;
  published: string | null;
  media: MediaRef[];
}

/** A repeatable element's values: the parser makes some arrays (isArray above), others are one value or none. */
const list = (n: unknown): unknown[] => (Array.isArray(n) ? n : n === undefined ? [] : [n]);
const many = (n: unknown): Record<string, string>[] =>
  list(n).filter((x): x is Record<string, string> => typeof x === 'object' && x !== null);

/** Images an item carries: RSS enclosures and Media RSS content or thumbnails (an image type or medium), Atom enclosure links. */
function itemImages(it: Record<string, unknown>): MediaRef[] {
  const refs: MediaRef[] = [];
  for (const e of [...many(it.enclosure), ...many(it['media:content']), ...many(it['media:thumbnail'])]) {
    const url = e['@_url'];
    if (!url) continue;
    const type = e['@_type'] ?? (e['@_medium'] === 'image' || !('@_medium' in e) ? 'image/*' : '');
    if (type.startsWith('image/')) refs.push({ kind: 'enclosure', url, mimeType: type });
  }
  for (const l of many(it.link))
    if (l['@_rel'] === 'enclosure' && l['@_href'] && (l['@_type'] ?? '').startsWith('image/'))
      refs.push({ kind: 'enclosure', url: l['@_href'], mimeType: l['@_type'] });
  return refs;
}

const isoDate = (raw: string): string | null => {
  const t = Date.parse(raw);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
};

function rssItems(channel: Record<string, unknown>): Item[] {
  return ((channel.item as Record<string, Node>[] | undefined) ?? []).map((it) => {
    const link = list(it.link).map(text).find(Boolean) ?? null;
    const guid = text(it.guid);
    return {
      id: guid || (link ? cleanLink(link) : '') || text(it.title),
      link: link ? cleanLink(link) : null,
      title: htmlText(text(it.title)),
      body: htmlText(text(it.description) || text(it['content:encoded'])),
      author: text(it['dc:creator']) || text(it.author) || null,
      published: isoDate(text(it.pubDate) || text(it['dc:date'])),
      media: itemImages(it),
    };
  });
}

/** The first author's name (an element may repeat). */
const authorName = (n: unknown): string | null =>
  many(n)
    .map((a) => text(a.name))
    .find(Boolean) ?? null;

function atomEntries(feed: Record<string, unknown>): Item[] {
  return ((feed.entry as Record<string, Node>[] | undefined) ?? []).map((e) => {
    const links = many(e.link);
    const href = (links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0])?.['@_href'] ?? null;
    // RFC 4287 4.2.1: an entry without authors takes its atom:source's, then the feed's.
    const source = many(e.source)[0];
    const author = authorName(e.author) ?? (source ? authorName(source.author) : null) ?? authorName(feed.author);
    return {
      id: text(e.id) || (href ? cleanLink(href) : '') || text(e.title),
      link: href ? cleanLink(href) : null,
      title: htmlText(text(e.title)),
      body: htmlText(text(e.summary) || text(e.content)),
      author,
      published: isoDate(text(e.published) || text(e.updated)),
      media: itemImages(e),
    };
  });
}

/** Each item's own bytes, cut from the feed as served, when the cut agrees with the parse. */
function itemSlices(xml: string, atom: boolean, count: number): string[] | undefined {
  const slices = xml.match(atom ? /<entry[\s>][\s\S]*?<\/entry>/g : /<item[\s>][\s\S]*?<\/item>/g) ?? [];
  return slices.length === count ? slices : undefined;
}

type Feed = { atom: boolean; items: Item[]; title: string } | { fault: string };

/** The feed's items and title, or why it cannot be read as RSS 2.0 or Atom. */
function parseFeed(xml: string): Feed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { fault: `not well-formed XML (${valid.err.msg}, line ${valid.err.line})` };
  let doc: Record<string, Record<string, unknown> | undefined>;
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch (err) {
    return { fault: `not well-formed XML (${(err as Error).message})` };
  }
  const channel = doc.rss?.channel as Record<string, unknown> | undefined;
  const atom = !channel && doc.feed !== undefined;
  if (!channel && !atom) return { fault: 'neither an RSS 2.0 channel nor an Atom feed' };
  const items = atom ? atomEntries(doc.feed!) : rssItems(channel!);
  const title = atom ? text(doc.feed!.title) : text(channel!.title);
  return { atom, items, title };
}

/** Each item with an id as a post, its bytes cut from the feed where the cut agrees with the parse. */
function feedPosts(
  config: RssSourceConfig,
  ctx: ReadContext,
  res: Fetched,
  { xml, feed, next }: { xml: string; feed: Exclude<Feed, { fault: string }>; next: Record<string, string> },
): { posts: CapturedPost[]; rejects: Reject[] } {
  const { atom, items, title } = feed;
  const slices = itemSlices(xml, atom, items.length);
  const response = { size: res.body.length, sha256: sha256Hex(res.body) };
  const feedKey = cleanLink(config.url);

  const posts: CapturedPost[] = [];
  const rejects: Reject[] = [];
  items.forEach((item, i) => {
    const raw = Buffer.from(slices?.[i] ?? JSON.stringify(item));
    if (!item.id) {
      rejects.push({
        reason: `${config.url}: item ${i + 1} has no guid, id, link or title`,
        raw,
        context: { url: config.url, index: i },
      });
      return;
    }
    posts.push(
      capturePost(
        {
          source: ctx.sourceName,
          platform: 'rss',
          channel: feedKey,
          channelTitle: title || null,
          externalId: item.id,
          url: item.link,
          author: item.author,
          publishedAt: item.published,
          text: [item.title, item.body].filter(Boolean).join('\n'),
          media: item.media,
        },
        raw,
        slices
          ? atom
            ? 'application/atom+xml; fragment=entry'
            : 'application/rss+xml; fragment=item'
          : 'application/json',
        {
          url: res.url,
          fetchedAt: res.fetchedAt,
          fetcher: FETCHER,
          status: res.status,
          headers: { ...(res.headers['content-type'] ? { 'content-type': res.headers['content-type'] } : {}), ...next },
          response,
        },
      ),
    );
  });
  return { posts, rejects };
}

/** RSS 2.0 and Atom with conditional GET; items are keyed by guid, id, or their link without tracking parameters. */
export const readRss: SourceReader<RssSourceConfig> = async (config, ctx) => {
  const cursor = cursorSchema.safeParse(ctx.cursor).data ?? {};
  const headers: Record<string, string> = {};
  if (cursor.etag) headers['if-none-match'] = cursor.etag;
  if (cursor.lastModified) headers['if-modified-since'] = cursor.lastModified;
  const res = await ctx.fetcher.get(config.url, { headers, accept: [304] });
  if (res.status === 304) return { posts: [], rejects: [], cursor: ctx.cursor, more: false };

  const next = {
    ...(res.headers.etag ? { etag: res.headers.etag } : {}),
    ...(res.headers['last-modified'] ? { lastModified: res.headers['last-modified'] } : {}),
  };
  const reject = (reason: string): Reject => ({
    reason: `${config.url}: ${reason}`,
    raw: res.body.subarray(0, 1024 * 1024),
    context: { url: config.url, status: res.status },
  });
  const xml = decodeUtf8(res.body);
  if (xml === undefined)
    return { posts: [], rejects: [reject('the feed is not valid UTF-8')], cursor: next, more: false };
  const feed = parseFeed(xml);
  if ('fault' in feed) return { posts: [], rejects: [reject(feed.fault)], cursor: next, more: false };
  return { ...feedPosts(config, ctx, res, { xml, feed, next }), cursor: next, more: false };
};
