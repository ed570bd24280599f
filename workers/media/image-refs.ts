import type { MediaRef } from '../../shared/domain/post.js';

/**
 * The images of a post worth reading: photos and stills (video thumbnails, Mastodon image previews, feed
 * image enclosures) with a URL. Videos themselves, documents and links are left alone: a video's
 * thumbnail stands for it.
 */
const IMAGE_KINDS = new Set(['photo', 'image', 'video_thumbnail', 'gifv_thumbnail', 'enclosure']);

export function imageRefs(media: MediaRef[], max: number): (MediaRef & { url: string })[] {
  const out: (MediaRef & { url: string })[] = [];
  const seen = new Set<string>();
  for (const m of media) {
    if (!m.url || !IMAGE_KINDS.has(m.kind) || seen.has(m.url)) continue;
    // An enclosure is an image only when its feed says so; a podcast's audio is not one.
    if (m.kind === 'enclosure' && !(m.mimeType ?? '').startsWith('image/')) continue;
    seen.add(m.url);
    out.push(m as MediaRef & { url: string });
  }
  return out.slice(0, max);
}

export const hasImages = (media: MediaRef[]) => imageRefs(media, 1).length > 0;
