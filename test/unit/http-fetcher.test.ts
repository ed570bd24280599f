import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, retryAfterMs } from '../../workers/ingest/http-fetcher.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';

const policy = { timeoutMs: 500, maxBytes: 1024, perHostIntervalMs: 0 };

describe('fetcher', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer((_req, res, url) => {
      if (url.pathname === '/slow') return void setTimeout(() => send(res, 200, 'late'), 2_000);
      if (url.pathname === '/big') return send(res, 200, 'x'.repeat(5_000));
      if (url.pathname === '/to-private') return send(res, 302, '', { location: 'http://10.0.0.1/secret' });
      send(res, 200, 'ok');
    });
  });
  afterAll(() => server?.close());

  const kind = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof FetchError ? e.kind : String(e)));

  it.each(['file:///etc/passwd', 'ftp://example.org/x', 'gopher://example.org'])('refuses %s', async (url) => {
    expect(await kind(createFetcher({ ...policy, allowPrivateNetworks: 'loopback' }).get(url))).toBe('refused');
  });

  it.each(['http://127.0.0.1:9/', 'http://10.1.2.3/', 'http://192.168.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://localhost/'])(
    'refuses the private address %s unless allowed',
    async (url) => {
      expect(await kind(createFetcher({ ...policy, allowPrivateNetworks: false }).get(url))).toBe('refused');
    },
  );

  it('checks every redirect hop again, before connecting', async () => {
    const loopbackOnly = createFetcher({ ...policy, allowPrivateNetworks: 'loopback' });
    expect(await kind(loopbackOnly.get(`${server.url}/fine`))).toBe('ok');
    expect(await kind(loopbackOnly.get(`${server.url}/to-private`))).toBe('refused');
  });

  it('times out and refuses oversized bodies', async () => {
    const f = createFetcher({ ...policy, allowPrivateNetworks: 'loopback' });
    expect(await kind(f.get(`${server.url}/slow`))).toBe('timeout');
    expect(await kind(f.get(`${server.url}/big`))).toBe('too_large');
    expect((await f.get(`${server.url}/fine`)).body.toString()).toBe('ok');
  });

  it('reads Retry-After as seconds or a date, and X-RateLimit-Reset as a date', () => {
    const now = Date.parse('2026-08-01T13:00:00Z');
    expect(retryAfterMs({ 'retry-after': '120' }, now)).toBe(120_000);
    expect(retryAfterMs({ 'retry-after': 'Sat, 01 Aug 2026 13:01:00 GMT' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'x-ratelimit-reset': '2026-08-01T13:05:00.070144Z' }, now)).toBe(300_070);
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});
