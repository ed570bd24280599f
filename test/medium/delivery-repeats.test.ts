import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import type { JobData } from '../../shared/queues/queue.catalog.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { beginSend, duplicateRiskTotal, findAlert, insertOutbox } from '../../shared/repositories/alert.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { deliverHandlers } from '../../workers/deliver/deliver.worker.js';
import { webhookNotifier } from '../../workers/deliver/notifiers/webhook.notifier.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { makePost } from '../support/factories.js';

describe('delivery: possible repeats are counted, refusals are not', () => {
  let testDb: TestDb;
  let receiver: FakeServer;
  let redis: Redis;
  let queues: Queues;
  const prefix = testPrefix();
  let n = 0;

  beforeAll(async () => {
    testDb = await createTestDb();
    receiver = await startFakeServer((_req, res) => send(res, 200, ''));
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await receiver?.close();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  const sut = () => {
    const alerts = { webhook: { url: `${receiver.url}/hook`, secret: '0123456789abcdef0123' }, rules: [] } as never;
    return deliverHandlers(
      { db: testDb.db, redis, queues, prefix, alerts, itemUrl: (id) => `http://127.0.0.1/items/${id}`, log: testLog },
      { webhook: webhookNotifier({ url: `${receiver.url}/hook`, secret: '0123456789abcdef0123' }) },
    );
  };
  const deliver = (alertId: number, attempt = 0) =>
    sut()['alert.deliver']({ alertId }, { attemptsMade: attempt, opts: { attempts: 8 } } as Job<
      JobData['alert.deliver']
    >);
  async function pendingAlert(): Promise<number> {
    n += 1;
    const text = `£${100 + n} to anyone who sprays the mosque in E10, send a pic to @admin_${n}`;
    const post = makePost({ channel: `chan_${n}`, externalId: String(n), text, capture: { url: 'https://t.me/s/x' } });
    const [created] = await insertFlagged(testDb.db, [{ post, verdict: classify(text) }]);
    const [row] = await testDb.db
      .transaction()
      .execute((trx) => insertOutbox(trx, [{ reviewItemId: created!.reviewItemId, channel: 'webhook' }]));
    return row!.id;
  }
  const row = async (id: number) => {
    const { status, duplicate_risk, send_started_at } = (await findAlert(testDb.db, id))!;
    return { status, duplicate_risk, send_started_at };
  };

  it('counts the attempt after a deliverer died mid-send as a possible repeat', async () => {
    const id = await pendingAlert();
    // What a deliverer killed between handing the alert over and recording it leaves behind.
    expect(await beginSend(testDb.db, id)).toEqual({ possibleRepeat: false });
    expect(await deliver(id)).toEqual({ sent: 'webhook' });
    expect(await row(id)).toEqual({ status: 'sent', duplicate_risk: 1, send_started_at: null });
  });

  it('does not count a first attempt, nor one after the receiver refused', async () => {
    const id = await pendingAlert();
    receiver.setRoute((_req, res) => send(res, 503, ''));
    await expect(deliver(id)).rejects.toThrow('webhook answered 503');
    expect(await row(id)).toEqual({ status: 'pending', duplicate_risk: 0, send_started_at: null });
    receiver.setRoute((_req, res) => send(res, 200, ''));
    expect(await deliver(id, 1)).toEqual({ sent: 'webhook' });
    expect(await row(id)).toMatchObject({ status: 'sent', duplicate_risk: 0 });
  });

  it('counts the attempt after one whose outcome was lost (the connection dropped before the answer)', async () => {
    const id = await pendingAlert();
    receiver.setRoute((req) => void req.socket.destroy());
    await expect(deliver(id)).rejects.toThrow();
    receiver.setRoute((_req, res) => send(res, 200, ''));
    expect(await deliver(id, 1)).toEqual({ sent: 'webhook' });
    expect(await row(id)).toMatchObject({ status: 'sent', duplicate_risk: 1 });
    expect(await duplicateRiskTotal(testDb.db)).toBe(2);
  });

  it('sends nothing for a row no longer pending', async () => {
    const id = await pendingAlert();
    expect(await deliver(id)).toEqual({ sent: 'webhook' });
    const before = receiver.requests.length;
    expect(await deliver(id)).toEqual({ skipped: 'sent' });
    expect(await beginSend(testDb.db, id)).toBeUndefined();
    expect(receiver.requests.length).toBe(before);
  });
});
