import type { Redis } from 'ioredis';

const seenKey = (prefix: string, postKey: string) => `${prefix}:seen:${postKey}`;

/**
 * Post keys ingest has already enqueued. Checked before enqueueing and marked after, so a crash in
 * between re-sends a post (Postgres' unique key absorbs it) rather than losing one.
 */
export async function filterUnseen(redis: Redis, prefix: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await redis.mget(keys.map((k) => seenKey(prefix, k)));
  return new Set(keys.filter((_, i) => found[i] === null));
}

export async function markSeen(redis: Redis, prefix: string, keys: string[], ttlMs: number): Promise<void> {
  if (keys.length === 0) return;
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.set(seenKey(prefix, k), '1', 'PX', ttlMs);
  await pipeline.exec();
}
