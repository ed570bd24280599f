import type { CapturedPost } from '../../shared/domain/post.js';

const NEIGHBOURS = 2;
const MAX_TEXT = 500;

/**
 * Attaches to each post the posts just before and after it in the same channel, as the read returned
 * them (a page, a timeline, an export). Only flagged posts are kept, and with them this context.
 */
export function withContext(posts: CapturedPost[]): CapturedPost[] {
  const byChannel = new Map<string, number[]>();
  // Appended in place: copying the list per post made a 50,000-post read take quadratic time.
  posts.forEach((p, i) => {
    const key = `${p.platform}\u0000${p.channel}`;
    const indexes = byChannel.get(key);
    if (indexes) indexes.push(i);
    else byChannel.set(key, [i]);
  });
  const out = [...posts];
  for (const indexes of byChannel.values()) {
    indexes.forEach((at, k) => {
      const pick = (ks: number[]) =>
        ks.map((j) => posts[indexes[j]!]!).map((p) => ({ externalId: p.externalId, text: p.text.slice(0, MAX_TEXT) }));
      const before = pick(Array.from({ length: Math.min(NEIGHBOURS, k) }, (_, n) => k - Math.min(NEIGHBOURS, k) + n));
      const after = pick(Array.from({ length: Math.min(NEIGHBOURS, indexes.length - k - 1) }, (_, n) => k + 1 + n));
      if (before.length || after.length) out[at] = { ...posts[at]!, context: { before, after } };
    });
  }
  return out;
}
