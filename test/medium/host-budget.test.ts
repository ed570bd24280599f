import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostBudget, type HostBudget } from '../../workers/ingest/host-budget.js';
import { createFetcher, FetchError } from '../../workers/ingest/http-fetcher.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';

/** Most requests the server saw in any one-second window (sliding, from each request). */
const peakPerSecond = (times: number[]) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

// Two budgets on connections of their own share nothing but Redis, as two ingest processes do.
describe('one request budget per host over all ingest processes', () => {
  const prefix = testPrefix();
  let server: FakeServer;
  const seen: number[] = [];
  let answer429At = -1;
  let host: string;
  const connections: Redis[] = [];
  const budgets: HostBudget[] = [];

  beforeAll(async () => {
    server = await startFakeServer((_req, res) => {
      seen.push(Date.now());
      if (seen.length === answer429At) return send(res, 429, 'slow down', { 'retry-after': '2' });
      send(res, 200, 'ok');
    });
    host = new URL(server.url).host;
    for (let i = 0; i < 2; i++) {
      const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      connections.push(connection);
      budgets.push(await createHostBudget(connection, prefix, { [host]: { perSecond: 5 } }, testLog));
    }
  });
  afterAll(async () => {
    await Promise.all(budgets.map((b) => b.close()));
    for (const c of connections) c.disconnect();
    await server?.close();
    await dropPrefix(prefix);
  });

  const fetchers = () =>
    budgets.map((budget) =>
      createFetcher({
        timeoutMs: 5_000,
        maxBytes: 1024,
        perHostIntervalMs: 0,
        allowPrivateNetworks: 'loopback',
        budget,
      }),
    );

  it('holds the budget when two processes fetch from the host at once', async () => {
    seen.length = 0;
    const [a, b] = fetchers();
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a! : b!).get(`${server.url}/s/chan${i}`)));
    // 12 requests at 5/s: one slot each 200 ms, so about 2.2 s, never more than 5 (and the boundary one) in a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(peakPerSecond(seen)).toBeLessThanOrEqual(6);
  });

  it('a 429 seen by one process stops both for the Retry-After', async () => {
    seen.length = 0;
    answer429At = 3;
    const [a, b] = fetchers();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a! : b!).get(`${server.url}/s/chan${i}`).then(
          () => 'ok',
          (e: unknown) => (e instanceof FetchError ? e.kind : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(7);
    const at429 = seen[2]!;
    const after = seen.slice(3);
    // Nobody, in either process, asked the host anything for the two seconds it asked for.
    expect(after.length).toBe(5);
    expect(Math.min(...after) - at429).toBeGreaterThanOrEqual(1_950);
  });

  it('says how long the host is paused, and a long pause fails the fetch at once instead of holding the poll', async () => {
    await budgets[0]!.pause(host, 300_000);
    expect(await budgets[1]!.pausedFor(host)).toBeGreaterThan(290_000);
    const [, b] = fetchers();
    const err = await b!.get(`${server.url}/s/late`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).kind).toBe('rate_limited');
    expect((err as FetchError).retryAfterMs).toBeGreaterThan(290_000);
    await budgets[0]!.pause(host, 1);
  });
});
