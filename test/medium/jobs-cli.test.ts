import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runJobs } from '../../cli/jobs.command.js';
import { loadConfig } from '../../shared/config/config.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { createRedis } from '../../shared/queues/redis.js';
import { listAudit } from '../../shared/repositories/audit.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';

describe('vigil jobs retry', () => {
  let testDb: TestDb;
  let queues: Queues;
  let connection: ReturnType<typeof createRedis>;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    connection = createRedis(TEST_REDIS_URL, 'worker');
    queues = createQueues(connection, prefix, testLog);
    // Two failed jobs in the dead-letter set, failed by hand (a manual BullMQ worker).
    const worker = new Worker('ingest', null, { connection, prefix, autorun: false });
    for (const id of ['poll-1', 'poll-2']) {
      await queues.byName.ingest.add('source.poll', { sourceId: 1 }, { jobId: id, attempts: 1 });
      const job = await worker.getNextJob('test-token');
      await job.moveToFailed(new Error('feed answered 500'), 'test-token');
    }
    await worker.close();
  });
  afterAll(async () => {
    await queues.close();
    connection.disconnect();
    await dropPrefix(prefix);
    await testDb?.drop();
  });

  it('records who re-drove which jobs before it does, and the outcome after', async () => {
    const config = loadConfig(
      { DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix },
      tempDir(),
    );
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await runJobs(['retry', '--queue', 'ingest', '--id', 'poll-2'], config);
    } finally {
      stdout.mockRestore();
    }
    expect(code).toBe(0);
    expect(await queues.byName.ingest.getJobState('poll-2')).toBe('waiting');
    expect(await queues.byName.ingest.getJobState('poll-1')).toBe('failed');
    const rows = (await listAudit(testDb.db)).map(({ actor, action, entity, entity_id, details }) => ({
      actor,
      action,
      entity,
      entity_id,
      details,
    }));
    expect(rows).toEqual([
      {
        actor: expect.stringMatching(/^cli:/),
        action: 'jobs.retry',
        entity: 'queue',
        entity_id: 'ingest',
        details: { count: 1, jobs: [{ queue: 'ingest', id: 'poll-2', name: 'source.poll' }], ids: ['poll-2'] },
      },
      {
        actor: expect.stringMatching(/^cli:/),
        action: 'jobs.retry.result',
        entity: 'queue',
        entity_id: 'ingest',
        details: { retried: 1, failed: [] },
      },
    ]);
  });
});
