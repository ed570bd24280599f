import { describe, expect, it } from 'vitest';
import { send, startFakeServer } from '../../support/fake-server.js';
import { fixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';

describe('telegram-web source on a real captured t.me page', () => {
  const { h, server: tme } = useIngestHarness(() => startFakeServer(() => undefined));

  it('ingests a real captured page byte-exact, with its capture metadata', async () => {
    const page = fixture('telegram-web/tme_s_durov_2026-08_sherlock-telegram.html');
    tme.setRoute((_req, res, url) =>
      url.pathname === '/s/durov' && !url.search
        ? send(res, 200, page, { 'content-type': 'text/html; charset=utf-8', etag: 'W/"abc"' })
        : send(res, 404, 'nope'),
    );
    const id = await h.addSource('tme-durov', {
      kind: 'telegram-web',
      channel: 'durov',
      baseUrl: tme.url,
      backfill: 20,
    });
    expect(await h.poll(id)).toMatchObject({ read: 20, enqueued: 20, quarantined: 0 });
    const p = (await h.enqueued()).find((x) => x.channel === 'durov' && x.externalId === '520')!;
    const raw = Buffer.from(p.raw.base64, 'base64');
    expect(page.includes(raw)).toBe(true);
    expect(p.url).toBe(`${tme.url}/durov/520`);
    expect(p.capture).toMatchObject({
      url: `${tme.url}/s/durov`,
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', etag: 'W/"abc"' },
      response: { size: page.length },
    });
  });
});
