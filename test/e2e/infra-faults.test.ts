import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config/config.js';
import { createDb } from '../../shared/db/client.js';
import { migrateToLatest } from '../../shared/db/migrate.js';
import { capturePost } from '../../shared/domain/post.js';
import { readStats } from '../../shared/metrics.js';
import { createQueues, jobMeta } from '../../shared/queues/queues.js';
import { countPosts } from '../../shared/repositories/post.repository.js';
import { countReviewItems } from '../../shared/repositories/review-item.repository.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { canOwnPostgres, ownPostgres, ownRedis } from '../support/owned-services.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const OFFER = '£100 to anyone who sprays the mosque in E10, send a pic to @payday_admin';
const port = () => 40_000 + Math.floor(Math.random() * 20_000);

describe.skipIf(!canOwnPostgres)(
  'faults in the backing services (test-owned PostgreSQL and Redis on other ports)',
  () => {
    it('rides out PostgreSQL stopped for 10 s under load: every flagged post one review item, no duplicates', async () => {
      const pgOwned = await ownPostgres(port());
      const db = createDb(pgOwned.url, 3);
      await migrateToLatest(db);
      const prefix = testPrefix();
      const runtime = await startRuntime(
        loadConfig({ DATABASE_URL: pgOwned.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, tempDir()),
        testLog,
        ['classify', 'alert'],
        { listen: false },
      );
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const queues = createQueues(redis, prefix, testLog);
      const count = () => countReviewItems(db);
      try {
        let serial = 0;
        const jobs = Array.from({ length: 40 }, () => ({
          data: {
            posts: Array.from({ length: 50 }, () => {
              const i = serial++;
              const text = i % 20 === 0 ? `${OFFER} #${i}` : `Bins are late again on road ${i}`;
              return capturePost(
                { source: 'pg-fault', platform: 'telegram', channel: `chan_${i % 9}`, externalId: String(i), text },
                Buffer.from(text),
                'text/plain',
                { url: 'x', fetchedAt: new Date().toISOString(), fetcher: 'test' },
              );
            }),
            meta: jobMeta(),
          },
        }));
        await queues.enqueueBulk('posts.classify', jobs.slice(0, 10));
        await waitFor(async () => (await count()) > 0, 'the first review items', 20_000);
        pgOwned.stop();
        await queues.enqueueBulk('posts.classify', jobs.slice(10));
        await new Promise((r) => setTimeout(r, 10_000));
        pgOwned.start();
        await waitFor(
          async () => (await count().catch(() => 0)) === 100,
          'all 100 flagged posts persisted after recovery',
          60_000,
        );
        expect(await countPosts(db)).toBe(100);
        expect((await readStats(redis, prefix)).posts_flagged).toBe(100);
        expect((await runtime.queues.byName.alert.getJobCounts('failed')).failed).toBe(0);
      } finally {
        await runtime.close();
        await queues.close();
        redis.disconnect();
        await db.destroy();
        pgOwned.destroy();
        await dropPrefix(prefix);
      }
    }, 120_000);

    it('rides out a Redis restart (AOF, fsync always) under load: nothing accepted is lost and the ingest cursor resumes', async () => {
      const redisOwned = await ownRedis(port());
      const pgOwned = await ownPostgres(port());
      const db = createDb(pgOwned.url, 3);
      await migrateToLatest(db);
      const dir = tempDir();
      const input = join(dir, 'posts.jsonl');
      writeFileSync(input, '');
      writeFileSync(
        join(dir, 'vigil.config.yaml'),
        `sources:\n  - { kind: file, name: replay, path: "${input}", channel: east_watch, pollInterval: 200ms }\n`,
      );
      const runtime = await startRuntime(
        loadConfig({ DATABASE_URL: pgOwned.url, REDIS_URL: redisOwned.url, VIGIL_QUEUE_PREFIX: '{vigil}' }, dir),
        testLog,
        ['ingest', 'classify', 'alert'],
        { listen: false },
      );
      const count = () => countReviewItems(db);
      let line = 0;
      const append = (n: number) => {
        for (let k = 0; k < n; k++, line++)
          appendFileSync(
            input,
            `${JSON.stringify({ id: line, text: line % 10 === 0 ? `${OFFER} #${line}` : `Bus diverted again, post ${line}` })}\n`,
          );
        utimesSync(input, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      };
      try {
        append(200);
        await waitFor(async () => (await count()) >= 20, 'the first batch flagged', 30_000);
        await redisOwned.restart(2_000);
        append(300);
        await waitFor(async () => (await count()) === 50, 'every offer flagged after the restart', 60_000);
        const cursor = (await findSourceByName(db, 'replay'))!;
        expect(cursor.cursor).toMatchObject({ line: 500 });
        const redis = new Redis(redisOwned.url);
        expect((await readStats(redis, '{vigil}')).posts_classified).toBe(500);
        redis.disconnect();
      } finally {
        await runtime.close();
        await db.destroy();
        pgOwned.destroy();
        await redisOwned.destroy();
      }
    }, 120_000);
  },
);
