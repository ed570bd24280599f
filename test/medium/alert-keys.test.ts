import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import type { JobData } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { alertIdempotencyKey, findAlerts, insertOutbox } from '../../shared/repositories/alert.repository.js';
import { instanceId } from '../../shared/repositories/instance.repository.js';
import { findPostByExternalId } from '../../shared/repositories/post.repository.js';
import { findReviewItemsByExternalId } from '../../shared/repositories/review-item-view.repository.js';
import { alertHandlers } from '../../workers/alert/alert.worker.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { giveNewInstanceId, insertAlertRow } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { makeItem, makePost } from '../support/factories.js';

/**
 * Two copies of the migrated template stand for a database and an older dump of it restored: the same
 * instance, the same serial ids handed out again, for other posts.
 */
describe('alert idempotency keys', () => {
  let first: TestDb;
  let restored: TestDb;
  let redis: Redis;
  let queues: Queues;
  const prefix = testPrefix();
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    [first, restored] = await Promise.all([createTestDb(), createTestDb()]);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'alerts:',
        '  webhook: { url: "http://127.0.0.1:9/hook", secret: "webhook-secret-0123456789" }',
        '  rules:',
        '    - { minSeverity: high, channels: [webhook] }',
      ].join('\n'),
    );
    config = loadConfig({ DATABASE_URL: first.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir);
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
  });

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await Promise.all([first?.drop(), restored?.drop()]);
    await dropPrefix(prefix);
  });

  /** Runs the alert worker's handler on one item, as a job (or its retry) would; no deliver worker takes the jobs. */
  const alertJob = (testDb: TestDb, externalId: string, text: string) => {
    const sut = alertHandlers({
      db: testDb.db,
      redis,
      queues,
      prefix,
      alerts: config.alerts,
      nearMiss: config.nearMiss,
      incidents: config.incidents,
      itemUrl: (id) => `http://127.0.0.1/items/${id}`,
      log: testLog,
      checkpointAudit: async () => undefined,
    });
    const data: JobData['items.alert'] = { items: [makeItem(makePost(externalId, text))], meta: jobMeta() };
    return sut['items.alert'](data, { id: `alert-${externalId}` } as Job<JobData['items.alert']>);
  };
  const alerts = (testDb: TestDb) => findAlerts(testDb.db);

  it('differ for two posts given the same review-item id in a database and its restored dump', async () => {
    await alertJob(first, 'k-1', '£100 to whoever does the shop on Leyton High Road');
    await alertJob(restored, 'k-2', '£500 for the windows at the E15 school');
    const [a] = await alerts(first);
    const [b] = await alerts(restored);
    expect(a!.review_item_id).toBe(b!.review_item_id);
    expect(a!.idempotency_key).not.toBe(b!.idempotency_key);
    const instance = await instanceId(first.db);
    const postKey = (await findPostByExternalId(first.db, 'k-1'))!.post_key;
    expect(a!.idempotency_key).toBe(alertIdempotencyKey({ instanceId: instance, postKey, channel: 'webhook' }));
    expect(a!.idempotency_key).toMatch(/^vigil-alert-[0-9a-f]{32}-webhook$/);
  });

  it('differ for the same post in another instance', async () => {
    // A new install (or a database recreated empty) has an id of its own.
    await giveNewInstanceId(restored.db);
    await alertJob(restored, 'k-1', '£100 to whoever does the shop on Leyton High Road');
    const keyOf = async (testDb: TestDb) => (await findAlerts(testDb.db, { externalId: 'k-1' }))[0]!.idempotency_key;
    expect(await keyOf(restored)).not.toBe(await keyOf(first));
  });

  it('stay the same when the alert job is retried', async () => {
    const before = await alerts(first);
    expect(await alertJob(first, 'k-1', '£100 to whoever does the shop on Leyton High Road')).toEqual({
      created: 0,
      outboxed: 0,
    });
    expect(await alerts(first)).toEqual(before);
  });

  it('of rows written before this format are kept: a repeat of such a row adds nothing', async () => {
    await alertJob(first, 'k-3', '£50 each for the cars outside the mosque');
    const item = (await findReviewItemsByExternalId(first.db, ['k-3']))[0]!.id;
    await insertAlertRow(first.db, {
      review_item_id: item,
      channel: 'email',
      tier: 1,
      idempotency_key: `vigil-alert-${item}-email-t1`,
      status: 'sent',
    });
    expect(
      await first.db.transaction().execute((trx) =>
        insertOutbox(trx, [
          { reviewItemId: item, channel: 'email', tier: 1 },
          { reviewItemId: item, channel: 'webhook' },
        ]),
      ),
    ).toEqual([]);
    const rows = (await alerts(first)).filter((a) => a.review_item_id === item);
    expect(rows.map((r) => [r.channel, r.tier, r.idempotency_key.startsWith(`vigil-alert-${item}-`)])).toEqual([
      ['webhook', 0, false],
      ['email', 1, true],
    ]);
  });
});
