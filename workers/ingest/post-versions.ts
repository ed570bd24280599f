import { postKey, sha256Hex, type CapturedPost } from '../../shared/domain/post.js';
import type { SeenRow } from '../../shared/repositories/post-seen.repository.js';

/** What identifies a version of a post's content: its text and the media it carries. */
export const contentHash = (p: CapturedPost): string =>
  sha256Hex(JSON.stringify([p.text, p.media.map((m) => m.url ?? m.fileName ?? m.kind)]));

export interface Versioned {
  post: CapturedPost;
  textSha256: string;
  /** Postgres has seen this very version (post_seen): dropped if Redis still holds it too. */
  repeat: boolean;
}

/**
 * Gives each post its version: an edit becomes version n+1 beside the old one, the same content keeps the
 * version it was seen with (so its key, and Postgres' unique keys, match the first time). A repeat is marked,
 * not dropped: whether it went through the pipeline is for the seen-set and post_seen together to say.
 */
export function assignVersions(posts: CapturedPost[], seen: Map<string, SeenRow>): Versioned[] {
  const out: Versioned[] = [];
  const taken = new Set<string>();
  for (const post of posts) {
    if (taken.has(post.externalId)) continue;
    taken.add(post.externalId);
    const textSha256 = contentHash(post);
    const previous = seen.get(post.externalId);
    const repeat = previous?.text_sha256 === textSha256;
    const version = previous ? previous.version + (repeat ? 0 : 1) : 1;
    out.push({
      post: { ...post, version, key: postKey(post.platform, post.channel, post.externalId, version) },
      textSha256,
      repeat,
    });
  }
  return out;
}
