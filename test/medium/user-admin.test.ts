import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAdmin, UsageError } from '../../cli/admin.command.js';
import { buildApp } from '../../services/api/app.js';
import { loadConfig } from '../../shared/config/config.js';
import { createMetrics } from '../../shared/metrics.js';
import { hashPassword } from '../../shared/password.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';

const PASSWORD = 'correct horse battery staple';

describe("administration: accounts and API tokens, from the desk's API and the CLI, each change audited", () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  let admin: Record<string, string>;
  let adminId: number;

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    app = await buildApp({ db: testDb.db, redis, metrics: createMetrics(), log: testLog, keyPrefix: testPrefix() });
    adminId = (await createUser(testDb.db, 'admin@example.org', 'admin', await hashPassword(PASSWORD))).id;
    admin = { authorization: `Bearer ${await createApiToken(testDb.db, adminId, 'test')}` };
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await testDb?.drop();
  });

  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: admin, payload });
  const login = (email: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });
  const me = (cookie: string) => app.inject({ method: 'GET', url: '/api/me', cookies: { vigil_session: cookie } });
  const actions = async (entity: string) =>
    (await listAudit(testDb.db, { entity })).map((a) => `${a.actor} ${a.action} ${JSON.stringify(a.details)}`);

  it('adds a user with a password shown once, disables (ending its sessions), enables and resets the password', async () => {
    const created = await post('/api/admin/users', { email: 'New.Analyst@example.org', role: 'analyst' });
    expect(created.statusCode).toBe(201);
    const { id, password } = created.json<{ id: number; password: string }>();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect((await post('/api/admin/users', { email: 'new.analyst@example.org', role: 'analyst' })).statusCode).toBe(
      409,
    );
    const session = (await login('new.analyst@example.org', password)).cookies.find(
      (c) => c.name === 'vigil_session',
    )!.value;
    expect((await me(session)).statusCode).toBe(200);

    expect((await post(`/api/admin/users/${id}/disable`, {})).statusCode).toBe(400);
    expect((await post(`/api/admin/users/${id}/disable`, { reason: 'left the team' })).json()).toEqual({
      id,
      disabled: true,
    });
    expect((await me(session)).statusCode).toBe(401);
    expect((await login('new.analyst@example.org', password)).statusCode).toBe(401);
    expect((await post(`/api/admin/users/${adminId}/disable`, { reason: 'oops' })).statusCode).toBe(409);
    expect((await post(`/api/admin/users/${id}/enable`, { reason: 'came back' })).json()).toEqual({
      id,
      disabled: false,
    });

    const reset = (await post(`/api/admin/users/${id}/password`, { reason: 'forgot it' })).json<{ password: string }>();
    expect((await login('new.analyst@example.org', password)).statusCode).toBe(401);
    expect((await login('new.analyst@example.org', reset.password)).statusCode).toBe(200);

    const listed = await app.inject({ method: 'GET', url: '/api/admin/users', headers: admin });
    expect(listed.body).not.toMatch(/scrypt|password/);
    expect(
      listed
        .json<{ users: { email: string; disabledAt: string | null }[] }>()
        .users.map((u) => [u.email, u.disabledAt]),
    ).toEqual([
      ['admin@example.org', null],
      ['new.analyst@example.org', null],
    ]);
    expect(await actions('app_user')).toEqual(
      expect.arrayContaining([
        'user:admin@example.org user.create {"role":"analyst","email":"new.analyst@example.org"}',
        'user:admin@example.org user.disable {"reason":"left the team"}',
        'user:admin@example.org user.enable {"reason":"came back"}',
        'user:admin@example.org user.password_reset {"reason":"forgot it"}',
      ]),
    );
  });

  it('revokes an API token, which then answers 401', async () => {
    const user = await createUser(testDb.db, 'script@example.org', 'auditor', null);
    const token = await createApiToken(testDb.db, user.id, 'nightly export');
    expect(
      (await app.inject({ method: 'GET', url: '/api/items', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    const { users } = (await app.inject({ method: 'GET', url: '/api/admin/users', headers: admin })).json<{
      users: { email: string; tokens: { id: number; name: string; lastUsedAt: string | null }[] }[];
    }>();
    const listed = users.find((u) => u.email === 'script@example.org')!.tokens;
    expect(listed).toEqual([expect.objectContaining({ name: 'nightly export', lastUsedAt: expect.any(String) })]);
    expect((await post(`/api/admin/tokens/${listed[0]!.id}/revoke`, { reason: 'laptop lost' })).statusCode).toBe(200);
    expect((await post(`/api/admin/tokens/${listed[0]!.id}/revoke`, { reason: 'laptop lost' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/api/items', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401);
    expect(await actions('api_token')).toEqual([
      `user:admin@example.org token.revoke {"name":"nightly export","reason":"laptop lost","userId":${user.id}}`,
    ]);
  });

  it('does the same from the CLI: user list, disable, reset-password, token list, revoke', async () => {
    const config = loadConfig({ DATABASE_URL: testDb.url }, tempDir());
    const out: string[] = [];
    // As from a terminal: the password is generated, not read from stdin (which a test runner leaves open).
    const tty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const user = await createUser(testDb.db, 'cli.user@example.org', 'analyst', await hashPassword(PASSWORD));
      const token = await createApiToken(testDb.db, user.id, 'cli token');
      expect(await runAdmin('user', ['list'], config)).toBe(0);
      expect(out.join('')).toMatch(new RegExp(`^${user.id}\\tcli\\.user@example\\.org\\tanalyst\\tactive$`, 'm'));
      await expect(runAdmin('user', ['disable', '--email', 'cli.user@example.org'], config)).rejects.toBeInstanceOf(
        UsageError,
      );
      expect(
        await runAdmin('user', ['disable', '--email', 'cli.user@example.org', '--reason', 'contract ended'], config),
      ).toBe(0);
      expect((await login('cli.user@example.org', PASSWORD)).statusCode).toBe(401);
      out.length = 0;
      expect(
        await runAdmin('user', ['reset-password', '--email', 'cli.user@example.org', '--reason', 'handover'], config),
      ).toBe(0);
      expect(out.join('')).toMatch(/^password: [\w-]{24}$/m);
      out.length = 0;
      expect(await runAdmin('token', ['list', '--email', 'cli.user@example.org'], config)).toBe(0);
      const tokenId = Number(/^(\d+)\tcli\.user@example\.org\tcli token\t/m.exec(out.join(''))?.[1]);
      expect(out.join('')).not.toContain(token);
      expect(await runAdmin('token', ['revoke', '--id', String(tokenId), '--reason', 'contract ended'], config)).toBe(
        0,
      );
      const audit = await listAudit(testDb.db, { actorPrefix: 'cli:' });
      expect(audit.map((a) => a.action)).toEqual(['user.disable', 'user.password_reset', 'token.revoke']);
    } finally {
      spy.mockRestore();
      if (tty) Object.defineProperty(process.stdin, 'isTTY', tty);
      else delete (process.stdin as { isTTY?: boolean }).isTTY;
    }
  });
});
