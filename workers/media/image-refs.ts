import type { CapturedPost } from '../../shared/domain/post.js';

/**
 * The images of a post worth reading: photos and stills (video thumbnails, Mastodon image previews, feed
 * image enclosures) with a URL. Videos themselves, documents and links are left alone: a video's
 * thumbnail stands for it.
 */
const IMAGE_KINDS = new Set(['photo', 'image', 'video_thumbnail', 'gifv_thumbnail', 'enclosure', 'image_document']);

/** An image to fetch: by URL, or (Bot API) by file id, resolved with getFile. */
export interface ImageRef {
  kind: string;
  url?: string;
  fileId?: string;
}

/** Bot API posts name files by id, fetched with getFile; a Telegram Desktop export names files it does not carry. */
const fromBotApi = (post: Pick<CapturedPost, 'platform' | 'capture'>) =>
  post.platform === 'telegram' && post.capture.fetcher.endsWith(' telegraf');

export function imageRefs(post: Pick<CapturedPost, 'platform' | 'capture' | 'media'>, max: number): ImageRef[] {
  const out: ImageRef[] = [];
  const seen = new Set<string>();
  const byId = fromBotApi(post);
  for (const m of post.media) {
    const where = m.url ?? (byId ? m.fileName : undefined);
    if (!where || !IMAGE_KINDS.has(m.kind) || seen.has(where)) continue;
    // An enclosure or a document is an image only when its feed or sender says so; a podcast's audio is not one.
    if ((m.kind === 'enclosure' || m.kind === 'image_document') && !(m.mimeType ?? '').startsWith('image/')) continue;
    seen.add(where);
    out.push(m.url ? { kind: m.kind, url: m.url } : { kind: m.kind, fileId: m.fileName! });
  }
  return out.slice(0, max);
}

export const hasImages = (post: Pick<CapturedPost, 'platform' | 'capture' | 'media'>) => imageRefs(post, 1).length > 0;
