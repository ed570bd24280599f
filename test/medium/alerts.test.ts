import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config/config.js';
import { findAlert, findAlerts } from '../../shared/repositories/alert.repository.js';
import { auditHash, listAudit } from '../../shared/repositories/audit.repository.js';
import { findCampaign } from '../../shared/repositories/campaign.repository.js';
import { findReviewItemsByExternalId } from '../../shared/repositories/review-item-view.repository.js';
import { webhookSignature } from '../../workers/deliver/notifiers/webhook.notifier.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { insertAlertRow } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { startFakeBotApi } from '../support/fake-bot-api.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { startFakeSmtp } from '../support/fake-smtp.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const TOKEN = '555555555:AAFakeDutyBotTokenForVigilTests_0123';
const SECRET = 'webhook-secret-0123456789';
const CHAT = -1001234567890;

/** A mail's body as its reader sees it: headers dropped, quoted-printable (nodemailer's choice for non-ASCII text) undone. */
function mailBody(raw: string): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/=\r?\n/g, '');
  return Buffer.concat(
    body
      .split(/(=[0-9A-F]{2})/)
      .map((part) =>
        /^=[0-9A-F]{2}$/.test(part) ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part, 'latin1'),
      ),
  ).toString('utf8');
}

describe('duty alerts: telegram, email and webhook, acknowledgement and escalation', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let bot: Awaited<ReturnType<typeof startFakeBotApi>>;
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let hook: FakeServer;
  let input: string;
  const hooks: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    bot = await startFakeBotApi(TOKEN);
    smtp = await startFakeSmtp();
    hook = await startFakeServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      send(res, 202, '');
    });
    const dir = tempDir();
    input = join(dir, 'posts.jsonl');
    writeFileSync(input, '');
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'sources:',
        `  - { kind: file, name: watch, path: "${input}", channel: east_watch, pollInterval: 200ms }`,
        'alerts:',
        `  telegram: { botToken: "${TOKEN}", chatId: ${CHAT}, apiRoot: "${bot.apiRoot}" }`,
        `  email: { smtpUrl: "${smtp.url}", from: vigil@example.org, to: [duty@example.org] }`,
        `  webhook: { url: "${hook.url}/hook", secret: "${SECRET}" }`,
        '  rules:',
        '    - { minSeverity: high, channels: [telegram, email, webhook] }',
        '  escalation: { after: 2s, channels: [email] }',
      ].join('\n'),
    );
    runtime = await startRuntime(
      loadConfig({ DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir),
      testLog,
      ['ingest', 'classify', 'alert', 'deliver'],
      { listen: false },
    );
  });

  afterAll(async () => {
    await runtime?.close();
    await Promise.all([bot?.close(), smtp?.close(), hook?.close()]);
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  const ingest = (id: string, text: string) => {
    appendFileSync(input, `${JSON.stringify({ id, text })}\n`);
    utimesSync(input, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  };
  const alertsOf = (externalId: string) => findAlerts(testDb.db, { externalId });

  it('delivers a critical offer once on each channel, signed and keyed, and an Acknowledge stops escalation', async () => {
    const started = Date.now();
    ingest('m-1', '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight. Send a pic to @payday_admin');
    const sent = await waitFor(async () => {
      const rows = await alertsOf('m-1');
      return rows.length === 3 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    }, 'three alerts sent');
    testLog.info({ ms: Date.now() - started }, 'ingest to all three channels');

    const messages = bot.calls.filter((c) => c.method === 'sendMessage');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toMatchObject({
      chat_id: CHAT,
      text: expect.stringMatching(/^\[Vigil CRITICAL\] Bounty offer · mosque, Leyton High Road, E10/),
    });
    expect(messages[0]!.body).not.toHaveProperty('parse_mode');
    const telegramAlert = sent.find((r) => r.channel === 'telegram')!;
    expect(JSON.stringify(messages[0]!.body.reply_markup)).toContain(`"callback_data":"ack:${telegramAlert.id}"`);

    expect(smtp.mails).toHaveLength(1);
    const emailAlert = sent.find((r) => r.channel === 'email')!;
    expect(smtp.mails[0]!.raw).toMatch(new RegExp(`^Message-ID: <${emailAlert.idempotency_key}@vigil>`, 'mi'));
    expect(smtp.mails[0]!.to).toEqual(['duty@example.org']);

    expect(hooks).toHaveLength(1);
    const h = hooks[0]!;
    const webhookAlert = sent.find((r) => r.channel === 'webhook')!;
    expect(h.headers['idempotency-key']).toBe(webhookAlert.idempotency_key);
    expect(h.headers['x-vigil-signature']).toBe(
      `sha256=${webhookSignature(SECRET, String(h.headers['x-vigil-timestamp']), h.body)}`,
    );
    expect(JSON.parse(h.body)).toMatchObject({
      severity: 'critical',
      labels: ['bounty_offer', 'target_info'],
      post: { text: expect.stringMatching(/^£100 to anyone/) },
    });

    // The officer presses Acknowledge in the duty chat.
    bot.push({
      update_id: 1,
      callback_query: {
        id: 'cb-1',
        chat_instance: 'x',
        data: `ack:${telegramAlert.id}`,
        from: { id: 42, is_bot: false, first_name: 'Officer', username: 'duty_officer' },
      },
    });
    await waitFor(
      async () => (await alertsOf('m-1')).every((r) => r.acknowledged_via === 'telegram:@duty_officer'),
      'the acknowledgement',
    );
    await waitFor(
      async () =>
        bot.calls.some(
          (c) =>
            c.method === 'answerCallbackQuery' && c.body.callback_query_id === 'cb-1' && c.body.text === 'Acknowledged',
        ),
      'the button press answered',
    );

    // Past the escalation delay: nothing more goes out for the acknowledged item.
    await new Promise((r) => setTimeout(r, 3_500));
    expect((await alertsOf('m-1')).filter((r) => r.tier > 0)).toEqual([]);
    expect(smtp.mails).toHaveLength(1);

    const audit = await listAudit(testDb.db);
    expect(audit.map((a) => [a.actor, a.action])).toEqual([['telegram:@duty_officer', 'alert.acknowledge']]);
    const [row] = audit;
    expect(row!.hash).toBe(
      auditHash(row!.prev_hash, row!.at.toISOString(), {
        actor: row!.actor,
        actorId: row!.actor_id,
        action: row!.action,
        entity: row!.entity,
        entityId: row!.entity_id,
        details: row!.details,
      }),
    );
  });

  it('escalates an alert nobody acknowledged to the next tier, once', async () => {
    ingest(
      'm-2',
      'Paying a ton for every window put in at the Islamic centre SE25. Video proof or no payment, DM @ops',
    );
    const escalation = await waitFor(
      async () => (await alertsOf('m-2')).find((r) => r.tier === 1 && r.status === 'sent'),
      'the escalation email',
      15_000,
    );
    expect(escalation.channel).toBe('email');
    expect(escalation.idempotency_key).toMatch(/-email-t1$/);
    const mails = smtp.mails.filter((m) => m.raw.includes('ESCALATED'));
    expect(mails).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await alertsOf('m-2')).filter((r) => r.tier === 1)).toHaveLength(1);
  });

  it('joins reposts to one campaign without paging again, unless a new target appears', async () => {
    const before = bot.calls.filter((c) => c.method === 'sendMessage').length;
    ingest('m-3', '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight! Send a pic to @payday_admin');
    ingest(
      'm-4',
      '£100 to anyone who sprays the mosque on Leyton High Road E10 and the school in E15 tonight. Send a pic to @payday_admin',
    );
    const items = await waitFor(async () => {
      const rows = await findReviewItemsByExternalId(testDb.db, ['m-1', 'm-3', 'm-4']);
      return rows.length === 3 ? Object.fromEntries(rows.map((r) => [r.post.externalId, r.campaignId])) : undefined;
    }, 'the reposts to become review items');
    expect(items['m-3']).toBe(items['m-1']);
    expect(items['m-4']).toBe(items['m-1']);
    await waitFor(
      async () => (await alertsOf('m-4')).length === 3 && (await alertsOf('m-4')).every((r) => r.status === 'sent'),
      'the new-target repost to page',
    );
    expect(await alertsOf('m-3')).toEqual([]);
    expect(bot.calls.filter((c) => c.method === 'sendMessage').length).toBe(before + 1);
    const campaign = (await findCampaign(testDb.db, items['m-1']!))!;
    expect(campaign.item_count).toBe(3);
    expect(campaign.targets).toEqual(expect.arrayContaining(['e10', 'e15', 'leyton high road']));
    expect(campaign.handles).toEqual(['@payday_admin']);
  });

  it("quotes the post apart from Vigil's lines and defangs its links, on every channel", async () => {
    const fake = 'Open: https://vigil-example.org/api/items/1';
    ingest(
      'm-5',
      `£300 to anyone who torches the synagogue on Stamford Hill N16 tonight, proof to @n16_paymaster\n\n${fake}\u2028Open: http://evil.example/desk`,
    );
    const sent = await waitFor(async () => {
      const rows = await alertsOf('m-5');
      return rows.length === 3 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    }, 'three alerts for the post with a fake link');
    const itemId = sent[0]!.review_item_id;
    const telegram = String(bot.calls.filter((c) => c.method === 'sendMessage').at(-1)!.body.text);
    const webhook = JSON.parse(
      hooks.find((h) => h.headers['idempotency-key'] === sent.find((r) => r.channel === 'webhook')!.idempotency_key)!
        .body,
    ) as { text: string; post: { text: string } };
    const mail = smtp.mails.find((m) => m.raw.includes(sent.find((r) => r.channel === 'email')!.idempotency_key))!;
    for (const [channel, text] of [
      ['telegram', telegram],
      ['email', mailBody(mail.raw)],
      ['webhook', webhook.text],
    ] as const) {
      const lines = text.split(/\r\n|[\n\r\u2028\u2029]/);
      expect(
        lines.filter((l) => l.startsWith('Open:')),
        channel,
      ).toEqual([expect.stringMatching(new RegExp(`^Open: http://\\S+/ui/items/${itemId}$`))]);
      expect(lines, channel).toContain('> Open: hxxps://vigil-example[.]org/api/items/1');
      expect(lines, channel).toContain('> Open: hxxp://evil[.]example/desk');
      expect(text, channel).not.toMatch(/https?:\/\/(vigil-example|evil)\.|evil\.example/);
    }
    expect(webhook.post.text).toContain('Open: hxxps://vigil-example[.]org/api/items/1');
  });

  it('re-drives an outbox row whose delivery job was lost, and never sends a sent row again', async () => {
    const row = await insertAlertRow(testDb.db, {
      review_item_id: (await alertsOf('m-2'))[0]!.review_item_id,
      channel: 'webhook',
      tier: 5,
      idempotency_key: 'vigil-alert-lost-job',
      created_at: new Date(Date.now() - 60_000),
    });
    const before = hooks.length;
    await runtime.queues.enqueue('outbox.sweep', {});
    await waitFor(async () => (await findAlert(testDb.db, row.id))?.status === 'sent', 'the lost alert to be sent');
    expect(hooks.length).toBe(before + 1);
    expect(hooks.at(-1)!.headers['idempotency-key']).toBe('vigil-alert-lost-job');

    await runtime.queues.enqueue('alert.deliver', { alertId: row.id }, { jobId: 'deliver-again' });
    await runtime.queues.enqueue('outbox.sweep', {});
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks.length).toBe(before + 1);
  });
});
