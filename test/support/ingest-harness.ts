import { afterAll, beforeAll } from 'vitest';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { SourceConfig } from '../../shared/config/config.js';
import { sourceSchema } from '../../shared/config/config.schema.js';
import type { CapturedPost } from '../../shared/domain/post.js';
import { QueueName, type JobData } from '../../shared/queues/queue.catalog.js';
import { createQueues } from '../../shared/queues/queues.js';
import { findSource, upsertSource } from '../../shared/repositories/source.repository.js';
import { createFetcher } from '../../workers/ingest/http-fetcher.js';
import { ingestHandlers } from '../../workers/ingest/ingest.worker.js';
import { createTestDb } from './db.js';
import { TEST_REDIS_URL } from './env.js';
import { testLog } from './log.js';
import { dropPrefix, testPrefix } from './redis.js';

/** The guarded fetcher as ingest uses it, allowed onto the loopback fakes. */
export const testFetcher = () =>
  createFetcher({
    timeoutMs: 5_000,
    maxBytes: 2 * 1024 * 1024,
    allowPrivateNetworks: 'loopback',
    perHostIntervalMs: 0,
  });

/** The config the ingest handler reads, for a test's Redis prefix and declared sources. */
export const ingestTestConfig = (prefix: string, sources: SourceConfig[]) => ({
  redis: { url: TEST_REDIS_URL, prefix },
  ingest: {
    batchSize: 50,
    seenTtl: 3_600_000,
    maxPostBytes: 256 * 1024,
    allowPrivateNetworks: 'loopback' as const,
    fetchTimeout: 5_000,
    maxResponseBytes: 2 * 1024 * 1024,
    perHostInterval: 0,
  },
  sources,
  demo: false,
});

/** The ingest handler on a real database copy and a real Redis prefix, polled by hand; `declared` are the config's sources. */
export async function ingestHarness(declared: SourceConfig[] = []) {
  const testDb = await createTestDb();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = testPrefix();
  const queues = createQueues(redis, prefix, testLog);
  const fetcher = testFetcher();
  const config = ingestTestConfig(prefix, declared);
  const build = () => ingestHandlers({ db: testDb.db, redis, queues, fetcher, config, log: testLog });
  let handlers = build();
  let jobs = 0;

  return {
    db: testDb.db,
    url: testDb.url,
    redis,
    prefix,
    queues,
    async addSource(name: string, source: Record<string, unknown>) {
      const parsed: SourceConfig = sourceSchema.parse(source);
      return (await upsertSource(testDb.db, name, parsed.kind, parsed, 'config')).id;
    },
    /** A new worker on the same database and Redis, as after a restart: nothing in memory survives. */
    restart() {
      handlers = build();
    },
    /** One poll job, as its scheduler sends it (with the source's name) or as older ones did (id only). */
    poll(sourceId: number, sourceName?: string) {
      jobs += 1;
      return handlers['source.poll']({ sourceId, ...(sourceName ? { sourceName } : {}) }, { id: `poll-${jobs}` } as Job<
        JobData['source.poll']
      >);
    },
    /** Every post enqueued for classification so far, oldest job first. */
    async enqueued(): Promise<CapturedPost[]> {
      const waiting = await queues.byName[QueueName.Classify].getJobs(
        ['waiting', 'prioritized', 'delayed'],
        0,
        -1,
        true,
      );
      return (waiting as Job<JobData['posts.classify']>[]).flatMap((j) => j.data.posts);
    },
    async source(id: number) {
      const row = await findSource(testDb.db, id);
      if (!row) throw new Error(`source ${id} does not exist`);
      return row;
    },
    async close() {
      await queues.close();
      redis.disconnect();
      await testDb.drop();
      await dropPrefix(prefix);
    },
  };
}

export type IngestHarness = Awaited<ReturnType<typeof ingestHarness>>;

/** Reads through to an object made later (in beforeAll), so a describe block can name it up front. */
function late<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (!value) throw new Error(`${what} is used before beforeAll started it`);
      return Reflect.get(value, key) as unknown;
    },
  });
}

/**
 * An ingest harness and a fake server (the source's site or API) for the enclosing describe block: started before
 * its tests, closed after them. Every source test has this pair.
 */
export function useIngestHarness<S extends { close(): Promise<unknown> }>(
  startServer: () => Promise<S>,
): { h: IngestHarness; server: S } {
  let h: IngestHarness | undefined;
  let server: S | undefined;
  beforeAll(async () => {
    h = await ingestHarness();
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });
  return { h: late(() => h, 'the ingest harness'), server: late(() => server, 'the fake server') };
}
