import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanLink } from '../../../workers/ingest/sources/rss.source.js';
import { send, startFakeServer, type FakeServer } from '../../support/fake-server.js';
import { fixture, hasFixtures } from '../../support/fixtures.js';
import { ingestHarness, type IngestHarness } from '../../support/ingest-harness.js';

const feed = (items: { guid: string; title: string; link: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local news</title><link>https://news.example</link>${items
    .map((i) => `<item><title><![CDATA[${i.title}]]></title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>Fri, 24 Nov 2023 10:00:00 GMT</pubDate><description>&lt;p&gt;${i.title}&lt;/p&gt;</description></item>`)
    .join('')}</channel></rss>`;

describe('rss source against a fake feed host', () => {
  let h: IngestHarness;
  let host: FakeServer;
  beforeAll(async () => {
    h = await ingestHarness();
    host = await startFakeServer(() => undefined);
  });
  afterAll(async () => {
    await host?.close();
    await h?.close();
  });

  it('strips tracking parameters from links', () => {
    expect(cleanLink('https://www.bbc.co.uk/news/uk-1?at_medium=RSS&at_campaign=KARANGA&id=3#top')).toBe('https://www.bbc.co.uk/news/uk-1?id=3');
  });

  it('dedupes by guid, sends conditional GETs and takes a 304 as "nothing new"', async () => {
    let items = [{ guid: 'a-1', title: 'Council meeting tonight', link: 'https://news.example/1?utm_source=rss' }];
    host.setRoute((req, res) => {
      if (req.headers['if-none-match'] === `"v${items.length}"`) return send(res, 304, '');
      send(res, 200, feed(items), { 'content-type': 'application/rss+xml', etag: `"v${items.length}"` });
    });
    const id = await h.addSource('rss-local', { kind: 'rss', url: `${host.url}/feed.xml` });
    expect(await h.poll(id)).toMatchObject({ read: 1, enqueued: 1 });
    expect(await h.poll(id)).toMatchObject({ read: 0, enqueued: 0 });
    expect(host.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');

    items = [...items, { guid: 'a-2', title: '£100 to anyone who sprays the mosque in E10', link: 'https://news.example/2' }];
    expect(await h.poll(id)).toMatchObject({ read: 2, enqueued: 1 });
    const posts = (await h.enqueued()).filter((p) => p.platform === 'rss');
    expect(posts.map((p) => p.externalId)).toEqual(['a-1', 'a-2']);
    expect(posts[0]!.url).toBe('https://news.example/1');
    expect(Buffer.from(posts[1]!.raw.base64, 'base64').toString()).toMatch(/^<item><title><!\[CDATA\[£100 to anyone/);
    expect(posts[1]!.text).toBe('£100 to anyone who sprays the mosque in E10\n£100 to anyone who sprays the mosque in E10');
  });

  it('quarantines a feed that is not well-formed XML', async () => {
    host.setRoute((_req, res) => send(res, 200, '<rss><channel><item><title>broken</channel>', { 'content-type': 'application/rss+xml' }));
    const id = await h.addSource('rss-broken', { kind: 'rss', url: `${host.url}/broken.xml` });
    expect(await h.poll(id)).toMatchObject({ quarantined: 1, enqueued: 0 });
    const q = await h.db.selectFrom('quarantine').select('reason').where('source_id', '=', id).executeTakeFirstOrThrow();
    expect(q.reason).toMatch(/not well-formed XML/);
  });

  it('refuses a response over the size limit as a failure of the source', async () => {
    host.setRoute((_req, res) => send(res, 200, `<rss>${'x'.repeat(3 * 1024 * 1024)}</rss>`));
    const id = await h.addSource('rss-huge', { kind: 'rss', url: `${host.url}/huge.xml` });
    await expect(h.poll(id)).rejects.toThrow(/over the 2097152-byte limit|more than 2097152 bytes/);
    expect((await h.source(id)).last_error).toMatch(/2097152/);
    const q = await h.db.selectFrom('quarantine').selectAll().where('source_id', '=', id).executeTakeFirstOrThrow();
    expect(q.raw.subarray(0, 5).toString()).toBe('<rss>');
    expect(q.context).toEqual({ truncated: true });
  });

  it.skipIf(!hasFixtures)('reads real RSS 2.0 and Atom feeds (BBC, Guardian, heise)', async () => {
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
