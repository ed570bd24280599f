import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturePost } from '../../shared/domain/post.js';
import { readStats } from '../../shared/metrics.js';
import { packageRoot } from '../../shared/paths.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { findAlert, insertOutbox } from '../../shared/repositories/alert.repository.js';
import { findPostByExternalId } from '../../shared/repositories/post.repository.js';
import { countReviewItems, insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { classify } from '../../shared/classifier/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const BIN = join(packageRoot(), 'bin', 'vigil.js');
const OFFER = '£100 to anyone who sprays the mosque in E10, send a pic to @payday_admin';

describe('faults: killed and stopped workers, poison messages', () => {
  let testDb: TestDb;
  let redis: Redis;
  let queues: Queues;
  let hook: FakeServer;
  let hookFails = true;
  let dir: string;
  const prefix = testPrefix();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
    hook = await startFakeServer((_req, res) => send(res, hookFails ? 503 : 200, ''));
    dir = tempDir();
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      `alerts:\n  webhook: { url: "${hook.url}/hook", secret: "0123456789abcdef0123" }\n  rules:\n    - { minSeverity: high, channels: [webhook] }\n`,
    );
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await queues?.close();
    redis?.disconnect();
    await hook?.close();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: testDb.url,
    REDIS_URL: TEST_REDIS_URL,
    VIGIL_QUEUE_PREFIX: prefix,
    VIGIL_LOCK_DURATION: '2s',
    LOG_LEVEL: 'warn',
  });
  const worker = (kind: string) => {
    const child = spawn(process.execPath, [BIN, 'worker', kind], { cwd: dir, env: env(), stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const exited = (c: ChildProcess) =>
    new Promise<number | string | null>((resolve) =>
      c.exitCode !== null || c.signalCode !== null
        ? resolve(c.exitCode ?? c.signalCode)
        : c.once('exit', (code, signal) => resolve(code ?? signal)),
    );
  let serial = 0;
  const batch = (n: number) =>
    Array.from({ length: n }, () => {
      const i = serial++;
      const text = i % 20 === 0 ? `${OFFER} #${i}` : `Bins are late again on road ${i}, anyone know why?`;
      return capturePost(
        { source: 'faults', platform: 'telegram', channel: `chan_${i % 7}`, externalId: String(i), text },
        Buffer.from(text),
        'text/plain',
        { url: 'https://t.me/s/x', fetchedAt: new Date().toISOString(), fetcher: 'test' },
      );
    });
  const reviewItems = () => countReviewItems(testDb.db);

  it('recovers a classify worker killed mid-batch: every post classified once, every flagged post one item', async () => {
    const jobs = Array.from({ length: 60 }, () => ({ data: { posts: batch(50), meta: jobMeta() } }));
    await queues.enqueueBulk('posts.classify', jobs);
    const alert = worker('alert');
    const first = worker('classify');
    await waitFor(
      async () => (await readStats(redis, prefix)).posts_classified >= 500,
      'some batches classified',
      20_000,
    );
    first.kill('SIGKILL');
    await exited(first);
    const second = worker('classify');
    await waitFor(
      async () => (await readStats(redis, prefix)).posts_classified >= 3_000 && (await reviewItems()) >= 150,
      'everything classified and persisted',
      40_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await readStats(redis, prefix)).posts_classified).toBe(3_000);
    expect(await reviewItems()).toBe(150);
    alert.kill('SIGTERM');
    second.kill('SIGTERM');
    await Promise.all([exited(alert), exited(second)]);
  }, 90_000);

  it('drains on SIGTERM within the grace period, losing no job', async () => {
    const before = (await readStats(redis, prefix)).posts_classified;
    await queues.enqueueBulk(
      'posts.classify',
      Array.from({ length: 200 }, () => ({ data: { posts: batch(50), meta: jobMeta() } })),
    );
    const child = worker('classify');
    await waitFor(
      async () => (await readStats(redis, prefix)).posts_classified > before,
      'the worker to start',
      20_000,
    );
    const stopAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(25_000);
    const counts = await queues.byName[QueueName.Classify].getJobCounts('active', 'waiting', 'failed');
    expect(counts.active).toBe(0);
    const classified = (await readStats(redis, prefix)).posts_classified - before;
    expect(classified + counts.waiting! * 50).toBe(10_000);
    const rest = worker('classify');
    await waitFor(
      async () => (await readStats(redis, prefix)).posts_classified === before + 10_000,
      'the rest to be classified',
      40_000,
    );
    rest.kill('SIGTERM');
    await exited(rest);
  }, 90_000);

  it('keeps a poison delivery in the failed set after its attempts, and re-drives it with `vigil jobs retry`', async () => {
    const [created] = await insertFlagged(testDb.db, [{ post: batch(1)[0]!, verdict: classify(OFFER) }]);
    const [row] = await testDb.db
      .transaction()
      .execute((trx) => insertOutbox(trx, [{ reviewItemId: created!.reviewItemId, channel: 'webhook', tier: 9 }]));
    await queues.enqueue(
      'alert.deliver',
      { alertId: row!.id },
      { jobId: 'poison-1', attempts: 3, backoff: { type: 'fixed', delay: 100 } },
    );
    worker('deliver');
    const failed = await waitFor(
      async () => (await queues.byName[QueueName.Deliver].getFailed()).find((j) => j.id === 'poison-1'),
      'the job to fail for good',
      20_000,
    );
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe('webhook answered 503');
    expect(await findAlert(testDb.db, row!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    const listed = spawnSync(process.execPath, [BIN, 'jobs', 'failed', '--queue', 'deliver'], {
      cwd: dir,
      env: env(),
      encoding: 'utf8',
    });
    expect(listed.stdout).toMatch(/^deliver\tpoison-1\talert\.deliver\tattempts 3\t.*webhook answered 503$/m);

    hookFails = false;
    const retried = spawnSync(process.execPath, [BIN, 'jobs', 'retry', '--queue', 'deliver', '--id', 'poison-1'], {
      cwd: dir,
      env: env(),
      encoding: 'utf8',
    });
    expect(retried.stdout).toBe('re-queued 1 failed job(s)\n');
    await waitFor(
      async () => (await findAlert(testDb.db, row!.id))?.status === 'sent',
      'the re-driven alert to be sent',
      20_000,
    );
  }, 60_000);

  it('persists a flagged post whose text holds NUL characters, keeping the raw bytes exact', async () => {
    const text = `${OFFER}\u0000 hidden`;
    const post = capturePost(
      { source: 'faults', platform: 'telegram', channel: 'nul_chan', externalId: 'n-1', text },
      Buffer.from(text),
      'text/plain',
      { url: 'x', fetchedAt: new Date().toISOString(), fetcher: 'test' },
    );
    await insertFlagged(testDb.db, [{ post, verdict: classify(text) }]);
    const row = (await findPostByExternalId(testDb.db, 'n-1'))!;
    expect(row.text).toBe(`${OFFER}\ufffd hidden`);
    expect(row.raw.toString('utf8')).toBe(text);
  });
});
