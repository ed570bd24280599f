import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/app.js';
import { createMetrics } from '../../shared/metrics.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { savePostingRate, saveRevisitPlans } from '../../shared/repositories/revisit.repository.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';

describe('the watch-list in the desk', () => {
  let testDb: TestDb;
  let sut: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;
  let queues: Queues;
  const prefix = testPrefix();
  const headers: Record<'admin' | 'analyst', Record<string, string>> = { admin: {}, analyst: {} };

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = createRedis(TEST_REDIS_URL, 'request');
    queues = createQueues(redis, prefix, testLog);
    sut = await buildApp({
      db: testDb.db,
      redis,
      metrics: createMetrics(),
      log: testLog,
      keyPrefix: prefix,
      queues,
      evidence: { keyFile: join(tempDir(), 'evidence.pem') },
    });
    for (const role of ['admin', 'analyst'] as const) {
      const user = await createUser(testDb.db, `${role}@example.org`, role, null);
      headers[role] = { authorization: `Bearer ${await createApiToken(testDb.db, user.id, 'test')}` };
    }
  });
  afterAll(async () => {
    await sut?.close();
    await queues?.close();
    redis?.disconnect();
    await dropPrefix(prefix);
    await testDb?.drop();
  });

  it('lets an admin import a pasted list, audited, and reports the lines it skipped', async () => {
    const list = ['https://t.me/east_watch', '@grove_lane_news', 'this is not one', 't.me/s/east_watch'].join('\n');
    const res = await sut.inject({
      method: 'POST',
      url: '/api/sources/import',
      headers: headers.admin,
      payload: { list, reason: 'partner list of 30 Nov', priority: 4 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      added: 2,
      updated: 0,
      skipped: 1,
      skippedLines: [{ line: 3, reason: expect.stringMatching(/not a public channel/) as string }],
    });
    const [audit] = await listAudit(testDb.db, { actions: ['sources.import'] });
    expect(audit?.actor).toBe('user:admin@example.org');
    expect(audit?.details).toMatchObject({ reason: 'partner list of 30 Nov', priority: 4, added: 2 });
  });

  it('refuses analysts, and lists coverage per source to admins', async () => {
    expect(
      (
        await sut.inject({
          method: 'POST',
          url: '/api/sources/import',
          headers: headers.analyst,
          payload: { list: 'x_channel', reason: 'just because' },
        })
      ).statusCode,
    ).toBe(403);
    // As the revisit planner leaves it.
    const { id } = (await findSourceByName(testDb.db, 'telegram-web-east_watch'))!;
    await saveRevisitPlans(testDb.db, [{ id, intervalMs: 60_000, tier: 'hot' }]);
    await savePostingRate(testDb.db, id, 3.14159);
    const res = await sut.inject({ method: 'GET', url: '/api/sources', headers: headers.admin });
    const east = res
      .json<{ sources: Record<string, unknown>[] }>()
      .sources.find((s) => s.name === 'telegram-web-east_watch');
    expect(east).toMatchObject({
      kind: 'telegram-web',
      origin: 'api',
      enabled: true,
      priority: 4,
      watchReason: 'partner list of 30 Nov',
      tier: 'hot',
      revisitMs: 60_000,
      postsPerHour: 3.14,
      lastSuccessAt: null,
    });
  });
});
