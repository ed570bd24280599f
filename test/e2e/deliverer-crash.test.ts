import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { capturePost } from '../../shared/domain/post.js';
import { packageRoot } from '../../shared/paths.js';
import { createQueues } from '../../shared/queues/queues.js';
import { duplicateRiskTotal, findAlerts, insertOutbox } from '../../shared/repositories/alert.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const N = 24;

describe('a deliverer killed mid-run (SIGKILL)', () => {
  let testDb: TestDb;
  let receiver: FakeServer;
  const received: string[] = [];
  const prefix = testPrefix();
  const children: ChildProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    testDb = await createTestDb();
    receiver = await startFakeServer((req, res) => {
      // Slow enough that several deliveries are in flight when the worker dies.
      setTimeout(() => {
        received.push(String(req.headers['idempotency-key']));
        send(res, 200, '');
      }, 150);
    });
    dir = tempDir();
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      `alerts:\n  webhook: { url: "${receiver.url}/hook", secret: "0123456789abcdef0123" }\n  rules:\n    - { minSeverity: high, channels: [webhook] }\n`,
    );
    const items = Array.from({ length: N }, (_, i) => {
      const text = `£${100 + i} to anyone who sprays the mosque in E1${i % 10}, send a pic to @admin_${i}`;
      return {
        post: capturePost(
          { source: 'test', platform: 'telegram', channel: `chan_${i}`, externalId: String(i), text },
          Buffer.from(text),
          'text/plain',
          { url: 'https://t.me/s/x', fetchedAt: new Date().toISOString(), fetcher: 'test' },
        ),
        verdict: classify(text),
      };
    });
    const created = await insertFlagged(testDb.db, items);
    const rows = await testDb.db.transaction().execute((trx) =>
      insertOutbox(
        trx,
        created.map((c) => ({ reviewItemId: c.reviewItemId, channel: 'webhook' })),
      ),
    );
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queues = createQueues(redis, prefix, testLog);
    await queues.enqueueBulk(
      'alert.deliver',
      rows.map((r) => ({ data: { alertId: r.id }, opts: { jobId: `deliver-${r.id}` } })),
    );
    await queues.close();
    redis.disconnect();
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await receiver?.close();
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  const deliverer = () => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'vigil.js'), 'worker', 'deliver'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: testDb.url,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_QUEUE_PREFIX: prefix,
        VIGIL_LOCK_DURATION: '2s',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };
  const statuses = () => findAlerts(testDb.db);

  it('loses no alert, and repeats only those caught between sending and marking', async () => {
    const first = deliverer();
    await waitFor(async () => received.length >= 6, 'the first deliveries', 20_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const sentBeforeKill = new Set((await statuses()).filter((s) => s.status === 'sent').map((s) => s.idempotency_key));
    expect(sentBeforeKill.size).toBeLessThan(N);

    deliverer();
    const final = await waitFor(
      async () => {
        const rows = await statuses();
        return rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      'every alert to be sent by the second deliverer',
      40_000,
    );
    expect(final).toHaveLength(N);

    const counts = new Map<string, number>();
    for (const key of received) counts.set(key, (counts.get(key) ?? 0) + 1);
    expect(counts.size).toBe(N);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
    // A repeat is only possible for an alert the dead worker had sent but not yet marked.
    for (const key of repeated) expect(sentBeforeKill.has(key)).toBe(false);
    expect(repeated.length).toBeLessThanOrEqual(8);
    // Every repeat is counted as a possible one, and only those in flight at the kill are (8: the deliverer's concurrency).
    const possible = await duplicateRiskTotal(testDb.db);
    expect(possible).toBeGreaterThanOrEqual(repeated.length);
    expect(possible).toBeLessThanOrEqual(8);
  }, 90_000);
});
