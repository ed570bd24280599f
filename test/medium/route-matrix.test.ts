import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/app.js';
import { routeTable, type RouteAccess } from '../../services/api/auth.js';
import type { UserRole } from '../../shared/db/database.js';
import { createMetrics } from '../../shared/metrics.js';
import { packageRoot } from '../../shared/paths.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { createRedis } from '../../shared/queues/redis.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createApiToken, createUser, ROLES } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { makeItem, makePost } from '../support/factories.js';

/** The routes that answer without an account: the desk's shell (it must load before sign-in), login, probes. */
const PUBLIC = [
  'GET /',
  'HEAD /',
  'GET /ui/:file?',
  'HEAD /ui/:file?',
  'GET /ui/items/:id',
  'HEAD /ui/items/:id',
  'POST /api/login',
  'GET /healthz',
  'HEAD /healthz',
  'GET /metrics',
  'HEAD /metrics',
];

type Outcome = 'allowed' | 401 | 403;
const outcome = (res: LightMyRequestResponse): Outcome =>
  res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'allowed';
/** The router found no route (the not-found handler answered), as opposed to a handler's own 404; HEAD answers carry no body to tell. */
const noRoute = (res: LightMyRequestResponse) =>
  res.statusCode === 404 && res.body !== '' && /^no route /.test(res.json<{ message?: string }>().message ?? '');
const expected = (route: RouteAccess, role: UserRole | undefined): Outcome =>
  route.public ? 'allowed' : role === undefined ? 401 : route.roles.includes(role) ? 'allowed' : 403;

interface DocRow {
  method: string;
  url: string;
  /** Ends in "/…": every route under it that no row names exactly. */
  prefix: boolean;
  anyone: boolean;
  roles: string[];
}

/** The "who may do what" table of docs/security.md: one row per route, a tick per role that may call it. */
function documentedAccess(): DocRow[] {
  const lines = readFileSync(join(packageRoot(), 'docs', 'security.md'), 'utf8').split('\n');
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = cells(lines.find((l) => l.startsWith('| route | anyone |'))!);
  return lines
    .filter((l) => /^\| (GET|POST|PUT|PATCH|DELETE|ANY) `/.test(l))
    .map((line) => {
      const row = cells(line);
      const [, method, url] = /^(\w+) `([^`]+)`/.exec(row[0]!)!;
      const ticked = header.filter((_, i) => i > 0 && row[i] === '✓');
      return {
        method: method!,
        url: url!.replace(/…$/, ''),
        prefix: url!.endsWith('…'),
        anyone: ticked.includes('anyone'),
        roles: ticked.filter((c) => c !== 'anyone').sort(),
      };
    });
}

/** The same path written so that a raw-URL check and the router may disagree. */
function variants(path: string): Record<string, string> {
  const letter = /[a-z]/i.exec(path);
  if (!letter) return {};
  const i = letter.index;
  return {
    'percent-encoded letter': `${path.slice(0, i)}%${path.charCodeAt(i).toString(16)}${path.slice(i + 1)}`,
    'double slash': `/${path}`,
    'upper case': `${path.slice(0, i)}${path[i]!.toUpperCase()}${path.slice(i + 1)}`,
  };
}

describe('route-by-role matrix: every registered route, each role, encoded paths, no credentials', () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  let queues: Queues;
  const prefix = testPrefix();
  const headers: Partial<Record<UserRole, Record<string, string>>> = {};
  let sample: Record<string, string>;

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    queues = createQueues(redis, prefix, testLog);
    app = await buildApp({
      db: testDb.db,
      redis,
      metrics: createMetrics(),
      log: testLog,
      keyPrefix: testPrefix(),
      queues,
      evidence: { keyFile: join(tempDir(), 'evidence.pem') },
    });
    await app.ready();
    for (const role of ROLES) {
      const user = await createUser(testDb.db, `${role}@example.org`, role, null);
      headers[role] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'matrix')}` };
    }
    const [item] = await insertFlagged(testDb.db, [
      makeItem(makePost('m-1', '£100 to anyone who sprays the mosque in E10')),
    ]);
    // Values that make each route's pattern a URL its handler accepts; a handler's own 404 still counts as reached.
    sample = {
      id: String(item!.reviewItemId),
      queueName: 'ingest',
      jobId: 'none',
      queueStatus: 'failed',
      schedulerId: 'none',
      file: 'app.js',
      '*': 'favicon-32x32.png',
    };
  });
  afterAll(async () => {
    await app?.close();
    await queues?.close();
    redis?.disconnect();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  const concrete = (url: string) =>
    url.replace(/:(\w+)\??/g, (_, name: string) => sample[name] ?? '1').replace('*', sample['*']!);
  const request = (method: string, url: string, role: UserRole | undefined) =>
    app.inject({ method: method as 'GET', url, ...(role ? { headers: headers[role] } : {}) });

  it('every route declares who may call it, and only the shell, login, /healthz and /metrics are public', () => {
    const routes = routeTable(app);
    expect(routes.length).toBeGreaterThan(60);
    expect(
      routes
        .filter((r) => r.public)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([...PUBLIC].sort());
    // Open to no role on purpose: job payloads carry captured posts, and are never written from the board.
    expect(
      routes
        .filter((r) => !r.public && r.roles.length === 0)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'PATCH /admin/queues/api/queues/:queueName/:jobId/update-data',
      'POST /admin/queues/api/queues/:queueName/add',
    ]);
    for (const r of routes.filter((x) => x.url.startsWith('/admin/')))
      expect(r.roles, `${r.method} ${r.url}`).not.toContain('analyst');
  });

  it('is what docs/security.md says each role may do', () => {
    const rows = documentedAccess();
    const routes = routeTable(app);
    const used = new Set<DocRow>();
    const problems: string[] = [];
    for (const route of routes) {
      const method = route.method === 'HEAD' ? 'GET' : route.method;
      const row =
        rows.find((r) => !r.prefix && r.method === method && r.url === route.url) ??
        rows.find(
          (r) =>
            r.prefix &&
            (r.method === method || r.method === 'ANY') &&
            (route.url.startsWith(r.url) || `${route.url}/` === r.url),
        );
      if (!row) {
        problems.push(`${route.method} ${route.url} is not in docs/security.md`);
        continue;
      }
      used.add(row);
      const roles = route.public ? [...ROLES].sort() : [...route.roles].sort();
      if (row.anyone !== route.public || row.roles.join() !== roles.join())
        problems.push(
          `${route.method} ${route.url}: documented ${row.anyone ? 'anyone, ' : ''}${row.roles.join(', ')}; declared ${route.public ? 'public' : roles.join(', ')}`,
        );
    }
    for (const row of rows)
      if (!used.has(row))
        problems.push(`docs/security.md lists ${row.method} ${row.url}, which the API does not register`);
    expect(problems).toEqual([]);
  });

  it('answers each route as its declared roles say, for every role and without credentials', async () => {
    const mismatches: string[] = [];
    let requests = 0;
    for (const route of routeTable(app)) {
      const url = concrete(route.url);
      for (const role of [...ROLES, undefined]) {
        const res = await request(route.method, url, role);
        requests += 1;
        const want = expected(route, role);
        if (outcome(res) !== want || noRoute(res))
          mismatches.push(`${route.method} ${url} as ${role ?? 'nobody'}: ${res.statusCode}, expected ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(requests).toBeGreaterThan(300);
  });

  it('never lets an encoded, doubled-slash or re-cased path reach more than the route it names', async () => {
    const leaks: string[] = [];
    for (const route of routeTable(app)) {
      for (const [kind, url] of Object.entries(variants(concrete(route.url)))) {
        for (const role of [...ROLES, undefined]) {
          const want = expected(route, role);
          if (want === 'allowed') continue;
          const res = await request(route.method, url, role);
          // Denied as for the route itself, or no route at all (then a stranger still gets 401, not the route table).
          // A 404 to a role the route denies can only come from the router: authorisation runs before any handler.
          const ok = outcome(res) === want || (role !== undefined && res.statusCode === 404);
          if (!ok)
            leaks.push(`${route.method} ${url} (${kind}) as ${role ?? 'nobody'}: ${res.statusCode}, expected ${want}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('decides on the route the router matched: a percent-encoded path is the same route, with the same roles', async () => {
    // The finding: the Bull Board check read the raw URL, so /%61dmin/… reached the board as any role.
    for (const role of ['analyst', 'duty_officer', 'auditor'] as const) {
      expect((await request('GET', '/%61dmin/queues/api/queues', role)).statusCode, role).toBe(403);
      expect((await request('GET', '/%61dmin/queues', role)).statusCode, role).toBe(403);
    }
    expect((await request('GET', '/%61dmin/queues/api/queues', undefined)).statusCode).toBe(401);
    expect((await request('GET', '/%61dmin/queues/api/queues', 'admin')).statusCode).toBe(200);
    // How the router reads each variant: decoded to the same route; doubled slashes and other case match nothing.
    expect((await request('GET', '/%61pi/items', 'auditor')).statusCode).toBe(200);
    expect((await request('GET', '/%61pi/sources', 'auditor')).statusCode).toBe(403);
    expect(noRoute(await request('GET', '//api/items', 'auditor'))).toBe(true);
    expect(noRoute(await request('GET', '/API/items', 'auditor'))).toBe(true);
    expect((await request('GET', '/no/such/route', undefined)).statusCode).toBe(401);
  });
});
