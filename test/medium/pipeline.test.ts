import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { sha256Hex } from '../../shared/domain/post.js';
import { packageRoot } from '../../shared/paths.js';
import { readStats } from '../../shared/metrics.js';
import { alertCountsByStatus, listAlerts } from '../../shared/repositories/alert.repository.js';
import { countPosts, listPosts } from '../../shared/repositories/post.repository.js';
import { listQuarantined } from '../../shared/repositories/quarantine.repository.js';
import { countClassifications, countReviewItems } from '../../shared/repositories/review-item.repository.js';
import { findSource, findSourceByName, resetCursor } from '../../shared/repositories/source.repository.js';
import { createApiToken, createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { testLog } from '../support/log.js';
import { testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { closeRuntimeTest, testConfig } from '../support/runtime-test.js';
import { forgetSeen } from '../support/db-faults.js';

const OFFER =
  '{"id":"m-1","text":"£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin","channel":"east_watch","date":"2025-01-10T21:14:05Z"}';
const BENIGN =
  '{"id":"m-2","text":"Bins are late again on our road, anyone know why?","channel":"east_watch","date":"2025-01-10T21:20:00Z"}';

describe('pipeline: file source -> classify -> alert -> Postgres -> HTTP', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let auth: Record<string, string>;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    const dir = tempDir();
    const input = join(dir, 'posts.jsonl');
    writeFileSync(input, `${OFFER}\n${BENIGN}\n`);
    utimesSync(input, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'sources:',
        `  - { kind: file, name: replay, path: "${input}", pollInterval: 200ms }`,
        'alerts:',
        '  webhook: { url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }',
        '  rules:',
        '    - { minSeverity: high, channels: [webhook] }',
      ].join('\n'),
    );
    const config = testConfig(testDb.url, prefix, dir);
    runtime = await startRuntime(config, testLog, ['api', 'ingest', 'classify', 'alert'], { listen: false });
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', null);
    auth = { authorization: `Bearer ${await createApiToken(testDb.db, analyst.id, 'test')}` };
  });

  afterAll(() => closeRuntimeTest(runtime, [], testDb, prefix));

  const counts = async () => ({
    posts: await countPosts(testDb.db),
    items: await countReviewItems(testDb.db),
    classifications: await countClassifications(testDb.db),
    alerts: (await alertCountsByStatus(testDb.db)).reduce((sum, r) => sum + Number(r.n), 0),
  });

  it('turns the offer into one review item with its evidence and an outbox row, and keeps the benign post out', async () => {
    await waitFor(
      async () => (await readStats(runtime.redis, prefix)).posts_classified === 2 && (await counts()).items === 1,
      'both posts classified and one item',
    );

    const [post] = await listPosts(testDb.db);
    if (!post) throw new Error('no post stored');
    expect(post.external_id).toBe('m-1');
    expect(post.raw.toString('utf8')).toBe(OFFER);
    expect(post.raw_sha256).toBe(sha256Hex(OFFER));
    expect(post.capture).toMatchObject({
      fetcher: expect.stringMatching(/^vigil\//),
      url: expect.stringMatching(/posts\.jsonl#L1$/),
    });
    // The channel context comes along: the benign post after it, as read.
    expect(post.context).toEqual({
      before: [],
      after: [{ externalId: 'm-2', text: 'Bins are late again on our road, anyone know why?' }],
    });
    const [alert] = await listAlerts(testDb.db, { limit: 1 });
    expect(alert).toMatchObject({ channel: 'webhook', status: 'pending' });
    expect(await counts()).toEqual({ posts: 1, items: 1, classifications: 1, alerts: 1 });

    expect((await runtime.app!.inject({ method: 'GET', url: '/api/items' })).statusCode).toBe(401);
    const response = await runtime.app!.inject({ method: 'GET', url: '/api/items', headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const body = response.json<{
      items: {
        severity: string;
        post: { externalId: string; text: string; rawSha256: string };
        classification: { labels: string[] };
      }[];
    }>();
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      severity: 'critical',
      post: { externalId: 'm-1', rawSha256: sha256Hex(OFFER) },
      classification: { labels: expect.arrayContaining(['bounty_offer']) },
    });
    expect(body.items.map((i) => i.post.externalId)).toEqual(['m-1']);
  });

  it('adds nothing when the same input is replayed, even after ingest forgot what it had seen', async () => {
    const before = await counts();
    const source = await findSourceByName(testDb.db, 'replay');
    if (!source) throw new Error('no replay source');
    const stats = () => readStats(runtime.redis, prefix);
    const replay = async () => {
      await resetCursor(testDb.db, source.id);
      await waitFor(async () => (await findSource(testDb.db, source.id))!.cursor !== null, 'the replay to be read');
    };

    // Ingest's own record of what it saw drops the replay before it reaches the queue.
    const duplicatesBefore = (await stats()).posts_duplicate;
    await replay();
    await waitFor(
      async () => (await stats()).posts_duplicate === duplicatesBefore + 2,
      'both replayed posts to count as duplicates',
    );

    // Without that record and the Redis seen-set, the posts go through the pipeline again; Postgres' unique keys absorb them.
    await forgetSeen(testDb.db, source.id);
    const seen = await runtime.redis.keys(`${prefix}:seen:*`);
    expect(seen).toHaveLength(2);
    await runtime.redis.del(...seen);
    const classified = (await stats()).posts_classified;
    await replay();
    await waitFor(
      async () => (await stats()).posts_classified === classified + 2,
      'the replayed posts to be classified',
    );
    // Job schedulers (near-miss prune, audit checkpoint) always hold their next run in the delayed set; that is not work in flight.
    const pending = async () =>
      (await runtime.queues.byName.alert.getJobs(['waiting', 'active', 'delayed'])).filter((j) => !j.repeatJobKey)
        .length;
    await waitFor(async () => (await pending()) === 0, 'the alert queue to drain');
    expect(await counts()).toEqual(before);
    expect((await stats()).review_items_created).toBe(1);
  });

  it('quarantines a job whose payload can never be valid and keeps working', async () => {
    await runtime.queues.byName.classify.add(
      'posts.classify',
      { posts: [{ text: 'no key, no raw bytes' }], meta: { enqueuedAt: new Date().toISOString() } },
      { jobId: 'malformed-1' },
    );
    const row = await waitFor(
      async () => (await listQuarantined(testDb.db, { stage: 'job:classify' }))[0],
      'a quarantine record',
    );
    expect(row.reason).toMatch(/^invalid posts\.classify payload at posts\.0\./);
    expect(row.context).toMatchObject({
      queue: 'classify',
      jobId: 'malformed-1',
      jobName: 'posts.classify',
      attempts: 1,
    });
    expect(JSON.parse(row.raw.toString('utf8'))).toMatchObject({ posts: [{ text: 'no key, no raw bytes' }] });
    expect((await runtime.queues.byName.classify.getJobCounts('failed')).failed).toBe(1);
  });

  it('serves health (status and counts) and metrics (no source names) without authentication', async () => {
    const health = await runtime.app!.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok' },
      sources: { enabled: 1, failing: 0, hot: 0, overdue: 0 },
    });
    // A file source is on no budgeted host: its coverage counts as 'fixed', by tier and never by name.
    expect((await runtime.app!.inject({ method: 'GET', url: '/metrics' })).body).toMatch(
      /vigil_sources_by_tier\{tier="fixed"\} 1/,
    );
    const metrics = await runtime.app!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/vigil_queue_jobs\{queue="classify",state="waiting"\} \d+/);
    expect(metrics.body).toMatch(/vigil_pipeline_total\{stat="review_items_created"\} 1/);
    expect(metrics.body).toMatch(/vigil_job_duration_seconds_count\{queue="alert",job="items.alert"\} [1-9]/);
    expect(metrics.body).toMatch(/vigil_sources\{kind="file",state="up"\} 1/);
    expect(metrics.body).not.toContain('replay');
    expect(metrics.body).toMatch(/vigil_alerts\{status="pending"\} 1/);
    // Every metric the dashboard and the alert rules use exists.
    const infra = ['infra/observability/grafana-dashboard.json', 'infra/observability/prometheus-rules.yaml']
      .map((f) => readFileSync(join(packageRoot(), f), 'utf8'))
      .join('\n');
    const used = new Set([...infra.matchAll(/\bvigil_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    expect(used.size).toBeGreaterThan(6);
    for (const name of used) expect(metrics.body, name).toContain(`# TYPE ${name} `);
  });
});
