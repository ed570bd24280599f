import { createFetcher } from '../../workers/ingest/http-fetcher.js';
import type { ReadContext } from '../../workers/ingest/source.js';
import { testLog } from './log.js';

/** A reader context for unit tests: a real fetcher allowed onto loopback, and a fixed set of seen ids. */
export function readContext(overrides: Partial<ReadContext> & { seen?: string[] } = {}): ReadContext {
  const { seen = [], ...rest } = overrides;
  return {
    sourceName: 'test-source',
    cursor: null,
    maxPostBytes: 64 * 1024,
    log: testLog,
    fetcher: createFetcher({
      timeoutMs: 5_000,
      maxBytes: 2 * 1024 * 1024,
      allowPrivateNetworks: 'loopback',
      perHostIntervalMs: 0,
    }),
    seenIdsBetween: async (from, to) => seen.filter((id) => Number(id) >= from && Number(id) <= to),
    ...rest,
  };
}
