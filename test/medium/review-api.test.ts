import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/app.js';
import { classify } from '../../shared/classifier/index.js';
import { createMetrics } from '../../shared/metrics.js';
import { hashPassword } from '../../shared/password.js';
import { beginSend, insertOutbox, markSent } from '../../shared/repositories/alert.repository.js';
import { listAudit, listAuditAfter } from '../../shared/repositories/audit.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { packageRoot } from '../../shared/paths.js';
import { createRedis } from '../../shared/queues/redis.js';
import { createQueues } from '../../shared/queues/queues.js';
import { testPrefix } from '../support/redis.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { rewriteAuditDetails } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { tempDir } from '../support/tmp.js';
import { builtVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';
import { verifyBundle } from '../../shared/evidence/verify.js';
import { writeFileSync } from 'node:fs';

const PASSWORD = 'correct horse battery staple';

describe('review desk API: authentication, roles, CSRF, decisions and the audit log', () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  const bearer: Record<string, Record<string, string>> = {};
  let itemId: number;

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    app = await buildApp({
      db: testDb.db,
      redis,
      metrics: createMetrics(),
      log: testLog,
      keyPrefix: testPrefix(),
      evidence: { keyFile: join(tempDir(), 'evidence.pem') },
    });
    for (const role of ['analyst', 'duty_officer', 'admin', 'auditor'] as const) {
      const user = await createUser(testDb.db, `${role}@example.org`, role, await hashPassword(PASSWORD));
      bearer[role] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'test')}` };
    }
    const text = '£100 to anyone who sprays the mosque in E10, send a pic to @payday_admin';
    const post = makePost({ text });
    itemId = (await insertFlagged(testDb.db, [{ post, verdict: classify(text) }]))[0]!.reviewItemId;
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await testDb?.drop();
  });

  const login = async (email: string, password = PASSWORD) => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });
    const cookie = res.cookies.find((c) => c.name === 'vigil_session');
    return { res, cookie, csrf: res.json<{ csrfToken?: string }>().csrfToken };
  };

  it('answers nothing but /healthz and /metrics without authentication', async () => {
    for (const url of [
      '/api/items',
      `/api/items/${itemId}`,
      '/api/alerts',
      '/api/sources',
      '/api/audit',
      '/api/me',
      '/api/labels',
      '/api/campaigns',
      '/docs',
      '/docs/json',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/items', headers: { authorization: 'Bearer vgl_not-a-token' } }))
        .statusCode,
    ).toBe(401);
  });

  it('signs in with a password into an HttpOnly, SameSite session, and refuses a wrong one', async () => {
    expect((await login('analyst@example.org', 'wrong password here')).res.statusCode).toBe(401);
    const { res, cookie, csrf } = await login('ANALYST@example.org');
    expect(res.statusCode).toBe(200);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(csrf).toMatch(/^[\w-]{40,}$/);
    const me = await app.inject({ method: 'GET', url: '/api/me', cookies: { vigil_session: cookie!.value } });
    expect(me.json()).toEqual({
      user: { id: expect.any(Number), email: 'analyst@example.org', role: 'analyst' },
      csrfToken: csrf,
    });
  });

  it('requires the CSRF token on state changes made with a session cookie, not with a bearer token', async () => {
    const { cookie, csrf } = await login('analyst@example.org');
    const decide = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/api/items/${itemId}/decision`,
        cookies: { vigil_session: cookie!.value },
        headers,
        payload: { decision: 'escalate' },
      });
    expect((await decide({})).statusCode).toBe(403);
    expect((await decide({ 'x-csrf-token': 'guess' })).statusCode).toBe(403);
    const ok = await decide({ 'x-csrf-token': csrf! });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'escalated' });
  });

  it('records decisions, assignment and notes, each in the audit log; a dismissal needs a reason', async () => {
    const post = (url: string, payload: object, role = 'analyst') =>
      app.inject({ method: 'POST', url, headers: bearer[role], payload });
    expect((await post(`/api/items/${itemId}/decision`, { decision: 'dismiss' })).statusCode).toBe(400);
    expect((await post(`/api/items/${itemId}/decision`, { decision: 'confirm' })).json()).toMatchObject({
      status: 'confirmed',
      decidedAt: expect.any(String),
    });
    expect((await post(`/api/items/${itemId}/assign`, { userId: null })).statusCode).toBe(200);
    expect(
      (await post(`/api/items/${itemId}/notes`, { text: 'Same wording as the E15 offer last week.' })).statusCode,
    ).toBe(201);
    expect((await post(`/api/items/${itemId}/decision`, { decision: 'confirm' }, 'duty_officer')).statusCode).toBe(403);
    expect((await post('/api/items/999999/decision', { decision: 'confirm' })).statusCode).toBe(404);

    const detail = await app.inject({ method: 'GET', url: `/api/items/${itemId}`, headers: bearer.auditor });
    expect(detail.json()).toMatchObject({
      status: 'confirmed',
      notes: [{ text: 'Same wording as the E15 offer last week.', author: 'analyst@example.org' }],
    });
    const actions = (await listAuditAfter(testDb.db, 0, 10_000)).map((a) => `${a.actor} ${a.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user:analyst@example.org item.escalate',
        'user:analyst@example.org item.confirm',
        'user:analyst@example.org item.assign',
        'user:analyst@example.org item.note',
        'user:auditor@example.org item.view',
        'login:analyst@example.org session.login_failed',
      ]),
    );
  });

  it('keeps the watch-list to admins, with a reason for every change, and the audit log to auditors', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/sources', headers: bearer.analyst })).statusCode).toBe(403);
    const body = {
      name: 'tme-example',
      source: { kind: 'telegram-web', channel: 'example_channel' },
      reason: 'Offers seen here by Tell MAMA on 2025-01-10',
    };
    const created = await app.inject({ method: 'POST', url: '/api/sources', headers: bearer.admin, payload: body });
    expect(created.statusCode).toBe(201);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/sources',
          headers: bearer.admin,
          payload: { ...body, name: 'bad', source: { kind: 'telegram-web', channel: 'x' } },
        })
      ).json(),
    ).toMatchObject({ message: expect.stringMatching(/^source\.channel: /) });
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/sources/${created.json<{ id: number }>().id}`,
          headers: bearer.admin,
          payload: { enabled: false, reason: 'Channel deleted by Telegram' },
        })
      ).json(),
    ).toMatchObject({ enabled: false });

    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: bearer.analyst })).statusCode).toBe(403);
    const audit = await app.inject({ method: 'GET', url: '/api/audit', headers: bearer.auditor });
    const entries = audit.json<{ entries: { action: string; details: Record<string, unknown> }[] }>().entries;
    expect(entries.find((e) => e.action === 'source.create')!.details).toMatchObject({
      reason: body.reason,
      kind: 'telegram-web',
    });
    expect(entries.find((e) => e.action === 'source.disable')!.details).toEqual({
      reason: 'Channel deleted by Telegram',
    });
  });

  it("lists claims by label, in words, and counts a campaign's offers, calls and claims", async () => {
    const items = [
      {
        post: makePost(
          'offer-1',
          '£200 to anyone who does the windows at the Green Street mosque, video to @payday_admin',
        ),
        verdict: builtVerdict(['bounty_offer', 'target_info'], 'high', {
          places: ['Green Street'],
          contacts: ['@payday_admin'],
        }),
      },
      {
        post: makePost('claim-1', "Done the one on Green Street, video sent to @payday_admin, where's my £200"),
        verdict: builtVerdict(['claim'], 'medium', { places: ['Green Street'], contacts: ['@payday_admin'] }),
      },
    ];
    const created = await testDb.db.transaction().execute(async (trx) => {
      const rows = await insertFlagged(trx, items);
      await assignCampaigns(
        trx,
        rows.map((r) => ({ reviewItemId: r.reviewItemId, input: items.find((i) => i.post.key === r.postKey)! })),
      );
      return rows;
    });
    const claimId = created.find((r) => r.postKey === items[1]!.post.key)!.reviewItemId;

    const listed = (await app.inject({ method: 'GET', url: '/api/items?label=claim', headers: bearer.analyst })).json<{
      items: { id: number; severity: string; campaignId: number; classification: { labels: string[] } }[];
    }>().items;
    expect(listed).toEqual([
      expect.objectContaining({
        id: claimId,
        severity: 'critical',
        classification: expect.objectContaining({ labels: ['claim'] }),
      }),
    ]);
    expect(
      (await app.inject({ method: 'GET', url: '/api/items?label=claims', headers: bearer.analyst })).statusCode,
    ).toBe(400);

    const labels = (await app.inject({ method: 'GET', url: '/api/labels', headers: bearer.auditor })).json<{
      labels: { label: string; name: string; flags: boolean }[];
    }>().labels;
    expect(labels).toContainEqual({ label: 'claim', name: 'Claim of an act', flags: true });
    expect(labels.filter((l) => l.flags).map((l) => l.label)).toEqual(['bounty_offer', 'call_to_action', 'claim']);

    const campaign = (
      await app.inject({ method: 'GET', url: `/api/campaigns/${listed[0]!.campaignId}`, headers: bearer.analyst })
    ).json<{ itemCount: number; labelCounts: Record<string, number> }>();
    expect(campaign).toMatchObject({
      itemCount: 2,
      labelCounts: { bounty_offer: 1, call_to_action: 0, claim: 1, target_info: 1, hate: 0 },
    });
    const all = (await app.inject({ method: 'GET', url: '/api/campaigns', headers: bearer.analyst })).json<{
      campaigns: { id: number; labelCounts: Record<string, number> }[];
    }>().campaigns;
    expect(all.find((c) => c.id === listed[0]!.campaignId)?.labelCounts.claim).toBe(1);

    const docs = (await app.inject({ method: 'GET', url: '/docs/json', headers: bearer.analyst })).json<{
      paths: Record<string, { get: { parameters: { name: string; schema: { enum?: string[] } }[] } }>;
    }>();
    expect(docs.paths['/api/items']!.get.parameters.find((p) => p.name === 'label')!.schema.enum).toContain('claim');
  });

  it('mounts Bull Board for admins only', async () => {
    const redisQ = createRedis(TEST_REDIS_URL, 'worker');
    const queues = createQueues(redisQ, testPrefix(), testLog);
    const withBoard = await buildApp({
      db: testDb.db,
      redis,
      metrics: createMetrics(),
      log: testLog,
      keyPrefix: testPrefix(),
      queues,
    });
    try {
      expect((await withBoard.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
      expect(
        (await withBoard.inject({ method: 'GET', url: '/admin/queues', headers: bearer.analyst })).statusCode,
      ).toBe(403);
      const board = await withBoard.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer.admin });
      expect(board.statusCode).toBe(200);
      expect(
        board
          .json<{ queues: { name: string }[] }>()
          .queues.map((q) => q.name)
          .sort(),
      ).toEqual(['alert', 'classify', 'deliver', 'ingest', 'media']);
    } finally {
      await withBoard.close();
      await queues.close();
      redisQ.disconnect();
    }
  });

  it('lets duty officers acknowledge alerts through the API', async () => {
    // An email alert for the item, sent as the alert worker sends it.
    const [alert] = await insertOutbox(testDb.db, [{ reviewItemId: itemId, channel: 'email' }]);
    await beginSend(testDb.db, alert!.id);
    expect(await markSent(testDb.db, alert!.id, {})).toBe(true);
    const ack = await app.inject({ method: 'POST', url: `/api/alerts/${alert!.id}/ack`, headers: bearer.duty_officer });
    expect(ack.json()).toEqual({ reviewItemId: itemId, already: false });
    expect(
      (await app.inject({ method: 'POST', url: `/api/alerts/${alert!.id}/ack`, headers: bearer.auditor })).statusCode,
    ).toBe(403);
  });

  it('streams a signed evidence bundle from POST /api/exports, to analysts and admins only', async () => {
    const payload = { itemIds: [itemId], recipient: 'Tell MAMA', purpose: 'Victim support referral' };
    expect(
      (await app.inject({ method: 'POST', url: '/api/exports', headers: bearer.duty_officer, payload })).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/exports',
          headers: bearer.analyst,
          payload: { ...payload, itemIds: [999999] },
        })
      ).statusCode,
    ).toBe(404);
    // An existing item beside a missing one: refused whole, naming the missing one, never a short bundle.
    const partial = await app.inject({
      method: 'POST',
      url: '/api/exports',
      headers: bearer.analyst,
      payload: { ...payload, itemIds: [itemId, 999999] },
    });
    expect(partial.statusCode).toBe(404);
    expect(partial.json<{ message: string }>().message).toBe('item 999999 does not exist');
    const res = await app.inject({ method: 'POST', url: '/api/exports', headers: bearer.analyst, payload });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const file = join(tempDir(), 'api.zip');
    writeFileSync(file, res.rawPayload);
    expect(await verifyBundle(file)).toMatchObject({ ok: true, problems: [] });
    const [entry] = await listAudit(testDb.db, { actions: ['evidence.export'] });
    expect(entry).toMatchObject({
      actor: 'user:analyst@example.org',
      details: { recipient: 'Tell MAMA', purpose: 'Victim support referral', itemIds: [itemId] },
    });
  });

  it('limits login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (
          await app.inject({
            method: 'POST',
            url: '/api/login',
            payload: { email: 'nobody@example.org', password: 'x' },
          })
        ).statusCode,
      );
    expect(codes).toContain(429);
  });
  // Last: it edits the audit log by hand.
  it('`vigil audit verify` passes on the chain, and names the row edited by hand', async () => {
    const bin = join(packageRoot(), 'bin', 'vigil.js');
    const verify = () =>
      spawnSync(process.execPath, [bin, 'audit', 'verify'], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: testDb.url },
        encoding: 'utf8',
      });
    const good = verify();
    expect(good.stdout + good.stderr).toMatch(/^audit log intact/);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^audit log intact: \d+ entries/);
    const [victim] = await listAudit(testDb.db, { actions: ['item.confirm'] });
    await rewriteAuditDetails(testDb.db, victim!.id, { reason: 'rewritten' });
    const bad = verify();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`AUDIT LOG TAMPERED: entry ${victim!.id}: the row was edited`);
  });
});
