import { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiDeps } from '../../services/api/app.js';
import { createMetrics, registerDbGauges } from '../../shared/metrics.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { saveRevisitPlans } from '../../shared/repositories/revisit.repository.js';
import {
  findSource,
  listSources,
  recordSourceError,
  saveCursor,
  upsertSource,
} from '../../shared/repositories/source.repository.js';
import { createApiToken, createUser, ROLES } from '../../shared/repositories/user.repository.js';
import type { UserRole } from '../../shared/db/database.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { backdateLastSuccess, forgetRevisitPlans, storeUnredactedSourceError } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const LEAKY_ERROR = 'GET https://reader:hunter2@feeds.example.org/private.rss?access_token=t0ps3cret answered 500';

describe('what the API gives away: health, metrics, Bull Board', () => {
  let testDb: TestDb;
  let redis: ReturnType<typeof createRedis>;
  const headers: Partial<Record<UserRole, Record<string, string>>> = {};
  const apps: FastifyInstance[] = [];
  let failingId: number;

  const app = async (overrides: Partial<ApiDeps> = {}, perSource = false) => {
    const metrics = createMetrics();
    registerDbGauges(metrics, testDb.db, { perSource });
    const built = await buildApp({
      db: testDb.db,
      redis,
      metrics,
      log: testLog,
      ...overrides,
      keyPrefix: overrides.keyPrefix ?? testPrefix(),
    });
    apps.push(built);
    return built;
  };

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    for (const role of ROLES) {
      const user = await createUser(testDb.db, `${role}@example.org`, role, null);
      headers[role] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'security')}` };
    }
    const healthy = await upsertSource(
      testDb.db,
      'east-watch-channel',
      'telegram-web',
      { kind: 'telegram-web', channel: 'east_watch' },
      'config',
    );
    await saveCursor(testDb.db, healthy.id, null);
    failingId = (
      await upsertSource(
        testDb.db,
        'private-feed',
        'rss',
        { kind: 'rss', url: 'https://feeds.example.org/private.rss' },
        'config',
      )
    ).id;
    await recordSourceError(testDb.db, failingId, LEAKY_ERROR, null);
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    redis?.disconnect();
    await testDb?.drop();
  });

  it('stores a source error with the credentials in its URL redacted', async () => {
    const row = await findSource(testDb.db, failingId);
    expect(row?.last_error).toBe(
      'GET https://reader:[redacted]@feeds.example.org/private.rss?access_token=[redacted] answered 500',
    );
  });

  it('answers /healthz without authentication with the status and counts only', async () => {
    const sut = await app();
    const res = await sut.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'degraded',
      checks: { postgres: 'ok', redis: 'ok' },
      sources: { enabled: 2, failing: 1, hot: 0, overdue: 0 },
    });
    expect(res.body).not.toMatch(/east-watch|private-feed|feeds\.example|rss|telegram|hunter2|t0ps3cret/);
  });

  it('counts hot and overdue sources at /healthz, never naming them', async () => {
    const sut = await app();
    const others = (await listSources(testDb.db)).filter((s) => s.id !== failingId);
    await saveRevisitPlans(testDb.db, [
      ...others.map((s) => ({ id: s.id, intervalMs: 60_000, tier: 'hot' })),
      { id: failingId, intervalMs: 60_000, tier: 'cold' },
    ]);
    for (const s of others) await backdateLastSuccess(testDb.db, s.id, new Date(Date.now() - 30_000));
    await backdateLastSuccess(testDb.db, failingId, new Date(Date.now() - 600_000));
    const res = await sut.inject({ method: 'GET', url: '/healthz' });
    expect(res.json<{ sources: unknown }>().sources).toEqual({ enabled: 2, failing: 1, hot: 1, overdue: 1 });
    expect(res.body).not.toMatch(/east-watch|private-feed|cold/);
    await forgetRevisitPlans(testDb.db);
  });

  it('gives source names and errors at /api/health to signed-in users only, redacted even when stored before redaction', async () => {
    const sut = await app();
    // A row written by a version that stored errors as they came.
    await storeUnredactedSourceError(testDb.db, failingId, LEAKY_ERROR);
    expect((await sut.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(401);
    for (const role of ROLES) {
      const res = await sut.inject({ method: 'GET', url: '/api/health', headers: headers[role] });
      expect(res.statusCode, role).toBe(200);
      expect(res.body, role).not.toMatch(/hunter2|t0ps3cret/);
    }
    const detail = (await sut.inject({ method: 'GET', url: '/api/health', headers: headers.auditor })).json<{
      status: string;
      sources: { name: string; healthy: boolean; lastError: string | null }[];
    }>();
    expect(detail.status).toBe('degraded');
    expect(detail.sources).toEqual([
      expect.objectContaining({ name: 'east-watch-channel', kind: 'telegram-web', healthy: true, lastError: null }),
      expect.objectContaining({
        name: 'private-feed',
        kind: 'rss',
        healthy: false,
        lastError: 'GET https://reader:[redacted]@feeds.example.org/private.rss?access_token=[redacted] answered 500',
      }),
    ]);
  });

  it('names no source on /metrics unless per-source series are switched on', async () => {
    const body = (await (await app()).inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).not.toMatch(/east-watch|private-feed|source="/);
    expect(body).toMatch(/^vigil_sources\{kind="rss",state="failing"\} 1$/m);
    expect(body).toMatch(/^vigil_sources\{kind="telegram-web",state="up"\} 1$/m);
    expect(body).toMatch(/^vigil_sources_oldest_success_timestamp_seconds\{kind="telegram-web"\} \d/m);
    const opted = (await (await app({}, true)).inject({ method: 'GET', url: '/metrics' })).body;
    expect(opted).toMatch(/^vigil_source_up\{source="private-feed",kind="rss"\} 0$/m);
  });

  it('serves /metrics only with its bearer token when one is configured', async () => {
    const sut = await app({ metricsToken: 'scrape-token-0123456789' });
    expect((await sut.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (
        await sut.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: 'Bearer scrape-token-012345678X' },
        })
      ).statusCode,
    ).toBe(401);
    // A desk user's token is not the scrape token.
    expect((await sut.inject({ method: 'GET', url: '/metrics', headers: headers.admin })).statusCode).toBe(401);
    const ok = await sut.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE vigil_sources gauge');
  });

  describe('Bull Board', () => {
    let queues: Queues;
    const prefix = testPrefix();
    const auditRows = () => listAudit(testDb.db, { actionPrefix: 'bullboard.' });

    let connection: ReturnType<typeof createRedis>;

    beforeAll(async () => {
      connection = createRedis(TEST_REDIS_URL, 'worker');
      queues = createQueues(connection, prefix, testLog);
      // One failed job in the dead-letter set, processed by hand (a manual BullMQ worker).
      await queues.byName.ingest.add('source.poll', { sourceId: 1 }, { jobId: 'failed-poll', attempts: 1 });
      const worker = new Worker('ingest', null, { connection, prefix, autorun: false });
      const job = await worker.getNextJob('test-token');
      await job.moveToFailed(new Error('feed answered 500'), 'test-token');
      await worker.close();
    });
    afterAll(async () => {
      await queues.close();
      connection.disconnect();
      await dropPrefix(prefix);
    });

    it('is read-only by default: admins read every queue, and nothing changes from it', async () => {
      const sut = await app({ queues });
      const board = await sut.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: headers.admin });
      expect(board.statusCode).toBe(200);
      expect(
        board
          .json<{ queues: { name: string; readOnlyMode: boolean }[] }>()
          .queues.map((q) => [q.name, q.readOnlyMode])
          .sort(),
      ).toEqual([
        ['alert', true],
        ['classify', true],
        ['deliver', true],
        ['ingest', true],
        ['media', true],
      ]);
      const before = await queues.byName.ingest.getJobCounts();
      expect(
        (
          await sut.inject({
            method: 'PUT',
            url: '/admin/queues/api/queues/ingest/failed-poll/retry',
            headers: headers.admin,
          })
        ).statusCode,
      ).toBe(405);
      expect(
        (await sut.inject({ method: 'PUT', url: '/admin/queues/api/queues/ingest/empty', headers: headers.admin }))
          .statusCode,
      ).toBe(405);
      expect(await queues.byName.ingest.getJobCounts()).toEqual(before);
      expect(await auditRows()).toEqual([]);
    });

    it('never adds or edits a job, and never opens to another role through an encoded path', async () => {
      const sut = await app({ queues, bullBoardReadOnly: false });
      const add = { name: 'posts.classify', data: { posts: [{ text: '£500 for the mosque, fabricated' }] } };
      expect(
        (
          await sut.inject({
            method: 'POST',
            url: '/admin/queues/api/queues/classify/add',
            headers: headers.admin,
            payload: add,
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await sut.inject({
            method: 'POST',
            url: '/admin/queues/api/queues/cl%61ssify/add',
            headers: headers.admin,
            payload: add,
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await sut.inject({
            method: 'PATCH',
            url: '/admin/queues/api/queues/ingest/failed-poll/update-data',
            headers: headers.admin,
            payload: { data: { sourceId: 2 } },
          })
        ).statusCode,
      ).toBe(403);
      for (const role of ['analyst', 'duty_officer', 'auditor'] as const) {
        expect(
          (await sut.inject({ method: 'PUT', url: '/%61dmin/queues/api/queues/ingest/pause', headers: headers[role] }))
            .statusCode,
          role,
        ).toBe(403);
        expect(
          (await sut.inject({ method: 'GET', url: '/%61dmin/queues/api/queues', headers: headers[role] })).statusCode,
          role,
        ).toBe(403);
      }
      expect(await queues.byName.classify.count()).toBe(0);
      expect(await queues.byName.ingest.isPaused()).toBe(false);
      expect(await auditRows()).toEqual([]);
    });

    it('when made writable, records each action in the audit log before it runs, and its outcome after', async () => {
      const sut = await app({ queues, bullBoardReadOnly: false });
      const retry = await sut.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/ingest/failed-poll/retry',
        headers: headers.admin,
      });
      expect(retry.statusCode).toBe(204);
      expect(await queues.byName.ingest.getJobState('failed-poll')).toBe('waiting');
      // The job is no longer failed: the board refuses, and the outcome says so.
      const again = await sut.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/ingest/failed-poll/retry',
        headers: headers.admin,
      });
      expect(again.statusCode).toBeGreaterThanOrEqual(400);
      const pause = await sut.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/ingest/pause',
        headers: headers.admin,
      });
      expect(pause.statusCode).toBe(200);
      expect(await queues.byName.ingest.isPaused()).toBe(true);
      // The outcome is written once the answer has gone.
      const rows = await waitFor(
        async () => ((await auditRows()).length === 6 ? auditRows() : undefined),
        'six board audit entries',
      );
      const admin = { actor: 'user:admin@example.org', entity: 'queue', entityId: 'ingest' };
      const retryRequest = {
        ...admin,
        action: 'bullboard.retry',
        details: {
          method: 'PUT',
          route: '/api/queues/:queueName/:jobId/retry',
          params: { queueName: 'ingest', jobId: 'failed-poll' },
        },
      };
      expect(
        rows.map((r) => ({
          actor: r.actor,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          details: r.details,
        })),
      ).toEqual([
        retryRequest,
        {
          ...admin,
          action: 'bullboard.retry.result',
          details: { outcome: 'done', statusCode: 204, requestId: expect.any(String) },
        },
        retryRequest,
        {
          ...admin,
          action: 'bullboard.retry.result',
          details: { outcome: 'failed', statusCode: again.statusCode, requestId: expect.any(String) },
        },
        {
          ...admin,
          action: 'bullboard.pause',
          details: { method: 'PUT', route: '/api/queues/:queueName/pause', params: { queueName: 'ingest' } },
        },
        {
          ...admin,
          action: 'bullboard.pause.result',
          details: { outcome: 'done', statusCode: 200, requestId: expect.any(String) },
        },
      ]);
    });
  });
});
