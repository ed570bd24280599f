import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { classify } from '../../shared/classifier/index.js';
import { loadConfig } from '../../shared/config/config.js';
import { sourceSchema } from '../../shared/config/config.schema.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { findAlertForDelivery, insertOutbox, listAlerts } from '../../shared/repositories/alert.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import { resyncSources, syncSources } from '../../workers/ingest/source-schedule.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { makePost } from '../support/factories.js';
import { closeRuntimeTest } from '../support/runtime-test.js';
import { backdateAlert, loseSources } from '../support/db-faults.js';

describe('a source whose row is gone (the database recreated empty)', () => {
  let h: IngestHarness;
  let path: string;
  beforeAll(async () => {
    path = join(tempDir(), 'posts.jsonl');
    writeFileSync(path, '{"id":"a","text":"first"}\n{"id":"b","text":"second"}\n');
    h = await ingestHarness(config().sources);
  });
  afterAll(() => h?.close());

  const schedulers = async () =>
    (await h.queues.byName[QueueName.Ingest].getJobSchedulers())
      .map((s) => ({ key: s.key, data: s.template?.data as unknown }))
      .sort((a, b) => a.key.localeCompare(b.key));
  const config = () => ({
    sources: [sourceSchema.parse({ kind: 'file', name: 'watch', path, channel: 'c', pollInterval: 60_000 })],
    demo: false,
  });
  const watch = async () => {
    const row = await findSourceByName(h.db, 'watch');
    if (!row) throw new Error('no source named watch');
    return row;
  };

  it('is re-created from the config by the next poll, which reads it from the start', async () => {
    await syncSources(h.db, h.queues, config(), testLog);
    const old = await watch();
    expect(await schedulers()).toEqual([{ key: `source-${old.id}`, data: { sourceId: old.id, sourceName: 'watch' } }]);
    expect(await h.poll(old.id, 'watch')).toMatchObject({ read: 2, enqueued: 2 });

    await loseSources(h.db, [old.id]);
    // The scheduler still sends the old id; the name finds the source again.
    expect(await h.poll(old.id, 'watch')).toMatchObject({ read: 2, enqueued: 2 });
    const row = await watch();
    expect(row.id).not.toBe(old.id);
    expect(row).toMatchObject({ enabled: true, origin: 'config', last_error: null, cursor: { line: 2 } });

    // The resync moves the schedule to the new id and drops the orphan.
    await resyncSources(h.db, h.queues, config(), testLog);
    expect(await schedulers()).toEqual([{ key: `source-${row.id}`, data: { sourceId: row.id, sourceName: 'watch' } }]);
  });

  it('is re-inserted by the periodic resync too, before any poll', async () => {
    await loseSources(h.db);
    await resyncSources(h.db, h.queues, config(), testLog);
    const row = await watch();
    expect(row.enabled).toBe(true);
    expect((await schedulers()).map((s) => s.key)).toEqual([`source-${row.id}`]);

    // A resync that finds everything in place writes nothing: an upsert would poll the source at once.
    const ingest = h.queues.byName[QueueName.Ingest];
    const upserted: string[] = [];
    const upsert = ingest.upsertJobScheduler.bind(ingest);
    ingest.upsertJobScheduler = (id, ...rest) => {
      upserted.push(id);
      return upsert(id, ...rest);
    };
    await resyncSources(h.db, h.queues, config(), testLog);
    expect(upserted).toEqual([]);
  });

  it('skips a poll for a source neither the table nor the config has, without failing the job', async () => {
    expect(await h.poll(9_999, 'not-configured')).toEqual({ skipped: 'no such source' });
    expect(await h.poll(9_999)).toEqual({ skipped: 'no such source' });
  });
});

describe('job schedulers after Redis lost them', () => {
  let testDb: TestDb;
  let receiver: FakeServer;
  const received: string[] = [];
  const prefix = testPrefix();
  let runtime: Runtime | undefined;
  let dir: string;

  beforeAll(async () => {
    testDb = await createTestDb();
    receiver = await startFakeServer((req, res) => {
      received.push(String(req.headers['idempotency-key']));
      send(res, 200, '');
    });
    dir = tempDir();
    const input = join(dir, 'posts.jsonl');
    writeFileSync(input, '');
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        `sources: [{ kind: file, name: watch, path: "${input}", pollInterval: 1h }]`,
        'alerts:',
        `  webhook: { url: "${receiver.url}/hook", secret: "0123456789abcdef0123" }`,
        '  rules: [{ minSeverity: high, channels: [webhook] }]',
      ].join('\n'),
    );
  });
  afterAll(() => closeRuntimeTest(runtime, [receiver], testDb, prefix));

  const start = (resync: string) => {
    const config = loadConfig(
      {
        DATABASE_URL: testDb.url,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_QUEUE_PREFIX: prefix,
        VIGIL_SCHEDULER_RESYNC: resync,
        LOG_LEVEL: 'silent',
      },
      dir,
    );
    return startRuntime(config, testLog, ['ingest', 'alert', 'deliver'], { listen: false });
  };
  const schedulerKeys = async (r: Runtime) => {
    const all = await Promise.all(
      [QueueName.Ingest, QueueName.Alert, QueueName.Deliver].map((q) => r.queues.byName[q].getJobSchedulers()),
    );
    return all
      .flat()
      .map((s) => s.key.replace(/^source-\d+$/, 'source'))
      .sort();
  };
  const EXPECTED = ['audit-checkpoint', 'near-miss-prune', 'outbox-sweep', 'source'];

  /** A flagged post's alert left pending with no delivery job: only the outbox sweep can send it. */
  async function strandedAlert(n: number): Promise<string> {
    const text = `£${100 + n} to anyone who sprays the mosque in E10, send a pic to @admin_${n}`;
    const post = makePost({ channel: `chan_${n}`, externalId: String(n), text, capture: { url: 'https://t.me/s/x' } });
    const [created] = await insertFlagged(testDb.db, [{ post, verdict: classify(text) }]);
    const [row] = await testDb.db
      .transaction()
      .execute((trx) => insertOutbox(trx, [{ reviewItemId: created!.reviewItemId, channel: 'webhook' }]));
    // Older than the sweep's grace, as an alert whose job went with Redis' data would be.
    await backdateAlert(testDb.db, row!.id, 120);
    const alert = await findAlertForDelivery(testDb.db, row!.id);
    if (!alert) throw new Error(`alert ${row!.id} not found`);
    return alert.idempotencyKey;
  }

  it('come back within the resync period after their keys are deleted, and the outbox sweep sends what was pending', async () => {
    runtime = await start('300ms');
    expect(await schedulerKeys(runtime)).toEqual(EXPECTED);
    await dropPrefix(prefix);
    expect(await schedulerKeys(runtime)).toEqual([]);
    const key = await strandedAlert(1);
    await waitFor(
      async () => (await schedulerKeys(runtime!)).join() === EXPECTED.join(),
      'every scheduler back',
      10_000,
    );
    await waitFor(async () => received.includes(key), 'the stranded alert delivered by the re-created sweep', 20_000);
    // The receiver answers before the row is marked sent.
    await waitFor(
      async () => (await listAlerts(testDb.db, { limit: 1 }))[0]!.status === 'sent',
      'the alert marked sent',
      10_000,
    );
  }, 40_000);

  it('come back on reconnect, without waiting for the resync period', async () => {
    await runtime?.close();
    runtime = await start('1h');
    expect(await schedulerKeys(runtime)).toEqual(EXPECTED);
    // As a Redis restarted without its data: keys gone, connection dropped and made again.
    await dropPrefix(prefix);
    runtime.redis.disconnect(true);
    await waitFor(
      async () => (await schedulerKeys(runtime!)).join() === EXPECTED.join(),
      'every scheduler back after the reconnect',
      10_000,
    );
  }, 30_000);

  it('are not rewritten when already there: an upsert runs the chore at once, so rewriting each time would run it at every resync', async () => {
    const deliver = runtime!.queues.byName[QueueName.Deliver];
    const upserted: string[] = [];
    const upsert = deliver.upsertJobScheduler.bind(deliver);
    deliver.upsertJobScheduler = (id, ...rest) => {
      upserted.push(id);
      return upsert(id, ...rest);
    };
    const reconnect = async () => {
      runtime!.redis.disconnect(true);
      await waitFor(async () => runtime!.redis.status === 'ready', 'the reconnect');
      await new Promise((r) => setTimeout(r, 500));
    };
    await reconnect();
    expect(upserted).toEqual([]);
    // The same pass does write one that is missing.
    await deliver.removeJobScheduler('outbox-sweep');
    await reconnect();
    expect(upserted).toEqual(['outbox-sweep']);
  }, 15_000);
});
