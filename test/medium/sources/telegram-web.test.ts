import { afterEach, describe, expect, it } from 'vitest';
import { tmeChannel, type FakeTmePost } from '../../support/fake-tme.js';
import { send, startFakeServer } from '../../support/fake-server.js';
import { projectFixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';
import { listSeen } from '../../../shared/repositories/post-seen.repository.js';
import { listQuarantined } from '../../../shared/repositories/quarantine.repository.js';

describe('telegram-web source against a fake t.me', () => {
  const { h, server: tme } = useIngestHarness(() => startFakeServer(() => undefined));
  let posts: FakeTmePost[];

  afterEach(() => {
    tme.requests.length = 0;
  });

  const serveChannel = (channel: string) => {
    const pages = tmeChannel(channel, () => posts, 20);
    tme.setRoute((_req, res, url) => {
      const { status, body } = pages(url);
      send(res, status, body, { 'content-type': 'text/html; charset=utf-8' });
    });
  };
  const seen = (id: number) => listSeen(h.db, id);

  it('backfills on first sight through older pages, then takes only new posts, closing gaps', async () => {
    posts = Array.from({ length: 45 }, (_, i) => ({ id: 100 + i, text: `ordinary post number ${i}` }));
    serveChannel('east_watch');
    const id = await h.addSource('tme-east', {
      kind: 'telegram-web',
      channel: 'east_watch',
      baseUrl: tme.url,
      backfill: 30,
    });

    const first = await h.poll(id);
    expect(first).toMatchObject({ read: 30, enqueued: 30 });
    expect(tme.requests.map((r) => r.url)).toEqual(['/s/east_watch', '/s/east_watch?before=125']);
    expect((await h.source(id)).cursor).toEqual({ lastId: 144 });

    // 25 new posts: more than one page, so the poll walks back to the cursor.
    posts.push(...Array.from({ length: 25 }, (_, i) => ({ id: 145 + i, text: `newer post ${i}` })));
    tme.requests.length = 0;
    const second = await h.poll(id);
    expect(second).toMatchObject({ enqueued: 25 });
    expect(tme.requests.map((r) => r.url)).toEqual(['/s/east_watch', '/s/east_watch?before=150']);
    const enqueued = (await h.enqueued()).map((p) => Number(p.externalId));
    expect(new Set(enqueued).size).toBe(55);
    expect(Math.max(...enqueued)).toBe(169);

    expect(await h.poll(id)).toMatchObject({ enqueued: 0 });

    // A restarted worker resumes from the stored cursor: no gap, no duplicate.
    h.restart();
    posts.push({ id: 170, text: 'after the restart' });
    tme.requests.length = 0;
    expect(await h.poll(id)).toMatchObject({ enqueued: 1 });
    expect(tme.requests.map((r) => r.url)).toEqual(['/s/east_watch']);
    expect(
      (await h.enqueued())
        .filter((p) => p.channel === 'east_watch')
        .map((p) => p.externalId)
        .at(-1),
    ).toBe('170');
  });

  it('keeps an edit as a new version beside the old one, and marks a deletion without erasing', async () => {
    posts = [
      { id: 1, text: 'hello neighbours' },
      { id: 2, text: '£100 to anyone who sprays the mosque in E10, pics to the admin' },
      { id: 3, text: 'bins are late' },
    ];
    serveChannel('edits_chan');
    const id = await h.addSource('tme-edits', {
      kind: 'telegram-web',
      channel: 'edits_chan',
      baseUrl: tme.url,
      backfill: 10,
    });
    await h.poll(id);

    posts[1] = { id: 2, text: '£200 to anyone who sprays the mosque in E10, pics to the admin', edited: true };
    posts.splice(2, 1);
    const result = await h.poll(id);
    expect(result).toMatchObject({ enqueued: 1, edits: 1, deleted: 1 });
    expect(tme.requests.map((r) => r.url)).toContain('/edits_chan/3?embed=1&mode=tme');

    const versions = (await h.enqueued()).filter((p) => p.channel === 'edits_chan' && p.externalId === '2');
    expect(versions.map((p) => [p.version, p.text.slice(0, 4)])).toEqual([
      [1, '£100'],
      [2, '£200'],
    ]);
    expect(versions[0]!.key).not.toBe(versions[1]!.key);
    const rows = await seen(id);
    expect(rows.map((r) => [r.external_id, r.version, r.deleted_at !== null])).toEqual([
      ['1', 1, false],
      ['2', 2, false],
      ['3', 1, true],
    ]);
  });

  it('marks the source unhealthy when the channel has no public preview (302), and the job fails', async () => {
    tme.setRoute((_req, res) => send(res, 302, '', { location: 'https://t.me/private_chan' }));
    const id = await h.addSource('tme-private', { kind: 'telegram-web', channel: 'private_chan', baseUrl: tme.url });
    await expect(h.poll(id)).rejects.toThrow(/has no public preview/);
    const source = await h.source(id);
    expect(source.last_error).toMatch(/no public preview/);
    expect(source.consecutive_failures).toBe(1);
    expect(source.backoff_until!.getTime()).toBeGreaterThan(Date.now());
    expect(await h.poll(id)).toMatchObject({ skipped: expect.stringMatching(/^backing off until/) });
  });

  it('honours a 429 with Retry-After: polls pause until then, without failing the job', async () => {
    tme.setRoute((_req, res) => send(res, 429, 'slow down', { 'retry-after': '120' }));
    const id = await h.addSource('tme-busy', { kind: 'telegram-web', channel: 'busy_chan', baseUrl: tme.url });
    expect(await h.poll(id)).toMatchObject({ rateLimited: true });
    const source = await h.source(id);
    const wait = source.backoff_until!.getTime() - Date.now();
    expect(wait).toBeGreaterThan(110_000);
    expect(wait).toBeLessThanOrEqual(120_000);
    expect(source.last_error).toMatch(/429/);
  });

  it('quarantines a page that is not UTF-8 and keeps going', async () => {
    tme.setRoute((_req, res) =>
      send(res, 200, Buffer.from([0x3c, 0x68, 0xff, 0xfe, 0x3e]), { 'content-type': 'text/html' }),
    );
    const id = await h.addSource('tme-binary', { kind: 'telegram-web', channel: 'binary_chan', baseUrl: tme.url });
    expect(await h.poll(id)).toMatchObject({ quarantined: 1, enqueued: 0 });
    const [q] = await listQuarantined(h.db, { sourceId: id });
    if (!q) throw new Error('nothing quarantined');
    expect(q.reason).toMatch(/not valid UTF-8/);
    expect([...q.raw]).toEqual([0x3c, 0x68, 0xff, 0xfe, 0x3e]);
  });

  it("ingests a page in t.me's own markup byte-exact, with its capture metadata", async () => {
    const page = projectFixture('telegram-web/tme_s_walthamside_notices.html');
    tme.setRoute((_req, res, url) =>
      url.pathname === '/s/walthamside_notices' && !url.search
        ? send(res, 200, page, { 'content-type': 'text/html; charset=utf-8', etag: 'W/"w2146"' })
        : send(res, 404, 'nope'),
    );
    const id = await h.addSource('tme-walthamside', {
      kind: 'telegram-web',
      channel: 'walthamside_notices',
      baseUrl: tme.url,
      backfill: 5,
    });
    expect(await h.poll(id)).toMatchObject({ read: 5, enqueued: 5, quarantined: 0 });
    expect(tme.requests.map((r) => r.url)).toEqual(['/s/walthamside_notices']);
    const posts = (await h.enqueued()).filter((x) => x.channel === 'walthamside_notices');
    expect(posts.map((x) => x.externalId)).toEqual(['2140', '2141', '2143', '2145', '2146']);
    for (const x of posts) expect(page.includes(Buffer.from(x.raw.base64, 'base64'))).toBe(true);
    const offer = posts.find((x) => x.externalId === '2146')!;
    expect(offer).toMatchObject({
      url: `${tme.url}/walthamside_notices/2146`,
      text: '£100 to whoever sprays the mosque on Ashgrove Road E10 tonight 🔥\nsend pic to @quickcash_e10 for payment',
    });
    expect(Buffer.from(offer.raw.base64, 'base64').toString()).toMatch(
      /^<div class="tgme_widget_message_wrap[^]*data-post="walthamside_notices\/2146"[^]*<\/div><\/div>$/,
    );
    expect(offer.capture).toMatchObject({
      url: `${tme.url}/s/walthamside_notices`,
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', etag: 'W/"w2146"' },
      response: { size: page.length },
    });
    expect((await seen(id)).map((r) => r.external_id)).toEqual(['2140', '2141', '2143', '2145', '2146']);
  });
});
