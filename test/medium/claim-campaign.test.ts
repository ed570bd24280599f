import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/config/config.js';
import type { Verdict } from '../../shared/domain/verdict.js';
import { writeBundle } from '../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../../shared/evidence/signing-key.js';
import { createMetrics } from '../../shared/metrics.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { findAlerts } from '../../shared/repositories/alert.repository.js';
import { findCampaign } from '../../shared/repositories/campaign.repository.js';
import { findReviewItemsByExternalId } from '../../shared/repositories/review-item-view.repository.js';
import { alertHandlers } from '../../workers/alert/alert.worker.js';
import { deliverHandlers } from '../../workers/deliver/deliver.worker.js';
import { startWorker } from '../../workers/worker.runner.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { builtVerdict as verdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';
import { waitFor } from '../support/wait.js';

/** What the tests read of a webhook alert. */
const webhookBody = z.object({
  severity: z.string(),
  labels: z.array(z.string()),
  labelNames: z.array(z.string()),
  reviewItemId: z.number(),
  campaign: z.object({ id: z.number(), labels: z.array(z.string()) }).nullable(),
});

const item = (externalId: string, text: string, v: Verdict) => ({ post: makePost(externalId, text), verdict: v });

describe('a claim of an act meeting a bounty offer in one campaign', () => {
  let testDb: TestDb;
  let redis: Redis;
  let queues: Queues;
  let workers: Worker[];
  let hook: FakeServer;
  const hooks: z.infer<typeof webhookBody>[] = [];
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    hook = await startFakeServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      hooks.push(webhookBody.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      send(res, 202, '');
    });
    const dir = tempDir();
    // Only critical pages, so a page here is the raise and nothing else.
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'alerts:',
        `  webhook: { url: "${hook.url}/hook", secret: "webhook-secret-0123456789" }`,
        '  rules:',
        '    - { minSeverity: critical, channels: [webhook] }',
      ].join('\n'),
    );
    const config = loadConfig({ DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir);
    // The alert and deliver workers alone, wired as the runtime wires them: nothing here loads the classifier.
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
    const deps = { connection: redis, prefix, log: testLog, metrics: createMetrics() };
    const common = {
      db: testDb.db,
      redis,
      queues,
      prefix,
      alerts: config.alerts,
      itemUrl: (id: number) => `http://127.0.0.1/api/items/${id}`,
      log: testLog,
    };
    workers = [
      startWorker(
        QueueName.Alert,
        alertHandlers({
          ...common,
          nearMiss: config.nearMiss,
          incidents: config.incidents,
          checkpointAudit: async () => undefined,
        }),
        deps,
        2,
      ),
      startWorker(QueueName.Deliver, deliverHandlers(common), deps, 2),
    ];
  });

  afterAll(async () => {
    await Promise.allSettled((workers ?? []).map((w) => w.close()));
    await queues?.close();
    redis?.disconnect();
    await hook?.close();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  /** Sends one item through the alert worker and waits for its review item. */
  async function alertOne(i: ReturnType<typeof item>) {
    await queues.enqueue('items.alert', { items: [i], meta: jobMeta() });
    return waitFor(async () => {
      const [found] = await findReviewItemsByExternalId(testDb.db, [i.post.externalId]);
      return (
        found && {
          id: found.id,
          severity: found.severity,
          campaign_id: found.campaignId,
          classified_severity: found.classification.severity,
        }
      );
    }, `review item ${i.post.externalId}`);
  }
  const alertsOf = (reviewItemId: number) => findAlerts(testDb.db, { reviewItemId });

  it("makes a claim reporting to the offer's account critical, and pages once for it", async () => {
    const offer = await alertOne(
      item(
        'o-1',
        '£200 to anyone who puts the windows in at the mosque on Leyton High Road E10. Video to @payday_admin',
        verdict(['bounty_offer', 'target_info'], 'high', {
          postcodeDistricts: ['E10'],
          places: ['Leyton High Road'],
          contacts: ['@payday_admin'],
          amounts: [{ text: '£200' }],
        }),
      ),
    );
    expect(offer.severity).toBe('high');

    // No target in common: the claim joins by the account it reports to.
    const claim = await alertOne(
      item(
        'c-1',
        "Done. Video sent to t.me/payday_admin, where's my money",
        verdict(['claim'], 'medium', { contacts: ['t.me/payday_admin'] }),
      ),
    );
    expect(claim).toMatchObject({
      campaign_id: offer.campaign_id,
      severity: 'critical',
      classified_severity: 'medium',
    });
    const sent = await waitFor(
      async () => (await alertsOf(claim.id)).find((a) => a.status === 'sent'),
      'the claim to page',
    );
    expect(sent.channel).toBe('webhook');
    const page = hooks.find((h) => h.reviewItemId === claim.id)!;
    expect(page).toMatchObject({
      severity: 'critical',
      labels: ['claim'],
      labelNames: ['Claim of an act'],
      campaign: { id: offer.campaign_id, labels: expect.arrayContaining(['bounty_offer', 'claim']) },
    });
    expect(await alertsOf(offer.id)).toEqual([]);

    // A further claim is critical too, but the campaign's offer-and-claim pair is not news any more.
    const again = await alertOne(
      item(
        'c-2',
        'second one sorted as well, pics sent to @payday_admin, pay up',
        verdict(['claim'], 'medium', { contacts: ['@payday_admin'] }),
      ),
    );
    expect(again).toMatchObject({ campaign_id: offer.campaign_id, severity: 'critical' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await alertsOf(again.id)).toEqual([]);

    const campaign = (await findCampaign(testDb.db, offer.campaign_id!))!;
    expect(campaign).toMatchObject({ item_count: 3, handles: ['@payday_admin'] });
    expect([...campaign.labels].sort()).toEqual(['bounty_offer', 'claim', 'target_info']);
  });

  it('makes an offer joining a campaign that holds a claim critical, and pages for it', async () => {
    const claim = await alertOne(
      item(
        'c-3',
        'Sorted the school in E15 last night, pics sent to @ops_pay, pay up',
        verdict(['claim', 'target_info'], 'medium', { postcodeDistricts: ['E15'], contacts: ['@ops_pay'] }),
      ),
    );
    expect(claim.severity).toBe('medium');
    const offer = await alertOne(
      item(
        'o-2',
        '£300 for the next window at the E15 school, proof to @ops_pay',
        verdict(['bounty_offer', 'target_info'], 'high', {
          postcodeDistricts: ['E15'],
          contacts: ['@ops_pay'],
          amounts: [{ text: '£300' }],
        }),
      ),
    );
    expect(offer).toMatchObject({ campaign_id: claim.campaign_id, severity: 'critical', classified_severity: 'high' });
    await waitFor(async () => (await alertsOf(offer.id)).some((a) => a.status === 'sent'), 'the offer to page');
    expect(hooks.find((h) => h.reviewItemId === offer.id)).toMatchObject({
      severity: 'critical',
      labelNames: ['Bounty offer', 'Target named'],
    });
    expect(await alertsOf(claim.id)).toEqual([]);
  });

  it('names the claim in words in the evidence bundle, and says where its severity came from', async () => {
    const { campaignId, id } = (await findReviewItemsByExternalId(testDb.db, ['c-1']))[0]!;
    const dir = tempDir();
    const zip = join(dir, 'bundle.zip');
    const out = createWriteStream(zip);
    await writeBundle(
      testDb.db,
      {
        campaignId: campaignId!,
        createdBy: 'user:analyst@example.org',
        createdById: null,
        recipient: 'Met Police, OSINT unit',
        purpose: 'Claims against the Leyton offer',
      },
      loadOrCreateSigningKey(join(dir, 'evidence.pem')),
      out,
    );
    await finished(out);
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'out')]);
    const report = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(report).toContain(`<td>critical</td><td>Claim of an act</td>`);
    expect(report).toContain('<td>high</td><td>Bounty offer, Target named</td>');
    expect(report).toContain('it rated the post alone medium; critical comes from the campaign the item joined');
    const record = JSON.parse(readFileSync(join(dir, 'out', 'items', String(id), 'item.json'), 'utf8'));
    expect(record).toMatchObject({
      classification: { labels: ['claim'], labelNames: ['Claim of an act'], severity: 'medium' },
      review: { severity: 'critical', campaignId },
    });
  });
});
