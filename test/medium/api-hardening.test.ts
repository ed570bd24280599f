import { once } from 'node:events';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../services/api/app-error.js';
import { buildApp, type ApiDeps } from '../../services/api/app.js';
import { exportSlots } from '../../services/api/export-slots.js';
import { createDb } from '../../shared/db/client.js';
import { createMetrics } from '../../shared/metrics.js';
import { hashPassword } from '../../shared/password.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import {
  findSource,
  findSourceByName,
  insertApiSource,
  listSources,
  setSourceEnabled,
} from '../../shared/repositories/source.repository.js';
import { createApiToken, createUser, type AuthUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, withDatabase } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { makeItem, makePost } from '../support/factories.js';

const PASSWORD = 'correct horse battery staple';

describe('API hardening: custody views, file sources, timeouts, export slots', () => {
  let testDb: TestDb;
  let redis: ReturnType<typeof createRedis>;
  const apps: FastifyInstance[] = [];
  const prefixes: string[] = [];
  const bearer: Record<string, Record<string, string>> = {};
  const users: Record<string, AuthUser> = {};
  let itemId: number;

  const api = async (overrides: Partial<ApiDeps> = {}) => {
    const keyPrefix = overrides.keyPrefix ?? testPrefix();
    prefixes.push(keyPrefix);
    const app = await buildApp({
      db: testDb.db,
      redis,
      metrics: createMetrics(),
      log: testLog,
      ...overrides,
      keyPrefix,
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    if (redis.status !== 'ready') await once(redis, 'ready');
    for (const role of ['analyst', 'admin'] as const) {
      users[role] = await createUser(testDb.db, `${role}@example.org`, role, await hashPassword(PASSWORD));
      bearer[role] = { authorization: `Bearer ${await createApiToken(testDb.db, users[role].id, 'test')}` };
    }
    users.second = await createUser(testDb.db, 'second@example.org', 'analyst', null);
    bearer.second = { authorization: `Bearer ${await createApiToken(testDb.db, users.second.id, 'test')}` };
    const [created] = await insertFlagged(testDb.db, [
      makeItem(makePost('h-1', '£100 to anyone who sprays the mosque in E10')),
    ]);
    itemId = created!.reviewItemId;
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    redis?.disconnect();
    await testDb?.drop();
    for (const p of prefixes) await dropPrefix(p);
  });

  describe('item views (custody entries) only from the desk itself', () => {
    let sut: FastifyInstance;
    let cookie: string;
    const views = async () =>
      (await listAudit(testDb.db, { actions: ['item.view'], entityIds: [String(itemId)] })).length;
    const view = (headers: Record<string, string>) =>
      sut.inject({
        method: 'GET',
        url: `/api/items/${itemId}`,
        cookies: { vigil_session: cookie },
        headers: { host: '127.0.0.1:3000', ...headers },
      });

    beforeAll(async () => {
      sut = await api();
      const login = await sut.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: 'analyst@example.org', password: PASSWORD },
      });
      cookie = login.cookies.find((c) => c.name === 'vigil_session')!.value;
    });

    it('refuses, and records nothing for, a page on another port or site of this host', async () => {
      const before = await views();
      // What Chromium sends for <img src="http://127.0.0.1:3000/api/items/1"> on a page at http://127.0.0.1:8080.
      expect(
        (await view({ 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }))
          .statusCode,
      ).toBe(403);
      expect((await view({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
      // A browser without Sec-Fetch-*: another origin named, or nothing said on a plain GET.
      expect((await view({ origin: 'http://127.0.0.1:8080' })).statusCode).toBe(403);
      expect((await view({})).statusCode).toBe(403);
      expect(await views()).toBe(before);
    });

    it("answers and records the desk's own requests, the user's own navigation and bearer tokens", async () => {
      const before = await views();
      expect((await view({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' })).statusCode).toBe(200);
      expect((await view({ 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' })).statusCode).toBe(200);
      expect((await view({ origin: 'http://127.0.0.1:3000' })).statusCode).toBe(200);
      expect(
        (await sut.inject({ method: 'GET', url: `/api/items/${itemId}`, headers: bearer.analyst })).statusCode,
      ).toBe(200);
      expect(await views()).toBe(before + 4);
    });
  });

  describe('file sources through the API', () => {
    const create = (
      sut: FastifyInstance,
      source: Record<string, unknown>,
      name = `s-${Math.random().toString(36).slice(2, 8)}`,
    ) =>
      sut.inject({
        method: 'POST',
        url: '/api/sources',
        headers: bearer.admin,
        payload: { name, source, reason: 'Export handed over by a partner' },
      });
    let importDir: string;
    let outside: string;

    beforeAll(() => {
      const root = tempDir();
      importDir = join(root, 'imports');
      outside = join(root, 'private');
      mkdirSync(join(importDir, 'chat'), { recursive: true });
      mkdirSync(outside);
      writeFileSync(join(importDir, 'posts.jsonl'), '');
      writeFileSync(join(importDir, 'chat', 'result.json'), '{}');
      writeFileSync(join(outside, 'secrets.jsonl'), '{"id":"1","text":"not for Vigil"}\n');
      symlinkSync(join(outside, 'secrets.jsonl'), join(importDir, 'escape.jsonl'));
      symlinkSync(outside, join(importDir, 'linked-dir'));
    });

    it('refuses them without an import directory: they come from the config file', async () => {
      const sut = await api();
      for (const kind of ['file', 'telegram-export']) {
        const res = await create(sut, { kind, path: '/etc/passwd' });
        expect(res.statusCode, kind).toBe(400);
        expect(res.json<{ message: string }>().message).toMatch(
          /^source\.path: file sources come from the config file/,
        );
      }
      // Other kinds are unaffected.
      expect((await create(sut, { kind: 'telegram-web', channel: 'example_channel' })).statusCode).toBe(201);
    });

    it('takes files inside the import directory, stored by their real path, and refuses traversal and symlink escapes', async () => {
      const sut = await api({ importDir });
      const ok = await create(sut, { kind: 'file', path: 'posts.jsonl' }, 'partner-posts');
      expect(ok.statusCode).toBe(201);
      const stored = await findSourceByName(testDb.db, 'partner-posts');
      expect(stored?.config).toMatchObject({ kind: 'file', path: realpathSync(join(importDir, 'posts.jsonl')) });
      expect(
        (await create(sut, { kind: 'telegram-export', path: join(importDir, 'chat', 'result.json') })).statusCode,
      ).toBe(201);

      const refused: [string, RegExp][] = [
        ['/etc/passwd', /outside the import directory/],
        ['../private/secrets.jsonl', /outside the import directory/],
        [join(importDir, '..', 'private', 'secrets.jsonl'), /outside the import directory/],
        ['escape.jsonl', /outside the import directory \(through a symbolic link\)/],
        ['linked-dir/secrets.jsonl', /outside the import directory \(through a symbolic link\)/],
        ['chat', /not a regular file/],
        ['.', /outside the import directory/],
        ['missing.jsonl', /no such file/],
      ];
      for (const [path, message] of refused) {
        const res = await create(sut, { kind: 'file', path });
        expect(res.statusCode, path).toBe(400);
        expect(res.json<{ message: string }>().message, path).toMatch(message);
      }
      const paths = (await listSources(testDb.db)).map((r) =>
        typeof r.config.path === 'string' ? r.config.path : undefined,
      );
      expect(paths.filter((p) => p && !p.startsWith(realpathSync(importDir)))).toEqual([]);
    });

    it('will not re-enable a file source added through the API whose path is outside the import directory', async () => {
      // As written before paths were checked.
      const row = await insertApiSource(testDb.db, 'old-api-file', 'file', {
        kind: 'file',
        path: join(outside, 'secrets.jsonl'),
      });
      await setSourceEnabled(testDb.db, row!.id, false);
      const sut = await api({ importDir });
      const res = await sut.inject({
        method: 'PATCH',
        url: `/api/sources/${row!.id}`,
        headers: bearer.admin,
        payload: { enabled: true, reason: 'Turn it back on' },
      });
      expect(res.statusCode).toBe(400);
      expect(await findSource(testDb.db, row!.id)).toMatchObject({ enabled: false });
    });
  });

  describe('timeouts', () => {
    /** Sends the head of a POST and then its body a byte at a time; resolves with what the server said and when. */
    const trickle = async (port: number, everyMs: number) => {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const started = Date.now();
      socket.write(
        'POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      const timer = everyMs ? setInterval(() => socket.write(' '), everyMs) : undefined;
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      const closed = once(socket, 'close').then(() => 'closed' as const);
      const outcome = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 5_000))]);
      clearInterval(timer);
      socket.destroy();
      return { outcome, received, ms: Date.now() - started };
    };
    const listening = async (timeouts: ApiDeps['timeouts']) => {
      const sut = await api({ timeouts });
      await sut.listen({ host: '127.0.0.1', port: 0 });
      return (sut.server.address() as AddressInfo).port;
    };

    it("sets the config's request and connection timeouts by default", async () => {
      const sut = await api();
      expect(sut.initialConfig).toMatchObject({ requestTimeout: 30_000, connectionTimeout: 120_000 });
      expect(sut.server.requestTimeout).toBe(30_000);
      expect(sut.server.timeout).toBe(120_000);
    });

    it('cuts off a client that trickles its body past the request timeout', async () => {
      const port = await listening({ requestTimeout: 1_000, connectionTimeout: 60_000 });
      const { outcome, received, ms } = await trickle(port, 200);
      expect(outcome).toBe('closed');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(3_000);
    });

    it('closes a connection idle past the connection timeout', async () => {
      const port = await listening({ requestTimeout: 60_000, connectionTimeout: 1_000 });
      const { outcome, ms } = await trickle(port, 0);
      expect(outcome).toBe('closed');
      expect(ms).toBeLessThan(3_000);
    });
  });

  describe('error answers', () => {
    it('carry a code from one closed set, the request id, and no detail of a server fault', async () => {
      const sut = await api();
      const codes = new Set(Object.keys(ERROR_STATUS));
      const answers = [
        [await sut.inject({ method: 'GET', url: '/api/nothing-here', headers: bearer.analyst }), 404, 'not_found'],
        [await sut.inject({ method: 'GET', url: '/api/items' }), 401, 'unauthenticated'],
        [await sut.inject({ method: 'GET', url: '/api/admin/users', headers: bearer.analyst }), 403, 'forbidden'],
        [
          await sut.inject({ method: 'GET', url: '/api/items/not-a-number', headers: bearer.analyst }),
          400,
          'bad_request',
        ],
        [
          await sut.inject({ method: 'GET', url: `/api/items/${itemId + 1000}`, headers: bearer.analyst }),
          404,
          'not_found',
        ],
      ] as const;
      for (const [res, status, code] of answers) {
        expect(res.statusCode, res.body).toBe(status);
        const body = res.json<{ error: string; message: string; requestId: string }>();
        expect(codes.has(body.error), body.error).toBe(true);
        expect(body.error).toBe(code);
        expect(body.requestId).toMatch(/\S/);
        expect(body.message.length).toBeGreaterThan(0);
      }

      // A fault inside a route: 500, masked, logged.
      // A server fault (its database is gone): 500, its detail in the log, not in the answer.
      const gone = createDb(withDatabase(TEST_DATABASE_URL, 'vigil_no_such_database'), 1);
      try {
        const faulty = await api({ db: gone });
        const res = await faulty.inject({ method: 'GET', url: `/api/items/${itemId}`, headers: bearer.analyst });
        expect(res.statusCode).toBe(500);
        expect(res.json()).toMatchObject({ error: 'internal_error', message: 'internal error' });
        expect(res.body).not.toContain('vigil_no_such_database');
      } finally {
        await gone.destroy();
      }
    });
  });

  describe('export slots', () => {
    const payload = () => ({ itemIds: [itemId], recipient: 'Tell MAMA', purpose: 'Victim support referral' });

    it('answers 429 with Retry-After past the per-user or the global limit, counted across API processes', async () => {
      const keyPrefix = testPrefix();
      const limits = { perUser: 1, global: 2 };
      const sut = await api({ keyPrefix, exports: limits, evidence: { keyFile: join(tempDir(), 'evidence.pem') } });
      const exportAs = (who: string) =>
        sut.inject({ method: 'POST', url: '/api/exports', headers: bearer[who], payload: payload() });
      // Another API process on the same Redis holds the analyst's one slot: an export running there.
      const elsewhere = exportSlots(redis, keyPrefix, limits, testLog);
      const running = (await elsewhere.take(users.analyst!.id))!;
      expect(running).toBeDefined();

      const refused = await exportAs('analyst');
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await exportAs('admin')).statusCode).toBe(200);

      // Two running in all (the analyst's and another user's): the instance is full for everyone.
      const another = (await elsewhere.take(users.second!.id))!;
      expect(another).toBeDefined();
      expect((await exportAs('admin')).statusCode).toBe(429);
      await another();
      await running();
      expect((await exportAs('analyst')).statusCode).toBe(200);
      // The slot comes back once that bundle was read to the end (released as the stream closes): the next may start.
      await expect.poll(async () => (await exportAs('analyst')).statusCode, { timeout: 2_000 }).toBe(200);
    });
  });
});
