import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/app.js';
import { createMetrics } from '../../shared/metrics.js';
import { hashPassword } from '../../shared/password.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit, verifyAuditChain } from '../../shared/repositories/audit.repository.js';
import { findNearMiss, insertNearMisses, listNearMisses } from '../../shared/repositories/near-miss.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { selectKept } from '../../workers/classify/near-miss.select.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { testPrefix } from '../support/redis.js';
import { nearMissVerdict, uncoveredVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';

const PASSWORD = 'correct horse battery staple';

describe('near-miss API: listing, decisions, roles, CSRF and the audit log', () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  const bearer: Record<string, Record<string, string>> = {};
  const id: Record<string, number> = {};

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    app = await buildApp({ db: testDb.db, redis, metrics: createMetrics(), log: testLog, keyPrefix: testPrefix() });
    for (const role of ['analyst', 'duty_officer', 'admin', 'auditor'] as const) {
      const user = await createUser(testDb.db, `${role}@example.org`, role, await hashPassword(PASSWORD));
      bearer[role] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'test')}` };
    }
    const { nearMisses, uncovered } = selectKept([
      {
        post: makePost('call', 'Someone ought to pay that hostel a visit'),
        verdict: nearMissVerdict({ bounty_offer: 0.1, call_to_action: 0.45, claim: 0.2 }),
      },
      {
        post: makePost('claim', 'Done the job on the mosque last night'),
        verdict: nearMissVerdict({ bounty_offer: 0.05, call_to_action: 0.1, claim: 0.4 }),
      },
      { post: makePost('plain', 'Lovely mural on the school wall'), verdict: nearMissVerdict({ bounty_offer: 0.3 }) },
      { post: makePost('pl', 'Sto złotych za zdjęcie meczetu <script>x()</script>'), verdict: uncoveredVerdict('pl') },
    ]);
    await insertNearMisses(testDb.db, [...nearMisses, ...uncovered]);
    for (const r of await listNearMisses(testDb.db, { limit: 100, offset: 0 })) id[r.external_id] = r.id;
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await testDb?.drop();
  });

  const list = (query: string, role = 'auditor') =>
    app.inject({ method: 'GET', url: `/api/near-misses${query}`, headers: bearer[role] });
  const decide = (nearMissId: number, payload: object, role = 'analyst') =>
    app.inject({ method: 'POST', url: `/api/near-misses/${nearMissId}/decision`, headers: bearer[role], payload });

  it('lists to every reader, filtered by reason, language and decided, paged', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/near-misses' })).statusCode).toBe(401);
    for (const role of ['analyst', 'duty_officer', 'admin', 'auditor'])
      expect((await list('', role)).statusCode, role).toBe(200);
    const all = (await list('')).json<{
      nearMisses: {
        id: number;
        reason: string;
        language: string;
        post: { externalId: string; text: string };
        classification: { suggestedLabel: string };
      }[];
      limit: number;
    }>();
    expect(all.nearMisses).toHaveLength(4);
    expect(all.limit).toBe(50);
    expect(all.nearMisses.find((n) => n.post.externalId === 'call')).toMatchObject({
      reason: 'near_miss',
      language: 'en',
      post: {
        platform: 'telegram',
        channel: 'east_watch',
        url: 'https://t.me/east_watch/call',
        publishedAt: '2026-11-29T20:15:00.000Z',
        text: 'Someone ought to pay that hostel a visit',
      },
      classification: {
        classifier: 'test-classifier-1',
        labels: [],
        scores: { call_to_action: 0.45 },
        suggestedLabel: 'call_to_action',
      },
      decision: null,
      decidedLabel: null,
    });
    const ext = async (q: string) =>
      (await list(q))
        .json<{ nearMisses: { post: { externalId: string } }[] }>()
        .nearMisses.map((n) => n.post.externalId)
        .sort();
    expect(await ext('?reason=uncovered_language')).toEqual(['pl']);
    expect(await ext('?language=pl')).toEqual(['pl']);
    expect(await ext('?reason=near_miss&decided=false')).toEqual(['call', 'claim', 'plain']);
    expect(await ext('?limit=2&offset=3')).toHaveLength(1);
  });

  it('refuses bad queries and bodies with 400 and names the problem', async () => {
    expect((await list('?reason=everything')).statusCode).toBe(400);
    expect((await list('?language=klingon')).statusCode).toBe(400);
    expect((await list('?limit=100000')).statusCode).toBe(400);
    expect((await decide(id.call!, { decision: 'maybe' })).statusCode).toBe(400);
    expect((await decide(id.call!, { decision: 'incitement', label: 'hate' })).statusCode).toBe(400);
    expect((await decide(id.call!, { decision: 'not', reason: 'x'.repeat(2001) })).statusCode).toBe(400);
    const notWithLabel = await decide(id.call!, { decision: 'not', label: 'claim' });
    expect(notWithLabel.statusCode).toBe(400);
    expect(notWithLabel.json()).toMatchObject({ error: 'bad_request', message: "a 'not' decision takes no label" });
    expect((await decide(999_999, { decision: 'not' })).statusCode).toBe(404);
    expect(await listNearMisses(testDb.db, { decided: true, limit: 100, offset: 0 })).toEqual([]);
  });

  it('lets analysts and admins decide, not auditors or duty officers', async () => {
    expect((await decide(id.plain!, { decision: 'not' }, 'auditor')).statusCode).toBe(403);
    expect((await decide(id.plain!, { decision: 'not' }, 'duty_officer')).statusCode).toBe(403);
    const byAdmin = await decide(id.plain!, { decision: 'not', reason: 'A commissioned mural' }, 'admin');
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toMatchObject({
      decision: 'not',
      decidedLabel: null,
      decisionReason: 'A commissioned mural',
      decidedAt: expect.any(String),
    });
  });

  it('defaults an incitement to the flag label scored highest, or takes the one given', async () => {
    expect((await decide(id.claim!, { decision: 'incitement' })).json()).toMatchObject({
      decision: 'incitement',
      decidedLabel: 'claim',
    });
    expect((await decide(id.call!, { decision: 'incitement', label: 'bounty_offer' })).json()).toMatchObject({
      decision: 'incitement',
      decidedLabel: 'bounty_offer',
    });
    // An analyst may correct a call.
    expect(
      (
        await decide(id.call!, { decision: 'incitement', label: 'call_to_action', reason: 'A call, not an offer' })
      ).json(),
    ).toMatchObject({ decidedLabel: 'call_to_action', decisionReason: 'A call, not an offer' });
    const decided = (await list('?decided=true'))
      .json<{ nearMisses: { post: { externalId: string } }[] }>()
      .nearMisses.map((n) => n.post.externalId)
      .sort();
    expect(decided).toEqual(['call', 'claim', 'plain']);
  });

  it('requires the CSRF token with a session cookie', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'analyst@example.org', password: PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === 'vigil_session')!.value;
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/api/near-misses/${id.pl}/decision`,
        cookies: { vigil_session: cookie },
        headers,
        payload: { decision: 'incitement' },
      });
    expect((await post({})).statusCode).toBe(403);
    expect((await post({ 'x-csrf-token': 'guess' })).statusCode).toBe(403);
    expect(await findNearMiss(testDb.db, id.pl!)).toMatchObject({ decision: null });
    const ok = await post({ 'x-csrf-token': csrf });
    expect(ok.statusCode).toBe(200);
    // Nothing scored: the default is the first flag label.
    expect(ok.json()).toMatchObject({
      decision: 'incitement',
      decidedLabel: 'bounty_offer',
      post: { text: 'Sto złotych za zdjęcie meczetu <script>x()</script>' },
    });
  });

  it('writes every decision to the hash-chained audit log, with its label and reason', async () => {
    const entries = (await listAudit(testDb.db, { entity: 'near_miss' })).map(
      ({ actor, action, entity, entity_id, details }) => ({ actor, action, entity, entity_id, details }),
    );
    expect(entries).toEqual([
      {
        actor: 'user:admin@example.org',
        action: 'near_miss.not',
        entity: 'near_miss',
        entity_id: String(id.plain),
        details: { reason: 'A commissioned mural' },
      },
      {
        actor: 'user:analyst@example.org',
        action: 'near_miss.incitement',
        entity: 'near_miss',
        entity_id: String(id.claim),
        details: { label: 'claim' },
      },
      {
        actor: 'user:analyst@example.org',
        action: 'near_miss.incitement',
        entity: 'near_miss',
        entity_id: String(id.call),
        details: { label: 'bounty_offer' },
      },
      {
        actor: 'user:analyst@example.org',
        action: 'near_miss.incitement',
        entity: 'near_miss',
        entity_id: String(id.call),
        details: { label: 'call_to_action', reason: 'A call, not an offer' },
      },
      {
        actor: 'user:analyst@example.org',
        action: 'near_miss.incitement',
        entity: 'near_miss',
        entity_id: String(id.pl),
        details: { label: 'bounty_offer' },
      },
    ]);
    expect(await verifyAuditChain(testDb.db)).toMatchObject({ ok: true });
  });
});
