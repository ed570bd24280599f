import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { acknowledge, findAlerts, insertOutbox, markSent } from '../../shared/repositories/alert.repository.js';
import { decideItem, insertFlagged, type Decision } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { deliverHandlers } from '../../workers/deliver/deliver.worker.js';
import type { Delivery } from '../../workers/deliver/notifiers/notifier.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { backdateAlertSent } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { makeItem, makePost } from '../support/factories.js';

/** The deliverer's escalation and delivery handlers on a real database and queue, run by hand at chosen moments. */
describe('escalation follows the analyst: dismissed or acknowledged items are never escalated', () => {
  let testDb: TestDb;
  let redis: Redis;
  let queues: Queues;
  let sut: ReturnType<typeof deliverHandlers>;
  let analyst: number;
  const sent: Delivery[] = [];
  const prefix = testPrefix();
  /** A job as the handlers see it: its id, and three attempts of which none is made yet. */
  const job = (id: string) => new Job(queues.byName[QueueName.Deliver], 'test', {}, { attempts: 3 }, id);

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'alerts:',
        '  webhook: { url: "http://127.0.0.1:9/hook", secret: "webhook-secret-0123456789" }',
        '  email: { smtpUrl: "smtp://127.0.0.1:9", from: vigil@example.org, to: [duty@example.org] }',
        '  rules:',
        '    - { minSeverity: high, channels: [webhook] }',
        '  escalation: { after: 1m, channels: [email] }',
      ].join('\n'),
    );
    const config = loadConfig({ DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir);
    // Receivers that take every alert: what matters here is which alerts are sent, not how.
    const receiver = async (d: Delivery) => {
      sent.push(d);
      return { ok: true };
    };
    sut = deliverHandlers(
      {
        db: testDb.db,
        redis,
        queues,
        prefix,
        alerts: config.alerts,
        itemUrl: (id) => `http://127.0.0.1/items/${id}`,
        log: testLog,
      },
      { webhook: receiver, email: receiver },
    );
    analyst = (await createUser(testDb.db, 'analyst@example.org', 'analyst', null)).id;
  });

  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  /** A flagged item whose first-tier page went out `agoMs` ago and nobody answered. */
  async function pagedItem(externalId: string, agoMs = 90_000) {
    const [created] = await testDb.db
      .transaction()
      .execute((trx) =>
        insertFlagged(trx, [makeItem(makePost(externalId, `£100 to anyone who sprays the mosque (${externalId})`))]),
      );
    const [alert] = await testDb.db
      .transaction()
      .execute((trx) => insertOutbox(trx, [{ reviewItemId: created!.reviewItemId, channel: 'webhook' }]));
    await markSent(testDb.db, alert!.id, {});
    await backdateAlertSent(testDb.db, alert!.id, new Date(Date.now() - agoMs));
    return { itemId: created!.reviewItemId, alertId: alert!.id };
  }
  const decide = (itemId: number, decision: Decision) =>
    decideItem(testDb.db, itemId, decision, analyst, decision === 'dismiss' ? 'false positive: a news report' : null);
  const escalations = (itemId: number) => findAlerts(testDb.db, { reviewItemId: itemId, minTier: 1 });

  it('escalates the unanswered and the confirmed items, and neither the dismissed nor the acknowledged ones', async () => {
    const unanswered = await pagedItem('e-new');
    const confirmed = await pagedItem('e-confirmed');
    const dismissed = await pagedItem('e-dismissed');
    const acknowledged = await pagedItem('e-acknowledged');
    const recent = await pagedItem('e-recent', 10_000);
    await decide(confirmed.itemId, 'confirm');
    await decide(dismissed.itemId, 'dismiss');
    await acknowledge(testDb.db, acknowledged.alertId, 'api:duty@example.org');

    expect(await sut['alerts.escalate']({}, job('escalate-1'))).toEqual({ escalated: 2 });
    expect((await escalations(unanswered.itemId)).map((a) => [a.channel, a.tier, a.status])).toEqual([
      ['email', 1, 'pending'],
    ]);
    expect((await escalations(confirmed.itemId)).map((a) => [a.channel, a.tier, a.status])).toEqual([
      ['email', 1, 'pending'],
    ]);
    expect(await escalations(dismissed.itemId)).toEqual([]);
    expect(await escalations(acknowledged.itemId)).toEqual([]);
    // Not due yet: the escalation delay is a minute.
    expect(await escalations(recent.itemId)).toEqual([]);
    const queued = await queues.byName[QueueName.Deliver].getJobs(['waiting', 'delayed'], 0, -1, true);
    expect(queued.filter((j) => j.name === 'alert.deliver')).toHaveLength(2);

    // Later runs, the dismissal long past the delay: still nothing for the dismissed item, nothing twice for the others.
    expect(await sut['alerts.escalate']({}, job('escalate-2'))).toEqual({ escalated: 0 });
    expect(await escalations(dismissed.itemId)).toEqual([]);
  });

  it('cancels an escalation already queued when the item is dismissed before it goes out, and sends a confirmed one', async () => {
    const dismissedLate = await pagedItem('e-dismissed-late');
    const confirmed = await pagedItem('e-confirmed-2');
    await sut['alerts.escalate']({}, job('escalate-3'));
    const [queuedForDismissed] = await escalations(dismissedLate.itemId);
    const [queuedForConfirmed] = await escalations(confirmed.itemId);
    expect(queuedForDismissed).toMatchObject({ status: 'pending', tier: 1 });

    // The analyst dismisses it as a false positive in the minute before the escalation job runs.
    await decide(dismissedLate.itemId, 'dismiss');
    await decide(confirmed.itemId, 'confirm');
    const before = sent.length;
    expect(await sut['alert.deliver']({ alertId: queuedForDismissed!.id }, job('deliver-d'))).toEqual({
      skipped: 'dismissed',
    });
    expect(await sut['alert.deliver']({ alertId: queuedForConfirmed!.id }, job('deliver-c'))).toEqual({
      sent: 'email',
    });
    expect(sent.slice(before).map((d) => d.alertId)).toEqual([queuedForConfirmed!.id]);
    expect(await escalations(dismissedLate.itemId)).toMatchObject([
      { status: 'cancelled', last_error: 'dismissed before the escalation went out' },
    ]);
    expect(await escalations(confirmed.itemId)).toMatchObject([{ status: 'sent' }]);
  });
});
