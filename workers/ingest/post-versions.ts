import { postKey, sha256Hex, type CapturedPost } from '../../shared/domain/post.js';
import type { SeenRow } from '../../shared/repositories/post-seen.repository.js';

/** What identifies a version of a post's content: its text and the media it carries. */
export const contentHash = (p: CapturedPost): string => sha256Hex(JSON.stringify([p.text, p.media.map((m) => m.url ?? m.fileName ?? m.kind)]));

export interface Versioned {
  post: CapturedPost;
  textSha256: string;
}

/**
 * Keeps the posts that are new or whose content changed since they were last seen, each with its
 * version: an edit becomes version n+1 beside the old one, a repeat of what was seen is dropped.
 */
export function assignVersions(posts: CapturedPost[], seen: Map<string, SeenRow>): Versioned[] {
  const out: Versioned[] = [];
  const taken = new Set<string>();
  for (const post of posts) {
    if (taken.has(post.externalId)) continue;
    taken.add(post.externalId);
    const textSha256 = contentHash(post);
    const previous = seen.get(post.externalId);
    if (previous && previous.text_sha256 === textSha256) continue;
    const version = previous ? previous.version + 1 : 1;
    out.push({ post: { ...post, version, key: postKey(post.platform, post.channel, post.externalId, version) }, textSha256 });
  }
  return out;
}
