import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../services/api/app.js';
import { createMetrics } from '../../shared/metrics.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { findReviewItem } from '../../shared/repositories/review-item-view.repository.js';
import { listItems, searchTerms } from '../../shared/repositories/review-queue.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { testPrefix } from '../support/redis.js';
import { builtVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';

const OFFER = '£200 for whoever puts the windows in at the mosque on Romford Road E7, pics to @romford_pay';

describe('review desk API: tabs, search, undo, campaign decisions, the user picker and saved views', () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  const bearer: Record<string, Record<string, string>> = {};
  const userId: Record<string, number> = {};
  let offer: number;
  let campaignItems: number[];
  let others: number[];
  let chanA: number;

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    app = await buildApp({ db: testDb.db, redis, metrics: createMetrics(), log: testLog, keyPrefix: testPrefix() });
    for (const [name, role] of [
      ['analyst', 'analyst'],
      ['second', 'analyst'],
      ['duty', 'duty_officer'],
      ['admin', 'admin'],
    ] as const) {
      const user = await createUser(testDb.db, `${name}@example.org`, role, null);
      userId[name] = user.id;
      bearer[name] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'test')}` };
    }
    const repost = 'Cash to anyone who burns the hostel on Kings Road SW3 tonight, DM @kings_cash';
    const inputs = [
      {
        post: makePost('1', OFFER),
        verdict: builtVerdict(['bounty_offer'], 'high', { postcodeDistricts: ['E7'], contacts: ['@romford_pay'] }),
      },
      ...['a', 'b', 'c'].map((c) => ({
        post: makePost(`r-${c}`, repost, `chan_${c}`),
        verdict: builtVerdict(['bounty_offer'], 'critical', { postcodeDistricts: ['SW3'], contacts: ['@kings_cash'] }),
      })),
      {
        post: makePost('2', 'Everyone to the school on Mill Lane N16, bring paint', 'paint_crew'),
        verdict: builtVerdict(['call_to_action'], 'medium'),
      },
      {
        post: makePost('3', 'Someone should do the E70 hostel; ask @Romford_Pay', 'paint_crew'),
        verdict: builtVerdict(['call_to_action'], 'low'),
      },
    ];
    const created = await insertFlagged(testDb.db, inputs);
    const id = (key: string) => created.find((c) => c.postKey === key)!.reviewItemId;
    offer = id(inputs[0]!.post.key);
    campaignItems = inputs
      .slice(1, 4)
      .map((i) => id(i.post.key))
      .sort((a, b) => a - b);
    others = inputs.slice(4).map((i) => id(i.post.key));
    chanA = id(inputs[1]!.post.key);
    await testDb.db.transaction().execute((trx) =>
      assignCampaigns(
        trx,
        inputs.slice(1, 4).map((input) => ({ reviewItemId: id(input.post.key), input })),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await testDb?.drop();
  });

  const get = <T>(url: string, who = 'analyst') =>
    app.inject({ method: 'GET', url, headers: bearer[who] }).then((r) => r.json<T>());
  const post = (url: string, payload: object = {}, who = 'analyst') =>
    app.inject({ method: 'POST', url, headers: bearer[who], payload });
  const ids = async (query: string) =>
    (await get<{ items: { id: number }[] }>(`/api/items?${query}`)).items.map((i) => i.id).sort((a, b) => a - b);
  const search = (q: string) => ids(new URLSearchParams({ q }).toString());

  it('splits a search into exact @handles and postcode districts and full-text words', () => {
    expect(searchTerms(' @romford_pay  burns e7 the hostel ')).toEqual({
      handles: ['@romford_pay'],
      districts: ['E7'],
      words: 'burns the hostel',
    });
  });

  it('finds items by words (full-text), by @handle (any case) and by postcode district (exactly)', async () => {
    expect(await search('windows mosque')).toEqual([offer]);
    expect(await search('hostel')).toEqual([...campaignItems, others[1]!].sort((a, b) => a - b));
    expect(await search('@romford_pay')).toEqual([offer]);
    // In the post text only, not an extracted contact: a handle search matches what the classifier found.
    expect(await search('@ROMFORD_PAY')).toEqual([offer]);
    expect(await search('E7')).toEqual([offer]);
    expect(await search('e70')).toEqual([others[1]]);
    expect(await search('sw3 @kings_cash')).toEqual(campaignItems);
    expect(await search('chan_a')).toEqual([chanA]);
    // Search syntax and SQL are only ever data.
    expect(await search('"windows in" -hostel')).toEqual([offer]);
    expect(await search("'); drop table post; --")).toEqual([]);
    expect(await ids(`district=SW3&severity=critical`)).toEqual(campaignItems);
  });

  it('counts each tab under the same filters, and sorts', async () => {
    expect(await get('/api/items/counts')).toEqual({ new: 6, confirmed: 0, escalated: 0, dismissed: 0, all: 6 });
    expect(await get('/api/items/counts?channel=paint_crew')).toEqual({
      new: 2,
      confirmed: 0,
      escalated: 0,
      dismissed: 0,
      all: 2,
    });
    const bySeverity = (await get<{ items: { severity: string }[] }>('/api/items?sort=severity')).items.map(
      (i) => i.severity,
    );
    expect(bySeverity).toEqual(['critical', 'critical', 'critical', 'high', 'medium', 'low']);
    const oldest = await get<{ items: { id: number }[] }>('/api/items?sort=oldest&limit=2');
    // Written in one transaction, so one creation time: the ids break the tie.
    expect(oldest.items.map((i) => i.id)).toEqual(
      [offer, ...campaignItems, ...others].sort((a, b) => a - b).slice(0, 2),
    );
    expect(
      (await app.inject({ method: 'GET', url: '/api/items?sort=random', headers: bearer.analyst })).statusCode,
    ).toBe(400);
  });

  it("undoes the caller's own last decision within five minutes, audited; not someone else's, not later", async () => {
    const [item] = others;
    expect((await post(`/api/items/${item}/undo`)).statusCode).toBe(409);
    expect((await post(`/api/items/${item}/decision`, { decision: 'escalate' })).json()).toMatchObject({
      status: 'escalated',
    });
    expect((await post(`/api/items/${item}/decision`, { decision: 'confirm' })).json()).toMatchObject({
      status: 'confirmed',
    });
    expect((await post(`/api/items/${item}/undo`, {}, 'second')).json()).toMatchObject({
      message: 'only whoever made the decision can undo it',
    });
    const undone = await post(`/api/items/${item}/undo`);
    expect(undone.statusCode).toBe(200);
    // Back to what the undone decision replaced, and only one step back.
    expect(undone.json()).toMatchObject({ status: 'escalated', decidedBy: null, decisionReason: null });
    expect((await post(`/api/items/${item}/undo`)).statusCode).toBe(409);

    await post(`/api/items/${item}/decision`, { decision: 'dismiss', reason: 'Duplicate' });
    // Six minutes later (the clock only: timers run as ever).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    try {
      expect((await post(`/api/items/${item}/undo`)).json()).toMatchObject({
        message: 'a decision can be undone for 5 minutes',
      });
    } finally {
      vi.useRealTimers();
    }
    expect((await post(`/api/items/${item}/undo`, {}, 'duty')).statusCode).toBe(403);

    const audit = (await listAudit(testDb.db, { entityIds: [String(item)] }))
      .filter((a) => a.action !== 'item.view')
      .map(({ action, details }) => ({ action, details }));
    expect(audit).toEqual([
      { action: 'item.escalate', details: {} },
      { action: 'item.confirm', details: {} },
      { action: 'item.undo', details: { undone: 'confirmed', restored: 'escalated' } },
      { action: 'item.dismiss', details: { reason: 'Duplicate' } },
    ]);
    // The item's own page carries that history, its alerts and its notes.
    const detail = await get<{ history: { action: string; actor: string }[]; alerts: unknown[] }>(
      `/api/items/${item}`,
      'duty',
    );
    expect(detail.history.map((h) => h.action)).toEqual(['item.escalate', 'item.confirm', 'item.undo', 'item.dismiss']);
    expect(detail.history[0]!.actor).toBe('user:analyst@example.org');
    expect(detail.alerts).toEqual([]);
  });

  it('decides every undecided item of a campaign with one reason, one audit entry each', async () => {
    const { campaignId } = (await findReviewItem(testDb.db, campaignItems[0]!))!;
    await post(`/api/items/${campaignItems[0]}/decision`, { decision: 'escalate' });
    expect((await post(`/api/campaigns/${campaignId}/decision`, { decision: 'dismiss' })).statusCode).toBe(400);
    expect(
      (await post(`/api/campaigns/${campaignId}/decision`, { decision: 'dismiss', reason: 'x' }, 'duty')).statusCode,
    ).toBe(403);
    expect((await post('/api/campaigns/999999/decision', { decision: 'confirm' })).statusCode).toBe(404);
    const res = await post(`/api/campaigns/${campaignId}/decision`, {
      decision: 'dismiss',
      reason: 'Old repost, already reported',
    });
    expect(res.json()).toEqual({ decided: campaignItems.slice(1) });
    const rows = (await listItems(testDb.db, { campaignId: campaignId!, limit: 100, offset: 0 })).sort(
      (a, b) => a.id - b.id,
    );
    expect(rows.map((r) => r.status)).toEqual(['escalated', 'dismissed', 'dismissed']);
    const audit = (await listAudit(testDb.db, { actions: ['item.dismiss'], entityIds: campaignItems.map(String) })).map(
      ({ entity_id, details }) => ({ entity_id, details }),
    );
    expect(audit).toEqual(
      campaignItems
        .slice(1)
        .map((id) => ({ entity_id: String(id), details: { reason: 'Old repost, already reported', campaignId } })),
    );
  });

  it('lists users for the assignment picker without credentials, and filters by assignee', async () => {
    const { users } = await get<{ users: Record<string, unknown>[] }>('/api/users');
    expect(users.map((u) => u.email)).toEqual([
      'admin@example.org',
      'analyst@example.org',
      'duty@example.org',
      'second@example.org',
    ]);
    expect(Object.keys(users[0]!).sort()).toEqual(['email', 'id', 'role']);
    await post(`/api/items/${offer}/assign`, { userId: userId.second });
    expect(await ids(`assignee=${userId.second}`)).toEqual([offer]);
    expect(await ids('assignee=me')).toEqual([]);
    expect((await ids('assignee=none')).length).toBe(5);
  });

  it('keeps saved views per user: each sees, replaces and deletes only their own', async () => {
    const save = (who: string, name: string, query: string) => post('/api/views', { name, query }, who);
    expect((await save('analyst', 'Mosques', 'q=mosque')).statusCode).toBe(201);
    expect((await save('analyst', 'Mosques', 'q=mosque&severity=high')).json()).toMatchObject({
      name: 'Mosques',
      query: 'q=mosque&severity=high',
    });
    const theirs = (await save('duty', 'Mine', 'status=all')).json<{ id: number }>();
    const { views } = await get<{ views: { id: number; name: string; query: string }[] }>('/api/views');
    expect(views.map((v) => [v.name, v.query])).toEqual([['Mosques', 'q=mosque&severity=high']]);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/views/${theirs.id}`, headers: bearer.analyst })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/views/${views[0]!.id}`, headers: bearer.analyst })).statusCode,
    ).toBe(204);
    expect((await get<{ views: unknown[] }>('/api/views', 'duty')).views).toHaveLength(1);
    const audit = await listAudit(testDb.db, { entity: 'saved_view' });
    expect(audit.map((a) => a.action)).toEqual(['view.save', 'view.save', 'view.save', 'view.delete']);
  });

  it("serves the desk's page at an item's own address, with the desk's CSP, to anyone", async () => {
    const res = await app.inject({ method: 'GET', url: `/ui/items/${offer}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<script type="module" src="/ui/app.js"></script>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject({ method: 'GET', url: '/ui/items/abc' })).statusCode).toBe(400);
  });
});
