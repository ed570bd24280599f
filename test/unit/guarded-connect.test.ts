import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddressRefused,
  guardedDispatcher,
  guardedLookup,
  guardedNodeAgents,
} from '../../workers/ingest/guarded-connect.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';

/** The connection-level checks on their own: what stands behind every request, whatever checked the URL before. */
describe('guarded connections', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer((_req, res) => send(res, 200, 'reached'));
  });
  afterAll(() => server?.close());
  const port = () => new URL(server.url).port;

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]'])('the undici dispatcher refuses a connection to %s', async (host) => {
    server.requests.length = 0;
    const err = await fetch(`http://${host}:${port()}/`, { dispatcher: guardedDispatcher(false) }).then(
      () => undefined,
      (e: Error) => e.cause,
    );
    expect(err).toBeInstanceOf(AddressRefused);
    expect(server.requests).toEqual([]);
    expect(await (await fetch(`${server.url}/`, { dispatcher: guardedDispatcher('loopback') })).text()).toBe('reached');
  });

  it('the node:http agents refuse a literal at connect and a name at lookup', async () => {
    server.requests.length = 0;
    const get = (url: string, agent: http.Agent) =>
      new Promise<unknown>((resolve) =>
        http.get(url, { agent }, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', resolve),
      );
    const agentFor = guardedNodeAgents(false, async () => [{ address: '10.0.0.1', family: 4 }]);
    expect(await get(`${server.url}/`, agentFor(server.url))).toBeInstanceOf(AddressRefused);
    expect(await get(`http://localhost:${port()}/`, agentFor(server.url))).toBeInstanceOf(AddressRefused);
    expect(server.requests).toEqual([]);
    expect(await get(`${server.url}/`, guardedNodeAgents('loopback')(server.url))).toBe(200);
  });

  it('hands the connection exactly the checked answers, by family, one address or all', async () => {
    const answers: LookupAddress[] = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    const lookup = guardedLookup(false, async () => answers);
    const call = (options: Parameters<typeof lookup>[1]) =>
      new Promise((resolve) =>
        lookup('example.org', options, (err, address, family) => resolve(err ?? [address, family])),
      );
    expect(await call({ all: true })).toEqual([answers, undefined]);
    expect(await call({ family: 6 })).toEqual(['2606:2800:220:1::1', 6]);
    expect(await call({})).toEqual(['93.184.216.34', 4]);
  });
});
