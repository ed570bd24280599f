import type { SourceConfig } from '../../shared/config/config.js';
import type { CapturedPost } from '../../shared/domain/post.js';
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
  /** Where the next read starts; saved only after the posts are safely enqueued. */
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

/** Decodes bytes that must be UTF-8, refusing invalid sequences instead of replacing them. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

