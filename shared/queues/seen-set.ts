import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Post keys ingest has enqueued, namespaced by the database's epoch (shared/repositories/instance.repository.ts):
 * a restored or recreated database finds none of the keys written for the old one. A cache only: a post is
 * dropped as seen when Postgres' post_seen confirms it too, and a key missing here (Redis lost its data, or
 * the TTL ran out) sends the post again, which Postgres' unique keys absorb.
 */
const seenKey = (prefix: string, epoch: string, postKey: string) => `${prefix}:seen:${epoch}:${postKey}`;

/** The keys among `keys` this Redis still remembers enqueueing. */
export async function filterSeen(redis: Redis, prefix: string, epoch: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await redis.mget(keys.map((k) => seenKey(prefix, epoch, k)));
  return new Set(keys.filter((_, i) => found[i] !== null));
}

export async function markSeen(
  redis: Redis,
  prefix: string,
  epoch: string,
  keys: string[],
  ttlMs: number,
): Promise<void> {
  if (keys.length === 0) return;
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.set(seenKey(prefix, epoch, k), '1', 'PX', ttlMs);
  await pipeline.exec();
}

const generationKey = (prefix: string, epoch: string) => `${prefix}:generation:${epoch}`;

/**
 * A token naming this Redis' memory of this database, created when missing. Reads record the token their jobs
 * went out under (ingest_inflight); a different token later means the jobs went with the data that held them:
 * Redis was flushed or restarted empty, or the database is another one.
 */
export async function redisGeneration(redis: Redis, prefix: string, epoch: string): Promise<string> {
  for (;;) {
    await redis.set(generationKey(prefix, epoch), randomUUID(), 'NX');
    // Null only when Redis was emptied between the two commands: then a new token is due anyway.
    const token = await redis.get(generationKey(prefix, epoch));
    if (token) return token;
  }
}

/** The token as it stands, without creating one: null after Redis lost its data. */
export const currentGeneration = (redis: Redis, prefix: string, epoch: string): Promise<string | null> =>
  redis.get(generationKey(prefix, epoch));
