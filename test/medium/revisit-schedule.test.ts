import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config/config.schema.js';
import { registerCoverageGauges } from '../../shared/coverage-metrics.js';
import { createMetrics } from '../../shared/metrics.js';
import { capturePost } from '../../shared/domain/post.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { scheduleSources } from '../../workers/ingest/source-schedule.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';
import { flaggedVerdict } from '../support/verdicts.js';
import { savePostingRate } from '../../shared/repositories/revisit.repository.js';
import { findSource, saveCursor } from '../../shared/repositories/source.repository.js';
import { importWatchedSources } from '../../shared/repositories/watch-list.repository.js';

describe('adaptive revisits on a budgeted host', () => {
  let h: IngestHarness;
  // 40 channels on one host at 1 request/s: round robin would read each every 40 s.
  const ingest = configSchema.parse({
    ingest: { hosts: { 'tme.test': { perSecond: 1 } }, revisit: { minInterval: '5s', utilisation: 1, jitter: 0 } },
  }).ingest;
  const ids: number[] = [];
  beforeAll(async () => {
    h = await ingestHarness();
    for (let i = 0; i < 40; i++)
      ids.push(
        await h.addSource(`chan_${i}`, {
          kind: 'telegram-web',
          channel: `chan_${i}`,
          baseUrl: 'https://tme.test',
          pollInterval: '10m',
        }),
      );
    await h.addSource('elsewhere', { kind: 'rss', url: 'https://feeds.example/a.xml', pollInterval: '5m' });
    // One busy channel, one an admin marked as a priority.
    await savePostingRate(h.db, ids[0]!, 100);
    await h.db
      .transaction()
      .execute((trx) => importWatchedSources(trx, [{ name: 'chan_1', config: {} }], 5, 'an admin marked it'));
  });
  afterAll(() => h?.close());

  const schedulers = async () =>
    new Map((await h.queues.byName[QueueName.Ingest].getJobSchedulers()).map((s) => [s.key, s]));

  it('reads busy and priority channels more often, stays within the budget, and leaves other hosts at their pollInterval', async () => {
    expect(await scheduleSources(h.db, h.queues, testLog, ingest)).toBe(41);
    const all = await schedulers();
    const every = (id: number) => all.get(`source-${id}`)!.every!;
    expect(every(ids[0]!)).toBeLessThan(every(ids[2]!) / 5);
    expect(every(ids[1]!)).toBeCloseTo(every(ids[2]!) / Math.sqrt(5), -2);
    const spend = ids.reduce((sum, id) => sum + 1000 / every(id), 0);
    expect(spend).toBeGreaterThan(0.95);
    expect(spend).toBeLessThanOrEqual(1.001);
    const rss = [...all.values()].find(
      (s) => (s.template?.data as { sourceName?: string } | undefined)?.sourceName === 'elsewhere',
    )!;
    expect(rss.every).toBe(300_000);
    expect(await findSource(h.db, ids[0]!)).toMatchObject({ id: ids[0], revisit_ms: every(ids[0]!), tier: 'warm' });
  });

  it('writes nothing when the plan has not moved', async () => {
    const queue = h.queues.byName[QueueName.Ingest];
    const written: string[] = [];
    const upsert = queue.upsertJobScheduler.bind(queue);
    queue.upsertJobScheduler = (id, ...rest) => {
      written.push(id);
      return upsert(id, ...rest);
    };
    await scheduleSources(h.db, h.queues, testLog, ingest);
    queue.upsertJobScheduler = upsert;
    expect(written).toEqual([]);
  });

  it('moves a channel with a flagged post to the hot tier at minInterval and first priority, its next poll due at once', async () => {
    const quiet = ids[20]!;
    // Its last successful read a minute ago.
    await saveCursor(h.db, quiet, null, new Date(Date.now() - 60_000));
    const text = 'Paying £500 to whoever smashes the windows of the mosque on Grove Lane tonight';
    const post = capturePost(
      {
        source: 'chan_20',
        platform: 'telegram',
        channel: 'chan_20',
        externalId: '9',
        text,
        publishedAt: new Date().toISOString(),
      },
      Buffer.from(text),
      'text/plain',
      {
        url: 'https://tme.test/s/chan_20',
        fetchedAt: new Date().toISOString(),
        fetcher: 'test',
      },
    );
    await insertFlagged(h.db, [{ post, verdict: flaggedVerdict() }]);
    await scheduleSources(h.db, h.queues, testLog, ingest);
    const scheduler = (await schedulers()).get(`source-${quiet}`)!;
    expect(scheduler.every).toBe(5_000);
    expect(scheduler.template?.opts?.priority).toBe(1);
    expect(scheduler.next! - Date.now()).toBeLessThan(1_000);
    expect(await findSource(h.db, quiet)).toMatchObject({ tier: 'hot', revisit_ms: 5_000 });
    // Its poll job waits first in line, ahead of the cold ones.
    const waiting = await h.queues.byName[QueueName.Ingest].getJobs(['prioritized', 'delayed']);
    const hotJob = waiting.find((j) => (j.data as { sourceId: number }).sourceId === quiet && j.opts.priority === 1);
    expect(hotJob).toBeDefined();
  });

  it('shows coverage by tier in the metrics, counts and staleness only, no channel names', async () => {
    const metrics = createMetrics();
    registerCoverageGauges(metrics, h.db);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/vigil_sources_by_tier\{tier="hot"\} 1\n/);
    expect(text).toMatch(/vigil_sources_by_tier\{tier="fixed"\} 1\n/);
    const warm = Number(/vigil_sources_by_tier\{tier="warm"\} (\d+)/.exec(text)?.[1] ?? 0);
    const cold = Number(/vigil_sources_by_tier\{tier="cold"\} (\d+)/.exec(text)?.[1] ?? 0);
    expect(warm + cold).toBe(39);
    // chan_20 was read a minute ago; the others never, so their staleness is their age.
    expect(
      Number(/vigil_source_staleness_seconds\{tier="hot",quantile="1"\} ([\d.]+)/.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(59);
    expect(text).toMatch(/vigil_sources_overdue\{tier="hot"\} 1\n/);
    expect(text).not.toMatch(/chan_|elsewhere/);
  });
});
