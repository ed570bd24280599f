import { describe, expect, it } from 'vitest';
import { cleanLink } from '../../../workers/ingest/sources/rss.source.js';
import { send, startFakeServer } from '../../support/fake-server.js';
import { projectFixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';
import { listQuarantined } from '../../../shared/repositories/quarantine.repository.js';

const feed = (items: { guid: string; title: string; link: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local news</title><link>https://news.example</link>${items
    .map(
      (i) =>
        `<item><title><![CDATA[${i.title}]]></title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>Fri, 24 Nov 2023 10:00:00 GMT</pubDate><description>&lt;p&gt;${i.title}&lt;/p&gt;</description></item>`,
    )
    .join('')}</channel></rss>`;

describe('rss source against a fake feed host', () => {
  const { h, server: host } = useIngestHarness(() => startFakeServer(() => undefined));

  it('strips tracking parameters from links', () => {
    expect(cleanLink('https://www.bbc.co.uk/news/uk-1?at_medium=RSS&at_campaign=KARANGA&id=3#top')).toBe(
      'https://www.bbc.co.uk/news/uk-1?id=3',
    );
    expect(cleanLink('https://www.heise.de/developer/meldung/x-3088438.html?wt_mc=rss.developer.beitrag.atom')).toBe(
      'https://www.heise.de/developer/meldung/x-3088438.html',
    );
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

    items = [
      ...items,
      { guid: 'a-2', title: '£100 to anyone who sprays the mosque in E10', link: 'https://news.example/2' },
    ];
    expect(await h.poll(id)).toMatchObject({ read: 2, enqueued: 1 });
    const posts = (await h.enqueued()).filter((p) => p.platform === 'rss');
    expect(posts.map((p) => p.externalId)).toEqual(['a-1', 'a-2']);
    expect(posts[0]!.url).toBe('https://news.example/1');
    expect(Buffer.from(posts[1]!.raw.base64, 'base64').toString()).toMatch(/^<item><title><!\[CDATA\[£100 to anyone/);
    expect(posts[1]!.text).toBe(
      '£100 to anyone who sprays the mosque in E10\n£100 to anyone who sprays the mosque in E10',
    );
  });

  it('quarantines a feed that is not well-formed XML', async () => {
    host.setRoute((_req, res) =>
      send(res, 200, '<rss><channel><item><title>broken</channel>', { 'content-type': 'application/rss+xml' }),
    );
    const id = await h.addSource('rss-broken', { kind: 'rss', url: `${host.url}/broken.xml` });
    expect(await h.poll(id)).toMatchObject({ quarantined: 1, enqueued: 0 });
    const [q] = await listQuarantined(h.db, { sourceId: id });
    if (!q) throw new Error('nothing quarantined');
    expect(q.reason).toMatch(/not well-formed XML/);
  });

  it('refuses a response over the size limit as a failure of the source', async () => {
    host.setRoute((_req, res) => send(res, 200, `<rss>${'x'.repeat(3 * 1024 * 1024)}</rss>`));
    const id = await h.addSource('rss-huge', { kind: 'rss', url: `${host.url}/huge.xml` });
    await expect(h.poll(id)).rejects.toThrow(/over the 2097152-byte limit|more than 2097152 bytes/);
    expect((await h.source(id)).last_error).toMatch(/2097152/);
    const [q] = await listQuarantined(h.db, { sourceId: id });
    if (!q) throw new Error('nothing quarantined');
    expect(q.raw.subarray(0, 5).toString()).toBe('<rss>');
    expect(q.context).toEqual({ truncated: true });
  });

  it('reads an RSS 2.0 feed with dc:creator and content:encoded, and an Atom feed with alternate links (test/fixtures/rss)', async () => {
    const feeds: Record<string, Buffer> = {
      '/gazette.rss': projectFixture('rss/leyfield_gazette.rss.xml'),
      '/notices.atom': projectFixture('rss/walthamside_council.atom.xml'),
    };
    host.setRoute((_req, res, url) =>
      send(res, 200, feeds[url.pathname]!, {
        'content-type': url.pathname.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml; charset=utf-8',
      }),
    );
    const gazette = await h.addSource('rss-gazette', { kind: 'rss', url: `${host.url}/gazette.rss` });
    const council = await h.addSource('rss-council', { kind: 'rss', url: `${host.url}/notices.atom` });
    expect(await h.poll(gazette)).toMatchObject({ read: 3, enqueued: 3, quarantined: 0 });
    expect(await h.poll(council)).toMatchObject({ read: 2, enqueued: 2, quarantined: 0 });
    const posts = await h.enqueued();

    const items = posts.filter((p) => p.source === 'rss-gazette');
    expect(items.map((p) => [p.externalId, p.url, p.author, p.publishedAt])).toEqual([
      [
        'gazette-2026-0311',
        'https://gazette.example/news/library-reopens',
        'Hannah Brooks',
        '2026-03-05T09:12:00.000Z',
      ],
      [
        'gazette-2026-0312',
        'https://gazette.example/news/mosque-threat-appeal',
        'Samir Haddad',
        '2026-03-05T16:40:00.000Z',
      ],
      [
        'gazette-2026-0313',
        'https://gazette.example/news/spring-fete-total',
        'Hannah Brooks',
        '2026-03-05T18:05:00.000Z',
      ],
    ]);
    expect(items[0]!.text).toBe(
      'Library reopens after roof repairs\nThe branch library on Elmcroft Avenue reopens on Monday after six weeks of roof repairs.',
    );
    expect(items[2]!.text).toBe(
      'Spring fete raises £2,400 for the school roof\nCake stall, tombola & choir: a record year.',
    );
    expect(items[0]!.channelTitle).toBe('Leyfield Gazette');
    for (const p of items) {
      const raw = Buffer.from(p.raw.base64, 'base64');
      expect(feeds['/gazette.rss']!.includes(raw)).toBe(true);
      expect(raw.toString()).toMatch(
        new RegExp(`^<item>[^]*<guid isPermaLink="false">${p.externalId}</guid>[^]*</item>$`),
      );
      expect(p.raw.contentType).toBe('application/rss+xml; fragment=item');
    }

    const entries = posts.filter((p) => p.source === 'rss-council');
    expect(entries.map((p) => [p.externalId, p.url, p.publishedAt])).toEqual([
      [
        'tag:council.example,2026:notice-5521',
        'https://council.example/notices/elmcroft-resurfacing',
        '2026-03-02T10:00:00.000Z',
      ],
      [
        'tag:council.example,2026:notice-5519',
        'https://council.example/notices/leyfield-crossing',
        '2026-03-01T09:00:00.000Z',
      ],
    ]);
    expect(entries[0]!.author).toBe('Highways Team');
    // No author of its own: the feed's applies (RFC 4287 4.2.1).
    expect(entries[1]!.author).toBe('Walthamside Council');
    expect(entries[0]!.text).toBe(
      'Elmcroft Avenue resurfacing: bus diversions\nRoute 158 is diverted via the high street until Friday 6 March.',
    );
    expect(entries[0]!.channelTitle).toBe('Walthamside Council: latest notices');
    for (const p of entries) {
      expect(feeds['/notices.atom']!.includes(Buffer.from(p.raw.base64, 'base64'))).toBe(true);
      expect(p.raw.contentType).toBe('application/atom+xml; fragment=entry');
    }
  });
});
