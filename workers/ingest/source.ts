import type { SourceConfig } from '../../shared/config/config.js';
import { postProblem, type CapturedPost } from '../../shared/domain/post.js';
import type { Logger } from '../../shared/logger.js';
import type { Fetcher } from './http-fetcher.js';
import { VIGIL_VERSION } from '../../shared/version.js';

export const FETCHER = `vigil/${VIGIL_VERSION}`;

/** Input that could not become a post: kept with its bytes, never silently dropped. */
export interface Reject {
  reason: string;
  raw: Uint8Array;
  context: Record<string, unknown>;
}

export interface ReadResult {
  posts: CapturedPost[];
  rejects: Reject[];
  /** External ids confirmed deleted at the source since they were seen. */
  gone?: string[];
  /** Where the next read starts; saved once the posts are queued, the read kept in ingest_inflight until they are past Redis. */
  cursor: Record<string, unknown> | null;
  /** True when the source has more to read right away (the reader caps what one read returns). */
  more: boolean;
}

export interface ReadContext {
  sourceName: string;
  cursor: Record<string, unknown> | null;
  maxPostBytes: number;
  log: Logger;
  fetcher: Fetcher;
  /** Numeric post ids this source has seen in [from, to] and not known deleted. */
  seenIdsBetween(from: number, to: number): Promise<string[]>;
}

export type SourceReader<C extends SourceConfig = SourceConfig> = (config: C, ctx: ReadContext) => Promise<ReadResult>;

/**
 * A source's timestamp (ms since the epoch, or a date string) as ISO 8601. One that is no date passes on
 * as it came, for the post's check to refuse with a reason: a throw here would fail the whole read, and
 * every retry of it.
 */
export function isoTime(value: number | string): string {
  const date = new Date(value);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(value);
}

/**
 * Splits a read into the posts that can travel and be stored and, as rejects, those that cannot (a
 * NUL in an id, a control character in a channel or author, a date Postgres refuses). Every reader's
 * posts pass through here before the seen-set or Postgres see them, so one bad post is quarantined
 * and the read goes on.
 */
export function checkPosts(posts: CapturedPost[]): { posts: CapturedPost[]; rejects: Reject[] } {
  const ok: CapturedPost[] = [];
  const rejects: Reject[] = [];
  for (const post of posts) {
    const problem = postProblem(post);
    if (problem === undefined) ok.push(post);
    else
      rejects.push({
        reason: `${describePost(post)}: ${problem}`,
        raw: Buffer.from(post.raw.base64, 'base64'),
        context: { externalId: post.externalId, channel: post.channel, url: post.capture.url },
      });
  }
  return { posts: ok, rejects };
}

/** JSON quoting escapes control characters, so the reason shows a bad id without carrying it. */
const quoted = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
const describePost = (post: CapturedPost) =>
  `post ${quoted(post.externalId)} of ${post.platform} channel ${quoted(post.channel)}`;

/** Decodes bytes that must be UTF-8, refusing invalid sequences instead of replacing them. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
