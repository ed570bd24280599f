import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRuntime } from '../../cli/runtime.js';
import { buildApp } from '../../services/api/app.js';
import { loadConfig } from '../../shared/config/config.js';
import type { KeptPost } from '../../shared/domain/near-miss.js';
import type { Verdict } from '../../shared/domain/verdict.js';
import { createMetrics, readUncovered, registerQueueGauges } from '../../shared/metrics.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import {
  countNearMisses,
  decideNearMiss,
  insertNearMisses,
  listNearMisses,
  pruneNearMisses,
  trimNearMisses,
} from '../../shared/repositories/near-miss.repository.js';
import { countReviewItems } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { alertHandlers } from '../../workers/alert/alert.worker.js';
import { classifyHandlers } from '../../workers/classify/classify.worker.js';
import { selectKept } from '../../workers/classify/near-miss.select.js';
import { startWorker } from '../../workers/worker.runner.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { ageNearMisses } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { flaggedVerdict, makeVerdict, nearMissVerdict, uncoveredVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';
import { waitFor } from '../support/wait.js';

const NEAR_MISS_CONFIG = { maxRows: 5_000, retentionDays: 30, uncoveredSamplePerDay: 20 };
const kept = (externalId: string, text = `post ${externalId}`): KeptPost =>
  selectKept([{ post: makePost(externalId, text), verdict: nearMissVerdict() }]).nearMisses[0]!;
const rowCount = (db: TestDb['db']) => countNearMisses(db);
const idOf = async (db: TestDb['db'], externalId: string) =>
  (await listNearMisses(db, { limit: 100, offset: 0 })).find((r) => r.external_id === externalId)!.id;

describe('near misses', () => {
  let testDb: TestDb;
  let analystId: number;

  beforeAll(async () => {
    testDb = await createTestDb();
    analystId = (await createUser(testDb.db, 'analyst@example.org', 'analyst', null)).id;
  });
  afterAll(() => testDb?.drop());
  beforeEach(async () => {
    // Every row past a retention of none: each test starts from an empty table.
    await pruneNearMisses(testDb.db, 0, new Date(Date.now() + 60_000));
  });

  describe('repository', () => {
    it('keeps each post once, whatever the replays', async () => {
      const batch = [kept('1'), kept('2')];
      expect(await insertNearMisses(testDb.db, batch)).toBe(2);
      expect(await insertNearMisses(testDb.db, [...batch, kept('3')])).toBe(1);
      const rows = await listNearMisses(testDb.db, { limit: 10, offset: 0 });
      expect(rows).toHaveLength(3);
      expect(rows.find((r) => r.external_id === '1')).toMatchObject({
        reason: 'near_miss',
        source: 'test',
        platform: 'telegram',
        channel: 'east_watch',
        url: 'https://t.me/east_watch/1',
        published_at: new Date('2026-11-29T20:15:00Z'),
        text: 'post 1',
        language: 'en',
        classifier_version: 'test-classifier-1',
        labels: [],
        scores: { bounty_offer: 0.42, call_to_action: 0, claim: 0, target_info: 0, hate: 0 },
        decision: null,
      });
    });

    it('holds the row bound by deleting the oldest undecided rows, and keeps decided ones (training data)', async () => {
      await insertNearMisses(testDb.db, [kept('1'), kept('2'), kept('3'), kept('4'), kept('5')]);
      const oldest = await idOf(testDb.db, '1');
      await decideNearMiss(testDb.db, oldest, { decision: 'not', label: null, userId: analystId, reason: null });

      const trimmed = await testDb.db.transaction().execute((trx) => trimNearMisses(trx, 3));
      expect(trimmed).toBe(2);
      const left = (await listNearMisses(testDb.db, { limit: 10, offset: 0 })).map((r) => r.external_id).sort();
      // 1 is the oldest but decided; 2 and 3 are the oldest undecided.
      expect(left).toEqual(['1', '4', '5']);
      expect(await testDb.db.transaction().execute((trx) => trimNearMisses(trx, 3))).toBe(0);
    });

    it('deletes rows past retention, decided or not', async () => {
      await insertNearMisses(testDb.db, [kept('old-undecided'), kept('old-decided'), kept('fresh')]);
      await ageNearMisses(testDb.db, 'old-%', 31);
      const decided = await idOf(testDb.db, 'old-decided');
      await decideNearMiss(testDb.db, decided, {
        decision: 'incitement',
        label: 'claim',
        userId: analystId,
        reason: 'a claim of the act',
      });

      expect(await pruneNearMisses(testDb.db, 30)).toBe(2);
      expect((await listNearMisses(testDb.db, { limit: 10, offset: 0 })).map((r) => r.external_id)).toEqual(['fresh']);
    });

    it('filters by reason, language and decided', async () => {
      const polish = selectKept([{ post: makePost('pl-1', 'po polsku'), verdict: uncoveredVerdict('pl') }])
        .uncovered[0]!;
      await insertNearMisses(testDb.db, [kept('1'), kept('2'), polish]);
      const one = await idOf(testDb.db, '1');
      await decideNearMiss(testDb.db, one, { decision: 'not', label: null, userId: analystId, reason: null });
      const ids = async (q: Parameters<typeof listNearMisses>[1]) =>
        (await listNearMisses(testDb.db, q)).map((r) => r.external_id).sort();
      expect(await ids({ reason: 'uncovered_language', limit: 10, offset: 0 })).toEqual(['pl-1']);
      expect(await ids({ language: 'en', limit: 10, offset: 0 })).toEqual(['1', '2']);
      expect(await ids({ decided: false, limit: 10, offset: 0 })).toEqual(['2', 'pl-1']);
      expect(await ids({ decided: true, limit: 10, offset: 0 })).toEqual(['1']);
      expect(await ids({ limit: 1, offset: 1 })).toHaveLength(1);
    });

    it('refuses an incitement without a label and a "not" with one', async () => {
      await insertNearMisses(testDb.db, [kept('1')]);
      const { id } = (await listNearMisses(testDb.db, { limit: 1, offset: 0 }))[0]!;
      await expect(
        decideNearMiss(testDb.db, id, { decision: 'incitement', label: null, userId: analystId, reason: null }),
      ).rejects.toThrow(/near_miss_decision_label_check/);
      await expect(
        decideNearMiss(testDb.db, id, { decision: 'not', label: 'claim', userId: analystId, reason: null }),
      ).rejects.toThrow(/near_miss_decision_label_check/);
    });
  });

  describe('classify worker -> alert queue -> near_miss rows, and the uncovered-language metric', () => {
    let redis: Redis;
    let queues: Queues;
    let workers: Worker[];
    const prefix = testPrefix();
    // Verdicts by text, so the flow does not depend on what the real classifier scores.
    const verdicts = new Map<string, Verdict>();
    const metrics = createMetrics();

    beforeAll(() => {
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      queues = createQueues(redis, prefix, testLog);
      const deps = { connection: redis, prefix, log: testLog, metrics };
      const classify = (text: string) => verdicts.get(text) ?? makeVerdict();
      workers = [
        startWorker(
          QueueName.Classify,
          classifyHandlers({ redis, prefix, queues, uncoveredSamplePerDay: 2, classify }),
          deps,
          2,
        ),
        startWorker(
          QueueName.Alert,
          alertHandlers({
            db: testDb.db,
            redis,
            queues,
            prefix,
            alerts: { rules: [] },
            nearMiss: NEAR_MISS_CONFIG,
            incidents: { linkWindowDays: 60 },
            itemUrl: String,
            log: testLog,
            checkpointAudit: async () => undefined,
          }),
          deps,
          4,
        ),
      ];
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      redis.disconnect();
      await dropPrefix(prefix);
    });

    it('keeps near misses and at most N uncovered posts per language and day; flagged and benign posts go elsewhere or nowhere', async () => {
      const posts = [
        ['nm', 'Someone should do something about that place', nearMissVerdict({ call_to_action: 0.44 })],
        ['benign', 'Bins are late again', makeVerdict()],
        ['flagged', '£100 for whoever does it, pics', flaggedVerdict()],
        ...['1', '2', '3', '4'].map((n) => [`pl-${n}`, `Polski wpis ${n}`, uncoveredVerdict('pl')] as const),
        ['ar-1', 'منشور', uncoveredVerdict('ar')],
      ] as const;
      for (const [, text, verdict] of posts) verdicts.set(text, verdict);
      const batch = posts.map(([id, text]) => makePost(id, text));
      await queues.enqueue('posts.classify', { posts: batch, meta: jobMeta() }, { jobId: 'batch-1' });

      await waitFor(
        async () => (await rowCount(testDb.db)) === 4 && (await countReviewItems(testDb.db)) === 1,
        'the near miss, three samples and the review item',
      );
      const rows = (await listNearMisses(testDb.db, { limit: 100, offset: 0 })).sort((a, b) =>
        a.external_id.localeCompare(b.external_id),
      );
      expect(rows.map((r) => [r.external_id, r.reason, r.language])).toEqual([
        ['ar-1', 'uncovered_language', 'ar'],
        ['nm', 'near_miss', 'en'],
        ['pl-1', 'uncovered_language', 'pl'],
        ['pl-2', 'uncovered_language', 'pl'],
      ]);
      expect(await readUncovered(redis, prefix)).toEqual({ pl: 4, ar: 1 });

      // The same posts again in a new job: the sample picks the same two, the unique key adds nothing, the metric counts the posts.
      await queues.enqueue('posts.classify', { posts: batch, meta: jobMeta() }, { jobId: 'batch-2' });
      await waitFor(async () => (await readUncovered(redis, prefix)).pl === 8, 'the second batch to be counted');
      const drained = async () =>
        Object.values(await queues.byName.alert.getJobCounts('waiting', 'active', 'delayed')).every((n) => n === 0);
      await waitFor(drained, 'the alert queue to drain');
      expect(await rowCount(testDb.db)).toBe(4);

      // A new Polish post on the same day is over the sample: counted, not kept.
      verdicts.set('Polski wpis 5', uncoveredVerdict('pl'));
      await queues.enqueue(
        'posts.classify',
        { posts: [makePost('pl-5', 'Polski wpis 5')], meta: jobMeta() },
        { jobId: 'batch-3' },
      );
      await waitFor(async () => (await readUncovered(redis, prefix)).pl === 9, 'the third batch to be counted');
      await waitFor(drained, 'the alert queue to drain');
      expect(await rowCount(testDb.db)).toBe(4);
    });

    it('serves vigil_posts_uncovered_language_total by language on /metrics, summed across processes through Redis', async () => {
      const apiMetrics = createMetrics();
      registerQueueGauges(apiMetrics, queues, redis, prefix);
      const app = await buildApp({ db: testDb.db, redis, metrics: apiMetrics, log: testLog, keyPrefix: testPrefix() });
      try {
        const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
        expect(body).toContain('# TYPE vigil_posts_uncovered_language_total counter');
        expect(body).toMatch(/^vigil_posts_uncovered_language_total\{lang="pl"\} 9$/m);
        expect(body).toMatch(/^vigil_posts_uncovered_language_total\{lang="ar"\} 2$/m);
      } finally {
        await app.close();
      }
    });
  });

  it('prunes by retention on a BullMQ job scheduler that the alert role sets up', async () => {
    await insertNearMisses(testDb.db, [kept('expired'), kept('fresh')]);
    await ageNearMisses(testDb.db, 'expired', 8);
    const prefix = testPrefix();
    const config = loadConfig(
      {
        DATABASE_URL: testDb.url,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_QUEUE_PREFIX: prefix,
        VIGIL_NEAR_MISS_RETENTION_DAYS: '7',
      },
      tempDir(),
    );
    expect(config.nearMiss).toEqual({ maxRows: 5_000, retentionDays: 7, uncoveredSamplePerDay: 20 });
    const runtime = await startRuntime(config, testLog, ['alert'], { listen: false });
    try {
      const schedulers = await runtime.queues.byName[QueueName.Alert].getJobSchedulers();
      // The alert role also owns the audit checkpoint (test/medium/audit-checkpoint.test.ts checks what it writes).
      expect(schedulers.map((s) => [s.key, s.name, s.every]).sort()).toEqual([
        ['audit-checkpoint', 'audit.checkpoint', 60_000],
        ['near-miss-prune', 'near-misses.prune', 600_000],
      ]);
      // The scheduler's first run comes at once.
      await waitFor(async () => (await rowCount(testDb.db)) === 1, 'the expired near miss to be pruned');
      expect((await listNearMisses(testDb.db, { limit: 10, offset: 0 })).map((r) => r.external_id)).toEqual(['fresh']);
    } finally {
      await runtime.close();
      await dropPrefix(prefix);
    }
  });
});
