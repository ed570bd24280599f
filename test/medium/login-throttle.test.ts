import { once } from 'node:events';
import { deflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiDeps } from '../../services/api/app.js';
import { createMetrics } from '../../shared/metrics.js';
import { hashPassword, passwordWork, SCRYPT_CONCURRENCY, verifyLogin } from '../../shared/password.js';
import { createRedis } from '../../shared/queues/redis.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;
const roomy = { max: 1_000, window: MINUTE };

describe('login: one scrypt whether the account exists, throttled per address, per account and overall', () => {
  let testDb: TestDb;
  let redis: ReturnType<typeof createRedis>;
  let storedHash: string;
  const apps: FastifyInstance[] = [];
  const prefixes: string[] = [];

  /** An API process; processes built with the same key prefix share their counts, as on one Redis. */
  const api = async (login: ApiDeps['login'], keyPrefix = testPrefix()) => {
    prefixes.push(keyPrefix);
    const app = await buildApp({ db: testDb.db, redis, metrics: createMetrics(), log: testLog, keyPrefix, login });
    apps.push(app);
    return app;
  };
  const attempt = (app: FastifyInstance, email: string, ip: string, password = 'wrong guess') =>
    app.inject({ method: 'POST', url: '/api/login', payload: { email, password }, remoteAddress: ip });

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    // A request connection fails fast while it is not connected yet (no offline queue).
    if (redis.status !== 'ready') await once(redis, 'ready');
    storedHash = await hashPassword(PASSWORD);
    for (const name of ['victim', 'bystander', 'other'])
      await createUser(testDb.db, `${name}@example.org`, 'analyst', storedHash);
    await createUser(testDb.db, 'token-only@example.org', 'analyst', null);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    redis?.disconnect();
    await testDb?.drop();
    for (const p of prefixes) await dropPrefix(p);
  });

  it('runs one scrypt derivation for an unknown account, as for a known one, and takes about as long', async () => {
    const sut = await api({ perIp: roomy, perAccount: roomy, global: roomy });
    const derivationsOf = async (email: string, password = 'wrong guess') => {
      const before = passwordWork().derivations;
      const res = await attempt(sut, email, '10.0.0.1', password);
      return { status: res.statusCode, derivations: passwordWork().derivations - before };
    };
    expect(await derivationsOf('victim@example.org')).toEqual({ status: 401, derivations: 1 });
    expect(await derivationsOf('nobody@example.org')).toEqual({ status: 401, derivations: 1 });
    expect(await derivationsOf('token-only@example.org')).toEqual({ status: 401, derivations: 1 });
    expect(await derivationsOf('victim@example.org', PASSWORD)).toEqual({ status: 200, derivations: 1 });

    // The same in time, loosely (both cost one scrypt; without the dummy an unknown account answered ~30x faster).
    const timed = async (email: string) => {
      const started = performance.now();
      await attempt(sut, email, '10.0.0.2');
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await timed('bystander@example.org'));
      unknown.push(await timed(`nobody-${i}@example.org`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it('locks an account after its limit of attempts from any mix of addresses and API processes, and no other', async () => {
    const keyPrefix = testPrefix();
    const limits = { perIp: roomy, perAccount: { max: 5, window: MINUTE }, global: roomy };
    const processes = [await api(limits, keyPrefix), await api(limits, keyPrefix)];
    const codes: number[] = [];
    for (let i = 0; i < 8; i++)
      codes.push(
        (await attempt(processes[i % 2]!, i % 3 ? 'victim@example.org' : 'VICTIM@example.org', `198.51.100.${i + 1}`))
          .statusCode,
      );
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);

    // Locked even with the right password from a fresh address, while another account signs in from the same ones.
    const locked = await attempt(processes[0]!, 'victim@example.org', '203.0.113.9', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await attempt(processes[1]!, 'bystander@example.org', '198.51.100.1', PASSWORD)).statusCode).toBe(200);
  });

  it('limits each address, whichever accounts it tries', async () => {
    const sut = await api({ perIp: { max: 3, window: MINUTE }, perAccount: roomy, global: roomy });
    const codes = [];
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      codes.push((await attempt(sut, `${name}@example.org`, '192.0.2.7')).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect((await attempt(sut, 'other@example.org', '192.0.2.8', PASSWORD)).statusCode).toBe(200);
  });

  it('caps all logins together, so many addresses and accounts cannot add up to unbounded scrypt work', async () => {
    const sut = await api({ perIp: roomy, perAccount: roomy, global: { max: 6, window: MINUTE } });
    const codes = [];
    for (let i = 0; i < 8; i++)
      codes.push((await attempt(sut, `guess-${i}@example.org`, `100.64.0.${i + 1}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const before = passwordWork().derivations;
    const refused = await attempt(sut, 'other@example.org', '100.64.1.1', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // A refused attempt costs no scrypt at all.
    expect(passwordWork().derivations).toBe(before);
  });

  it('keeps scrypt to part of the thread pool, so other pool work (zlib for exports) is not queued behind guesses', async () => {
    const guesses = Array.from({ length: 24 }, (_, i) => verifyLogin(`guess ${i}`, storedHash));
    let finished = 0;
    for (const g of guesses) void g.then(() => finished++);
    expect(passwordWork().running).toBeLessThanOrEqual(SCRYPT_CONCURRENCY);
    // Queued after every guess: with all 24 in the pool's own queue it would wait for about 21 of them.
    await promisify(deflate)(Buffer.alloc(64 * 1024, 'evidence'));
    const finishedWhenZipped = finished;
    await Promise.all(guesses);
    expect(finishedWhenZipped).toBeLessThanOrEqual(SCRYPT_CONCURRENCY);
  });
});
