import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import type { MediaRef } from '../../../shared/domain/post.js';

/** One post of a t.me/s/<channel> page, as the page shows it. */
export interface WebPost {
  channel: string;
  id: number;
  /** The post's HTML exactly as served (the `.tgme_widget_message_wrap` element). */
  html: string;
  text: string;
  datetime: string | null;
  views: number | null;
  author: string | null;
  edited: boolean;
  forwardedFrom: string | null;
  replyTo: string | null;
  linkPreview: { url: string; title: string | null; description: string | null } | null;
  media: MediaRef[];
  service: boolean;
}

export interface WebPage {
  posts: WebPost[];
  /** The id to pass as `?before=` for older posts, when the page links to them. */
  before: number | null;
  channelTitle: string | null;
}

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9 };

/** "826K" → 826000, "6.51M" → 6510000, "1,234" → 1234. */
export function parseViews(raw: string): number | null {
  const m = /^([\d.,]+)\s*([KMB])?$/i.exec(raw.trim());
  if (!m) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isFinite(n) ? Math.round(n * (m[2] ? SUFFIX[m[2].toUpperCase()]! : 1)) : null;
}

const backgroundUrl = (style: string | undefined) =>
  /background-image:\s*url\(['"]?([^'")]+)['"]?\)/.exec(style ?? '')?.[1];

const BREAK = '\u2028';

/** Text with line breaks kept and emoji kept (they sit in `<i class="emoji"><b>🔥</b></i>`). */
function textOf($: cheerio.CheerioAPI, el: cheerio.Cheerio<Element>): string {
  const copy = el.clone();
  // Line breaks are <br>; newlines in the markup are only indentation and collapse like any whitespace.
  copy.find('br').replaceWith(BREAK);
  copy.find('.tgme_widget_message_reply, .tgme_widget_message_link_preview').remove();
  return copy
    .text()
    .replace(/[ \t\r\n\u00a0]+/g, ' ')
    .split(BREAK)
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

type Message = cheerio.Cheerio<Element>;

/** The message's own text element, not one quoted in a reply or a link preview. */
function ownText($: cheerio.CheerioAPI, msg: Message): Message {
  return msg
    .find('.tgme_widget_message_text')
    .filter(
      (_, t) =>
        $(t).parents('.tgme_widget_message_text, .tgme_widget_message_reply, .tgme_widget_message_link_preview')
          .length === 0,
    )
    .first();
}

function mediaOf($: cheerio.CheerioAPI, msg: Message): MediaRef[] {
  const media: MediaRef[] = [];
  msg.find('.tgme_widget_message_photo_wrap').each((_, p) => {
    const url = backgroundUrl($(p).attr('style'));
    media.push({
      kind: 'photo',
      ...(url ? { url } : {}),
      ...($(p).attr('href') ? { fileName: $(p).attr('href')! } : {}),
    });
  });
  msg.find('video[src]').each((_, v) => {
    media.push({ kind: 'video', url: $(v).attr('src')! });
  });
  // A video's still frame: what the media worker reads in place of the video.
  msg.find('.tgme_widget_message_video_thumb').each((_, t) => {
    const url = backgroundUrl($(t).attr('style'));
    if (url) media.push({ kind: 'video_thumbnail', url });
  });
  msg.find('.tgme_widget_message_document_title').each((_, d) => {
    media.push({ kind: 'document', fileName: $(d).text().trim() });
  });
  return media;
}

function linkPreviewOf(msg: Message): WebPost['linkPreview'] {
  const preview = msg.find('a.tgme_widget_message_link_preview').first();
  return preview.length
    ? {
        url: preview.attr('href') ?? '',
        title: preview.find('.link_preview_title').text().trim() || null,
        description: preview.find('.link_preview_description').text().trim() || null,
      }
    : null;
}

/** Parses a t.me/s channel page (or one post's embed page). Malformed markup yields fewer posts, never a throw. */
export function parseChannelPage(html: string): WebPage {
  const $ = cheerio.load(html, { sourceCodeLocationInfo: true });
  const posts: WebPost[] = [];
  $('.tgme_widget_message[data-post]').each((_, node) => {
    const msg = $(node);
    const [channel, idText] = (msg.attr('data-post') ?? '').split('/');
    const id = Number(idText);
    if (!channel || !Number.isSafeInteger(id)) return;
    const wrap = msg.closest('.tgme_widget_message_wrap');
    const located = (wrap.length ? wrap : msg).get(0)!.sourceCodeLocation;
    const text = ownText($, msg);
    const media = mediaOf($, msg);
    const forwarded = msg.find('.tgme_widget_message_forwarded_from_name').first();
    const reply = msg.find('a.tgme_widget_message_reply').attr('href');
    const views = msg.find('.tgme_widget_message_views').first().text();
    posts.push({
      channel,
      id,
      html: located ? html.slice(located.startOffset, located.endOffset) : $.html(wrap.length ? wrap : msg),
      text: text.length ? textOf($, text) : '',
      datetime: msg.find('.tgme_widget_message_date time').attr('datetime') ?? null,
      views: views ? parseViews(views) : null,
      author: msg.find('.tgme_widget_message_from_author').first().text().trim() || null,
      edited: /\bedited\b/.test(msg.find('.tgme_widget_message_meta').text()),
      forwardedFrom: forwarded.length ? forwarded.text().trim() || (forwarded.attr('href') ?? null) : null,
      replyTo: reply ? (/\/(\d+)(?:\?|$)/.exec(reply)?.[1] ?? null) : null,
      linkPreview: linkPreviewOf(msg),
      media,
      service: msg.hasClass('service_message'),
    });
  });
  posts.sort((a, b) => a.id - b.id);
  const more = $('a.tme_messages_more[data-before]').attr('data-before');
  const prev = /[?&]before=(\d+)/.exec($('link[rel="prev"]').attr('href') ?? '')?.[1];
  const before = Number(more ?? prev ?? NaN);
  return {
    posts,
    before: Number.isSafeInteger(before) && before > 0 ? before : null,
    channelTitle:
      $('.tgme_channel_info_header_title').first().text().trim() ||
      $('meta[property="og:title"]').attr('content') ||
      null,
  };
}
