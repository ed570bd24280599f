/**
 * Renders t.me/s pages in Telegram's own markup (the structure of the real captures in
 * ../shared/fixtures/telegram-web), for tests that need pages to change between polls.
 */
export interface FakeTmePost {
  id: number;
  text: string;
  date?: string;
  views?: string;
  edited?: boolean;
  author?: string;
  /** Photo URLs, shown as t.me shows them: a photo wrap whose background-image is the CDN file. */
  photos?: string[];
  /** A video's still frame URL (the video itself is not served). */
  videoThumb?: string;
}

/** Photo wraps and the video player as in the real captures (tme_s_test_channel_anonymized_lifemodel.html, tme_s_durov_*.html). */
const renderMedia = (channel: string, p: FakeTmePost) =>
  [
    ...(p.photos ?? []).map(
      (url) =>
        `<a class="tgme_widget_message_photo_wrap 5424893157718214683 ${p.photos!.length > 1 ? 'grouped_media_wrap blured ' : ''}js-message_photo" style="width:800px;background-image:url('${url}')" data-ratio="1.7777777777778" href="https://t.me/${channel}/${p.id}?single"><div class="tgme_widget_message_photo" style="padding-top:56.25%"></div></a>`,
    ),
    ...(p.videoThumb
      ? [
          `<a class="tgme_widget_message_video_player js-message_video_player" href="https://t.me/${channel}/${p.id}"><i class="tgme_widget_message_video_thumb" style="background-image:url('${p.videoThumb}')"></i><div class="tgme_widget_message_video_wrap"><video class="tgme_widget_message_video js-message_video" width="100%" height="100%"></video></div></a>`,
        ]
      : []),
  ].join('');

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Emoji as Telegram wraps them, so a parser that strips tags naively loses them. */
const wrapEmoji = (s: string) =>
  s.replace(
    /(\p{Extended_Pictographic}(?:\uFE0F)?)/gu,
    '<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/F09F94A5.png\')"><b>$1</b></i>',
  );

function renderPost(channel: string, p: FakeTmePost): string {
  const text = wrapEmoji(escape(p.text)).replace(/\n/g, '<br/>');
  return `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="${channel}/${p.id}" data-view="x">
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/${channel}"><span dir="auto">${escape(channel)}</span></a></div>
${renderMedia(channel, p)}${p.text ? `<div class="tgme_widget_message_text js-message_text" dir="auto">${text}</div>` : ''}
<div class="tgme_widget_message_footer compact js-message_footer">
  <div class="tgme_widget_message_info short js-message_info">
    <span class="tgme_widget_message_views">${p.views ?? '1.2K'}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta">${p.author ? `<span class="tgme_widget_message_from_author" dir="auto">${escape(p.author)}</span>,&nbsp;` : ''}${p.edited ? 'edited&nbsp;' : ''}<a class="tgme_widget_message_date" href="https://t.me/${channel}/${p.id}"><time datetime="${p.date ?? '2025-01-10T21:14:05+00:00'}" class="time">21:14</time></a></span>
  </div>
</div>
  </div>
</div></div>`;
}

/** A channel page: posts oldest first, with the link to older posts when there are any. */
export function renderChannelPage(channel: string, posts: FakeTmePost[], olderBefore: number | null): string {
  const more = olderBefore
    ? `<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/${channel}?before=${olderBefore}" class="tme_messages_more js-messages_more" data-before="${olderBefore}"></a></div>`
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escape(channel)} – Telegram</title><meta property="og:title" content="${escape(channel)}">${olderBefore ? `<link rel="prev" href="/s/${channel}?before=${olderBefore}">` : ''}</head>
<body><main class="tgme_main"><section class="tgme_channel_history js-message_history">${more}${posts.map((p) => renderPost(channel, p)).join('')}</section></main></body></html>`;
}

/** What t.me serves for one post's embed page once the post is gone. */
export const renderMissingPost = () =>
  '<!DOCTYPE html><html><body><div class="tgme_widget_message_error">Post not found</div></body></html>';

/** A channel's posts as t.me serves them: pages of `pageSize`, newest page by default, older ones by `?before=`. */
export function tmeChannel(channel: string, all: () => FakeTmePost[], pageSize = 20) {
  return (url: URL): { status: number; body: string } => {
    const path = url.pathname;
    const sorted = [...all()].sort((a, b) => a.id - b.id);
    const embed = new RegExp(`^/${channel}/(\\d+)$`).exec(path);
    if (embed) {
      const post = sorted.find((p) => p.id === Number(embed[1]));
      return { status: 200, body: post ? renderChannelPage(channel, [post], null) : renderMissingPost() };
    }
    if (path !== `/s/${channel}`) return { status: 404, body: 'not found' };
    const before = Number(url.searchParams.get('before') ?? Infinity);
    const older = sorted.filter((p) => p.id < before);
    const page = older.slice(-pageSize);
    const olderBefore = older.length > page.length ? page[0]!.id : null;
    return { status: 200, body: renderChannelPage(channel, page, olderBefore) };
  };
}
