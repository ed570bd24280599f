import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, retryAfterMs, type Resolve } from '../../workers/ingest/http-fetcher.js';
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

  const kind = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof FetchError ? e.kind : String(e)),
    );

  it.each(['file:///etc/passwd', 'ftp://example.org/x', 'gopher://example.org'])('refuses %s', async (url) => {
    expect(await kind(createFetcher({ ...policy, allowPrivateNetworks: 'loopback' }).get(url))).toBe('refused');
  });

  it.each([
    'http://127.0.0.1:9/',
    'http://10.1.2.3/',
    'http://192.168.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/',
    'http://localhost/',
  ])('refuses the private address %s unless allowed', async (url) => {
    expect(await kind(createFetcher({ ...policy, allowPrivateNetworks: false }).get(url))).toBe('refused');
  });

  it('checks every redirect hop again, before connecting', async () => {
    const loopbackOnly = createFetcher({ ...policy, allowPrivateNetworks: 'loopback' });
    expect(await kind(loopbackOnly.get(`${server.url}/fine`))).toBe('ok');
    expect(await kind(loopbackOnly.get(`${server.url}/to-private`))).toBe('refused');
  });

  it.each([
    '[::127.0.0.1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[64:ff9b::127.0.0.1]',
    '[2002:7f00:1::]',
    '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  ])('refuses %s, an IPv6 form of a private IPv4 address, before connecting', async (host) => {
    expect(
      await kind(
        createFetcher({ ...policy, allowPrivateNetworks: false }).get(`http://${host}:${new URL(server.url).port}/`),
      ),
    ).toBe('refused');
  });

  it('times out and refuses oversized bodies', async () => {
    const f = createFetcher({ ...policy, allowPrivateNetworks: 'loopback' });
    expect(await kind(f.get(`${server.url}/slow`))).toBe('timeout');
    expect(await kind(f.get(`${server.url}/big`))).toBe('too_large');
    expect((await f.get(`${server.url}/fine`)).body.toString()).toBe('ok');
  });

  it('sends credential headers only to their origin, on every redirect hop', async () => {
    const other = await startFakeServer((_req, res) => send(res, 200, 'elsewhere'));
    try {
      server.setRoute((_req, res, url) => {
        if (url.pathname === '/hop') return send(res, 302, '', { location: '/away' });
        if (url.pathname === '/away') return send(res, 302, '', { location: `${other.url}/landing` });
        send(res, 200, 'ok');
      });
      server.requests.length = 0;
      const f = createFetcher({ ...policy, allowPrivateNetworks: 'loopback' });
      const res = await f.get(`${server.url}/hop`, {
        headers: { accept: 'text/plain' },
        credentials: { origin: server.url, headers: { authorization: 'Bearer s3cret' } },
      });
      expect(res.body.toString()).toBe('elsewhere');
      expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
        ['/hop', 'Bearer s3cret'],
        ['/away', 'Bearer s3cret'],
      ]);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
      expect(other.requests[0]!.headers.accept).toBe('text/plain');
    } finally {
      await other.close();
    }
  });

  it('reads Retry-After as seconds or a date, and X-RateLimit-Reset as a date', () => {
    const now = Date.parse('2026-08-01T13:00:00Z');
    expect(retryAfterMs({ 'retry-after': '120' }, now)).toBe(120_000);
    expect(retryAfterMs({ 'retry-after': 'Sat, 01 Aug 2026 13:01:00 GMT' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'x-ratelimit-reset': '2026-08-01T13:05:00.070144Z' }, now)).toBe(300_070);
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});

/**
 * The DNS seam answers for `localhost`, a name the system resolves to loopback too: a fetcher that
 * bypassed the seam would still never leave the machine.
 */
describe('fetcher DNS pinning', () => {
  const stub = (...answers: string[][]) => {
    const calls: string[] = [];
    const resolve: Resolve = async (hostname) => {
      calls.push(hostname);
      const answer = answers[Math.min(calls.length, answers.length) - 1]!;
      return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { calls, resolve };
  };

  it('resolves once, checks, and connects to the checked address, keeping the host name for Host', async () => {
    const checked = await startFakeServer((_req, res) => send(res, 200, 'checked'));
    const port = Number(new URL(checked.url).port);
    // The rebinding target: the same port on another address, which a second lookup would hand out.
    const rebound: string[] = [];
    const other = createServer((req, res) => {
      rebound.push(req.url ?? '');
      res.end('rebound');
    });
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.2', resolve));
    try {
      const dns = stub(['127.0.0.1'], ['127.0.0.2']);
      const f = createFetcher({ ...policy, allowPrivateNetworks: 'loopback', resolve: dns.resolve });
      const res = await f.get(`http://localhost:${port}/feed`);
      expect(res.body.toString()).toBe('checked');
      expect(dns.calls).toEqual(['localhost']);
      expect(checked.requests[0]!.headers.host).toBe(`localhost:${port}`);
      expect(rebound).toEqual([]);
    } finally {
      await checked.close();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses a name if any of its addresses is private, before connecting', async () => {
    const target = await startFakeServer((_req, res) => send(res, 200, 'reached'));
    try {
      const dns = stub(['93.184.216.34', '127.0.0.1']);
      const f = createFetcher({ ...policy, allowPrivateNetworks: false, resolve: dns.resolve });
      const err = await f.get(`http://localhost:${new URL(target.url).port}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as FetchError).kind).toBe('refused');
      expect((err as FetchError).message).toMatch(/127\.0\.0\.1 \(loopback\)/);
      expect(dns.calls).toEqual(['localhost']);
      expect(target.requests).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
