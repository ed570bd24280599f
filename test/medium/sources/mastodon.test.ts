import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startFakeServer, type FakeServer } from '../../support/fake-server.js';
import { projectFixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';
import { saveCursor } from '../../../shared/repositories/source.repository.js';

/** A status in the shape Mastodon 4.x serves (see test/fixtures/mastodon). */
const status = (id: number, html: string, extra: Record<string, unknown> = {}) => ({
  id: (117020593741189000n + BigInt(id)).toString(),
  created_at: new Date(Date.UTC(2026, 7, 1, 13, 0, id)).toISOString(),
  in_reply_to_id: null,
  sensitive: false,
  spoiler_text: '',
  visibility: 'public',
  language: 'en',
  uri: `https://social.example/users/watcher/statuses/${id}`,
  url: `https://social.example/@watcher/${id}`,
  edited_at: null,
  content: html,
  reblog: null,
  account: { id: '1', username: 'watcher', acct: 'watcher@other.example', display_name: '' },
  media_attachments: [],
  tags: [{ name: 'hoot', url: 'https://social.example/tags/hoot' }],
  ...extra,
});

describe('mastodon source against a fake instance', () => {
  const { h, server: instance } = useIngestHarness(() => startFakeServer(() => undefined));
  let statuses: ReturnType<typeof status>[];
  let remaining: number;

  /** min_id semantics: the page immediately newer than min_id, newest first, with Link next/prev. */
  const serveTimeline = () =>
    instance.setRoute((_req, res, url) => {
      if (url.pathname !== '/api/v1/timelines/tag/hoot') return send(res, 404, '{"error":"Record not found"}');
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const minId = url.searchParams.get('min_id');
      const sorted = [...statuses].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const page = minId ? sorted.filter((s) => BigInt(s.id) > BigInt(minId)).slice(0, limit) : sorted.slice(-limit);
      page.reverse();
      const base = `${instance.url}/api/v1/timelines/tag/hoot?limit=${limit}`;
      const link = page.length
        ? `<${base}&max_id=${page.at(-1)!.id}>; rel="next", <${base}&min_id=${page[0]!.id}>; rel="prev"`
        : '';
      remaining -= 1;
      send(res, 200, JSON.stringify(page), {
        'content-type': 'application/json; charset=utf-8',
        ...(link ? { link } : {}),
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': String(Math.max(0, remaining)),
        'x-ratelimit-reset': new Date(Date.now() + 90_000).toISOString(),
      });
    });

  it('takes the newest page first, then follows min_id and Link rel="prev" forward, never skipping', async () => {
    statuses = Array.from({ length: 5 }, (_, i) => status(i, `<p>morning post ${i}</p>`));
    remaining = 300;
    serveTimeline();
    const id = await h.addSource('masto-hoot', { kind: 'mastodon', instance: instance.url, hashtag: 'hoot' });
    expect(await h.poll(id)).toMatchObject({ read: 5, enqueued: 5 });
    expect((await h.source(id)).cursor).toEqual({ minId: statuses[4]!.id });

    statuses.push(
      ...Array.from({ length: 45 }, (_, i) => status(100 + i, `<p>later post ${i}<br>with a second line</p>`)),
    );
    instance.requests.length = 0;
    expect(await h.poll(id)).toMatchObject({ read: 45, enqueued: 45 });
    expect(instance.requests.map((r) => new URL(r.url, instance.url).searchParams.get('min_id'))).toEqual([
      statuses[4]!.id,
      statuses[44]!.id,
    ]);
    const posts = (await h.enqueued()).filter((p) => p.platform === 'mastodon');
    expect(posts).toHaveLength(50);
    expect(posts.at(-1)!.text).toBe('later post 44\nwith a second line');
    expect(posts.at(-1)!.author).toBe('watcher@other.example');
    expect((await h.source(id)).cursor).toEqual({ minId: statuses.at(-1)!.id });
  });

  it('pauses when the rate-limit budget runs out, until the reset time', async () => {
    statuses = Array.from({ length: 90 }, (_, i) => status(1000 + i, `<p>busy ${i}</p>`));
    remaining = 1;
    serveTimeline();
    const id = await h.addSource('masto-budget', { kind: 'mastodon', instance: instance.url, hashtag: 'hoot' });
    await saveCursor(h.db, id, { minId: statuses[0]!.id });
    expect(await h.poll(id)).toMatchObject({ rateLimited: true });
    const source = await h.source(id);
    expect(source.backoff_until!.getTime() - Date.now()).toBeGreaterThan(60_000);
    expect(source.last_error).toMatch(/X-RateLimit-Remaining: 0/);
  });

  it('honours a 429 and quarantines a malformed status while keeping the others', async () => {
    instance.setRoute((_req, res) =>
      send(res, 429, '{"error":"Too many requests"}', {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
      }),
    );
    const limited = await h.addSource('masto-429', { kind: 'mastodon', instance: instance.url, hashtag: 'hoot' });
    expect(await h.poll(limited)).toMatchObject({ rateLimited: true });
    expect((await h.source(limited)).backoff_until!.getTime() - Date.now()).toBeGreaterThan(250_000);

    instance.setRoute((_req, res) =>
      send(res, 200, JSON.stringify([status(7, '<p>fine</p>'), { id: 42, content: null }]), {
        'content-type': 'application/json',
      }),
    );
    const mixed = await h.addSource('masto-mixed', { kind: 'mastodon', instance: instance.url, hashtag: 'hoot' });
    expect(await h.poll(mixed)).toMatchObject({ read: 1, quarantined: 1 });
  });

  describe('the access token', () => {
    const TOKEN = 'masto-token-s3cret-0123456789';
    let other: FakeServer;
    beforeAll(async () => {
      other = await startFakeServer((_req, res) =>
        send(res, 200, JSON.stringify([status(9000, '<p>from elsewhere</p>')]), { 'content-type': 'application/json' }),
      );
    });
    afterAll(() => other?.close());

    it("goes only to the instance's origin: kept on same-origin redirect hops, dropped on the hop to another origin", async () => {
      instance.setRoute((_req, res, url) => {
        if (url.pathname === '/api/v1/timelines/tag/hoot')
          return send(res, 302, '', { location: `/moved${url.pathname}${url.search}` });
        send(res, 302, '', { location: `${other.url}/api/v1/timelines/tag/hoot` });
      });
      instance.requests.length = 0;
      other.requests.length = 0;
      const id = await h.addSource('masto-token-redirect', {
        kind: 'mastodon',
        instance: instance.url,
        hashtag: 'hoot',
        accessToken: TOKEN,
      });
      expect(await h.poll(id)).toMatchObject({ read: 1 });
      expect(instance.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
    });

    it('is never sent after a Link rel="prev" to another origin: the source fails with an error naming that origin', async () => {
      statuses = Array.from({ length: 41 }, (_, i) => status(2000 + i, `<p>full page ${i}</p>`));
      instance.setRoute((_req, res, url) =>
        send(res, 200, JSON.stringify(statuses.slice(1).reverse()), {
          'content-type': 'application/json',
          link: `<${other.url}/api/v1/timelines/tag/hoot?min_id=${statuses.at(-1)!.id}>; rel="prev", <${instance.url}${url.pathname}?max_id=${statuses[1]!.id}>; rel="next"`,
        }),
      );
      other.requests.length = 0;
      const id = await h.addSource('masto-token-prev', {
        kind: 'mastodon',
        instance: instance.url,
        hashtag: 'hoot',
        accessToken: TOKEN,
      });
      await saveCursor(h.db, id, { minId: statuses[0]!.id });
      await expect(h.poll(id)).rejects.toThrow(
        new RegExp(`rel="prev" to another origin \\(${other.url.replace(/\./g, '\\.')}\\)`),
      );
      expect(other.requests).toEqual([]);
      const source = await h.source(id);
      expect(source.last_error).toMatch(/another origin/);
      expect(source.last_error).not.toContain(TOKEN);
    });
  });

  it("reads a tag timeline in Mastodon 4.x's own shape: remote and local accounts, paragraphs, media, edits (test/fixtures/mastodon)", async () => {
    const body = projectFixture('mastodon/timelines_tag_leyfield.body.json');
    instance.setRoute((_req, res, url) =>
      url.pathname === '/api/v1/timelines/tag/leyfield'
        ? send(res, 200, body, {
            'content-type': 'application/json; charset=utf-8',
            'x-ratelimit-limit': '300',
            'x-ratelimit-remaining': '298',
            'x-ratelimit-reset': '2026-03-05T18:30:00.000000Z',
          })
        : send(res, 404, '{"error":"Record not found"}'),
    );
    const id = await h.addSource('masto-leyfield', { kind: 'mastodon', instance: instance.url, hashtag: 'leyfield' });
    expect(await h.poll(id)).toMatchObject({ read: 3, enqueued: 3, quarantined: 0 });
    expect((await h.source(id)).cursor).toEqual({ minId: '116188395117660001' });
    const posts = (await h.enqueued()).filter((p) => p.source === 'masto-leyfield');
    const byId = (externalId: string) => posts.find((p) => p.externalId === externalId)!;
    expect(posts.map((p) => p.externalId).sort()).toEqual([
      '116188101944020512',
      '116188341002317731',
      '116188395117660001',
    ]);
    expect(byId('116188395117660001')).toMatchObject({
      platform: 'mastodon',
      url: 'https://town.example/@leyfieldwatch/116188395117660001',
      author: 'leyfieldwatch@town.example',
      publishedAt: '2026-03-05T18:22:41.306Z',
      editedAt: null,
      text: '£100 to whoever sprays the mosque on Ashgrove Road E10, send pic #leyfield',
      media: [],
    });
    expect(byId('116188341002317731')).toMatchObject({
      author: 'mayaferris',
      channel: `${new URL(instance.url).host}/tags/leyfield`,
      editedAt: '2026-03-05T18:11:02.442Z',
      text: 'The bus shelter on Elmcroft Avenue got a fresh coat of paint this morning. Thanks to the eight volunteers!\nNext job: the noticeboard by the library. #leyfield #community',
      media: [
        {
          kind: 'image',
          url: 'https://files.social.example/media_attachments/files/116/188/341/002/317/730/original/7f3c1a9e2b.jpg',
        },
      ],
    });
    expect(byId('116188101944020512').text).toBe(
      "Reminder: repair café at St Anne's hall on Saturday, 10–1.\nBring kettles, lamps, bikes. #leyfield",
    );
    const statuses = JSON.parse(body.toString()) as { id: string }[];
    for (const p of posts)
      expect(JSON.parse(Buffer.from(p.raw.base64, 'base64').toString())).toEqual(
        statuses.find((st) => st.id === p.externalId),
      );
    expect(byId('116188101944020512').capture.headers).toMatchObject({ 'x-ratelimit-remaining': '298' });
  });
});
