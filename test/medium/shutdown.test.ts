import pg from 'pg';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../cli/runtime.js';
import { classify } from '../../shared/classifier/index.js';
import { loadConfig } from '../../shared/config/config.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { jobMeta } from '../../shared/queues/queues.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { makePost } from '../support/factories.js';

describe('shutdown with a job stuck on a table lock', () => {
  let testDb: TestDb;
  let locker: pg.Client;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    locker = new pg.Client({ connectionString: testDb.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  it('returns within the grace period plus the bounded close, not when the lock is released', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vigil.config.yaml'), 'demo: false\n');
    const config = loadConfig(
      {
        DATABASE_URL: testDb.url,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_QUEUE_PREFIX: prefix,
        VIGIL_SHUTDOWN_GRACE: '500ms',
        LOG_LEVEL: 'silent',
      },
      dir,
    );
    const runtime = await startRuntime(config, testLog, ['alert'], { listen: false });

    // A lock held for as long as the test likes: the alert job's insert waits on it.
    await locker.query('begin');
    await locker.query('lock table post in access exclusive mode');
    const text = '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin';
    const post = makePost({ channel: 'c', text });
    await runtime.queues.enqueue(
      'items.alert',
      { items: [{ post, verdict: classify(text) }], meta: jobMeta() },
      { jobId: 'stuck' },
    );
    await waitFor(
      async () => (await runtime.queues.byName[QueueName.Alert].getJobState('stuck')) === 'active',
      'the job to be stuck on the lock',
    );

    const started = Date.now();
    await runtime.close();
    const took = Date.now() - started;
    await locker.query('rollback');
    // 0.5 s of grace, then at most 5 s for the forced close and 5 s for the pools; the lock alone would hold it for ever.
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(11_500);
  }, 30_000);
});
