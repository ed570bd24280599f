import { describe, expect, it } from 'vitest';
import { send, startFakeServer } from '../../support/fake-server.js';
import { fixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';

describe('rss source on real captured feeds', () => {
  const { h, server: host } = useIngestHarness(() => startFakeServer(() => undefined));

  it('reads real RSS 2.0 and Atom feeds (BBC, Guardian, heise)', async () => {
    const feeds: Record<string, Buffer> = {
      '/bbc.xml': fixture('rss/bbc_news_frontpage_2023-11.rss.xml'),
      '/guardian.xml': fixture('rss/guardian_us_2018-01.rss.xml'),
      '/heise.atom': fixture('rss/heise_developer_2016-02.atom.xml'),
    };
    host.setRoute((_req, res, url) => send(res, 200, feeds[url.pathname]!, { 'content-type': 'application/xml' }));
    const bbc = await h.addSource('rss-bbc', { kind: 'rss', url: `${host.url}/bbc.xml` });
    const guardian = await h.addSource('rss-guardian', { kind: 'rss', url: `${host.url}/guardian.xml` });
    const heise = await h.addSource('rss-heise', { kind: 'rss', url: `${host.url}/heise.atom` });
    expect(await h.poll(bbc)).toMatchObject({ read: 16, quarantined: 0 });
    expect(await h.poll(guardian)).toMatchObject({ read: 55, quarantined: 0 });
    expect(await h.poll(heise)).toMatchObject({ read: 15, quarantined: 0 });
    const posts = await h.enqueued();
    const bbcPosts = posts.filter((p) => p.source === 'rss-bbc');
    expect(bbcPosts.every((p) => p.url && !p.url.includes('at_medium'))).toBe(true);
    expect(bbcPosts.every((p) => feeds['/bbc.xml']!.includes(Buffer.from(p.raw.base64, 'base64')))).toBe(true);
    const heisePost = posts.find((p) => p.source === 'rss-heise')!;
    expect(heisePost.publishedAt).toMatch(/^2016-0[12]-\d\dT/);
    expect(heisePost.raw.contentType).toMatch(/atom/);
  });
});
