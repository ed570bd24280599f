import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { scheduleSources, syncSources } from '../../workers/ingest/source-schedule.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';

describe('source schedules', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await ingestHarness();
  });
  afterAll(() => h?.close());

  const schedulers = async () =>
    (await h.queues.byName[QueueName.Ingest].getJobSchedulers()).map((s) => [s.key, s.every]).sort();

  it('follows the source table: a source added or disabled at run time is (un)scheduled without a restart', async () => {
    await syncSources(h.db, h.queues, { sources: [], demo: true }, testLog);
    const demo = await h.db
      .selectFrom('source')
      .select(['id', 'origin'])
      .where('name', '=', 'demo')
      .executeTakeFirstOrThrow();
    expect(demo.origin).toBe('demo');
    expect(await schedulers()).toEqual([[`source-${demo.id}`, 60_000]]);

    const added = await h.db
      .insertInto('source')
      .values({
        name: 'added-by-admin',
        kind: 'rss',
        origin: 'api',
        config: JSON.stringify({ kind: 'rss', url: 'https://feeds.example/news.xml', pollInterval: 120_000 }),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await scheduleSources(h.db, h.queues, testLog);
    expect(await schedulers()).toEqual([
      [`source-${demo.id}`, 60_000],
      [`source-${added.id}`, 120_000],
    ]);

    await h.db.updateTable('source').set({ enabled: false }).where('id', '=', added.id).execute();
    await scheduleSources(h.db, h.queues, testLog);
    expect(await schedulers()).toEqual([[`source-${demo.id}`, 60_000]]);
  });

  it('keeps the demo out once a source is configured', async () => {
    await syncSources(
      h.db,
      h.queues,
      { sources: [{ kind: 'rss', url: 'https://feeds.example/a.xml', pollInterval: 300_000 }], demo: true },
      testLog,
    );
    const rows = await h.db.selectFrom('source').select(['name', 'enabled']).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'added-by-admin', enabled: false },
      { name: 'demo', enabled: false },
      { name: 'rss-feeds.example_a.xml', enabled: true },
    ]);
    expect((await schedulers()).map(([key]) => key)).toHaveLength(1);
  });
});
