import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { createDb, type Db } from '../../shared/db/client.js';
import { postKey } from '../../shared/domain/post.js';
import { readStats } from '../../shared/metrics.js';
import type { JobData } from '../../shared/queues/queue.catalog.js';
import { alertCountsByStatus } from '../../shared/repositories/alert.repository.js';
import { listInflight } from '../../shared/repositories/ingest-inflight.repository.js';
import { databaseEpoch, instanceId } from '../../shared/repositories/instance.repository.js';
import { countPosts } from '../../shared/repositories/post.repository.js';
import { countReviewItems, listItems } from '../../shared/repositories/review-item.repository.js';
import { resetCursor } from '../../shared/repositories/source.repository.js';
import { ingestHandlers } from '../../workers/ingest/ingest.worker.js';
import { forgetSeen } from '../support/db-faults.js';
import { databaseName, TEST_DATABASE_URL, withDatabase } from '../support/env.js';
import { ingestHarness, ingestTestConfig, testFetcher, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';
import { testConfig } from '../support/runtime-test.js';
import { dropPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const LINES = 300;
const OFFER_EVERY = 10;
const offerText = (n: number) =>
  `£100 to anyone who sprays the mosque in E10 tonight (${n}), send a pic to @payday_admin`;
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return JSON.stringify({
      id: `p-${i}`,
      text: i % OFFER_EVERY === 0 ? offerText(i) : `bins are late again on road ${i}`,
    });
  }).join('\n') + '\n';

/** FLUSHALL, as far as one test's keys go. */
const flush = (h: IngestHarness) => dropPrefix(h.prefix);

describe('Redis loses its data while posts are in flight (FLUSHALL)', () => {
  let h: IngestHarness;
  let runtime: Runtime | undefined;
  let path: string;
  let sourceId: number;

  beforeAll(async () => {
    h = await ingestHarness();
    path = join(tempDir(), 'posts.jsonl');
    writeFileSync(path, lines(0, LINES));
    sourceId = await h.addSource('watch', { kind: 'file', path, channel: 'east_watch' });
  });
  afterAll(async () => {
    await runtime?.close();
    await h?.close();
  });

  const counters = {
    review_item: () => countReviewItems(h.db),
    post: () => countPosts(h.db),
    alert: async () => (await alertCountsByStatus(h.db)).reduce((sum, r) => sum + Number(r.n), 0),
  };
  const count = (table: keyof typeof counters) => counters[table]();
  const inflight = () => listInflight(h.db, sourceId);
  const startPipeline = async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vigil.config.yaml'), 'demo: false\n');
    const config = testConfig(h.url, h.prefix, dir);
    return startRuntime(config, testLog, ['classify', 'alert'], { listen: false });
  };
  const pending = async (
    queue: 'classify' | 'alert',
    ...states: ('waiting' | 'active' | 'delayed' | 'prioritized')[]
  ) => Object.values(await runtime!.queues.byName[queue].getJobCounts(...states)).reduce((a, b) => a + b, 0);
  // The alert worker's chores keep their next run in the delayed set; that is not work in flight.
  const drained = async () =>
    (await pending('classify', 'waiting', 'active', 'delayed', 'prioritized')) === 0 &&
    (await pending('alert', 'waiting', 'active', 'prioritized')) === 0;

  it('reads the posts again from before the lost reads, and every offer becomes one review item', async () => {
    expect(await h.poll(sourceId, 'watch')).toMatchObject({ read: LINES, enqueued: LINES });
    expect(await h.enqueued()).toHaveLength(LINES);
    const [read] = await inflight();
    expect(read).toMatchObject({ cursor_before: null });
    expect((await h.source(sourceId)).cursor).toMatchObject({ line: LINES });

    // The cursor is past every post, and none of them reached Postgres.
    await flush(h);
    expect(await h.enqueued()).toHaveLength(0);

    const replay = await h.poll(sourceId, 'watch');
    expect(replay).toMatchObject({ read: LINES, enqueued: LINES });
    expect(await h.enqueued()).toHaveLength(LINES);
    const reads = await inflight();
    expect(reads).toHaveLength(1);
    expect(reads[0]!.redis_generation).not.toBe(read!.redis_generation);

    runtime = await startPipeline();
    await waitFor(
      async () => (await count('review_item')) === LINES / OFFER_EVERY && (await drained()),
      `all ${LINES / OFFER_EVERY} offers as review items`,
      30_000,
    );
  }, 60_000);

  it('adds nothing when posts that got through are read again after a second loss: Postgres absorbs them', async () => {
    const before = { items: await count('review_item'), posts: await count('post'), alerts: await count('alert') };
    // No poll since the pipeline drained, so the read is still recorded in flight when Redis is emptied again.
    expect(await inflight()).toHaveLength(1);
    await flush(h);
    expect(await h.poll(sourceId, 'watch')).toMatchObject({ read: LINES, enqueued: LINES });
    await waitFor(
      async () => (await readStats(runtime!.redis, h.prefix)).posts_classified === LINES && (await drained()),
      'the replay classified',
      30_000,
    );
    expect({ items: await count('review_item'), posts: await count('post'), alerts: await count('alert') }).toEqual(
      before,
    );
    // No post has two review items (a post is its platform, channel, id and version).
    const perPost = new Map<string, number>();
    for (const { post } of await listItems(h.db, { limit: 10_000, offset: 0 })) {
      const key = postKey(post.platform, post.channel, post.externalId, post.version);
      perPost.set(key, (perPost.get(key) ?? 0) + 1);
    }
    expect([...perPost].filter(([, n]) => n > 1)).toEqual([]);
  }, 60_000);

  it('forgets a read once its posts are past Redis, so a later loss re-reads nothing', async () => {
    appendFileSync(path, lines(LINES, LINES + 20));
    expect(await h.poll(sourceId, 'watch')).toMatchObject({ read: 20, enqueued: 20 });
    await waitFor(() => drained(), 'the new posts through the pipeline', 30_000);
    // This poll finds every job of the earlier reads done and forgets them.
    expect(await h.poll(sourceId, 'watch')).toMatchObject({ read: 0 });
    expect(await inflight()).toEqual([]);
    await flush(h);
    expect(await h.poll(sourceId, 'watch')).toMatchObject({ read: 0, enqueued: 0 });
    expect(await count('review_item')).toBe((LINES + 20) / OFFER_EVERY);
  }, 60_000);
});

describe('the seen-set is a cache: Postgres decides what was seen', () => {
  let h: IngestHarness;
  let restored: { name: string; db: Db } | undefined;
  beforeAll(async () => {
    h = await ingestHarness();
  });
  afterAll(async () => {
    await h?.close();
    if (restored) {
      await restored.db.destroy();
      const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
      await admin.connect();
      await admin.query(`drop database if exists ${pg.escapeIdentifier(restored.name)} with (force)`);
      await admin.end();
    }
  });

  it('sends again what Redis remembers but Postgres does not (a database restored from before the posts were read)', async () => {
    const path = join(tempDir(), 'posts.jsonl');
    writeFileSync(path, lines(0, 20));
    const sourceId = await h.addSource('older-dump', { kind: 'file', path, channel: 'c' });
    expect(await h.poll(sourceId, 'older-dump')).toMatchObject({ enqueued: 20 });

    // Both remember: a replay is dropped.
    await resetCursor(h.db, sourceId);
    expect(await h.poll(sourceId, 'older-dump')).toMatchObject({ read: 20, enqueued: 0 });

    // Postgres forgot (the dump predates the reads) while Redis kept its keys: all sent again.
    await forgetSeen(h.db, sourceId);
    await resetCursor(h.db, sourceId);
    expect(await h.poll(sourceId, 'older-dump')).toMatchObject({ read: 20, enqueued: 20 });
  });

  it('gives a restored database a namespace of its own, though its instance row is the same', async () => {
    const path = join(tempDir(), 'posts.jsonl');
    writeFileSync(path, lines(100, 130));
    const sourceId = await h.addSource('restored', { kind: 'file', path, channel: 'c' });
    expect(await h.poll(sourceId, 'restored')).toMatchObject({ enqueued: 30 });

    // pg_dump and pg_restore into a new database: post_seen, the cursor and the reads in flight come back as they were.
    const name = `${databaseName(TEST_DATABASE_URL)}_r${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
    await admin.end();
    const dump = join(tempDir(), 'vigil.dump');
    execFileSync('pg_dump', ['-Fc', '-f', dump, '-d', h.url]);
    execFileSync('pg_restore', ['--no-owner', '-d', withDatabase(TEST_DATABASE_URL, name), dump]);
    restored = { name, db: createDb(withDatabase(TEST_DATABASE_URL, name), 3) };

    expect(await instanceId(restored.db)).toBe(await instanceId(h.db));
    expect(await databaseEpoch(restored.db)).not.toBe(await databaseEpoch(h.db));
    expect(await databaseEpoch(h.db)).toBe(await databaseEpoch(h.db));

    // Ingest on the restored database, against the same Redis: the posts in flight at the dump are read and sent again.
    const config = ingestTestConfig(h.prefix, []);
    const fetcher = testFetcher();
    const sut = ingestHandlers({ db: restored.db, redis: h.redis, queues: h.queues, fetcher, config, log: testLog });
    const outcome = await sut['source.poll']({ sourceId, sourceName: 'restored' }, { id: 'restored-poll' } as Job<
      JobData['source.poll']
    >);
    expect(outcome).toMatchObject({ read: 30, enqueued: 30 });

    // The original database, unchanged, still drops them: the difference is the namespace.
    await resetCursor(h.db, sourceId);
    expect(await h.poll(sourceId, 'restored')).toMatchObject({ read: 30, enqueued: 0 });
  });
});
