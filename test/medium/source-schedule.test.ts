import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { scheduleSources, syncSources } from '../../workers/ingest/source-schedule.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';
import {
  findSourceByName,
  insertApiSource,
  listSources,
  setSourceEnabled,
} from '../../shared/repositories/source.repository.js';

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
    const demo = await findSourceByName(h.db, 'demo');
    if (!demo) throw new Error('no demo source');
    expect(demo.origin).toBe('demo');
    expect(await schedulers()).toEqual([[`source-${demo.id}`, 60_000]]);

    const added = await insertApiSource(h.db, 'added-by-admin', 'rss', {
      kind: 'rss',
      url: 'https://feeds.example/news.xml',
      pollInterval: 120_000,
    });
    if (!added) throw new Error('added-by-admin was already there');
    await scheduleSources(h.db, h.queues, testLog);
    expect(await schedulers()).toEqual([
      [`source-${demo.id}`, 60_000],
      [`source-${added.id}`, 120_000],
    ]);

    await setSourceEnabled(h.db, added.id, false);
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
    const rows = (await listSources(h.db))
      .map(({ name, enabled }) => ({ name, enabled }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(rows).toEqual([
      { name: 'added-by-admin', enabled: false },
      { name: 'demo', enabled: false },
      { name: 'rss-feeds.example_a.xml', enabled: true },
    ]);
    expect((await schedulers()).map(([key]) => key)).toHaveLength(1);
  });
});
