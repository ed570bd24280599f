import { describe, expect, it } from 'vitest';
import { parseChannelPage, parseViews } from '../../workers/ingest/sources/telegram-web.parser.js';
import { renderChannelPage } from '../support/fake-tme.js';
import { projectFixture } from '../support/fixtures.js';

describe('t.me/s page parser', () => {
  it.each([
    ['826K', 826_000],
    ['6.51M', 6_510_000],
    ['1,234', 1234],
    ['748', 748],
    ['lots', null],
  ])('reads the view count %s', (raw, expected) => {
    expect(parseViews(raw)).toBe(expected);
  });

  it('keeps line breaks and emoji, and cuts each post out byte-exact', () => {
    const html = renderChannelPage(
      'east_watch',
      [{ id: 7, text: '🔥 £100 tonight\nsecond line & more', author: 'Admin', edited: true, views: '6.51M' }],
      5,
    );
    const page = parseChannelPage(html);
    expect(page.before).toBe(5);
    expect(page.posts).toHaveLength(1);
    const [post] = page.posts;
    expect(post).toMatchObject({
      channel: 'east_watch',
      id: 7,
      text: '🔥 £100 tonight\nsecond line & more',
      author: 'Admin',
      edited: true,
      views: 6_510_000,
      datetime: '2025-01-10T21:14:05+00:00',
    });
    expect(html).toContain(post!.html);
    expect(post!.html.startsWith('<div class="tgme_widget_message_wrap')).toBe(true);
  });

  it('reads photo wraps and video stills as image references for the media worker', () => {
    const html = renderChannelPage(
      'east_watch',
      [
        { id: 8, text: '', photos: ['https://cdn4.telesco.pe/file/a.jpg', 'https://cdn4.telesco.pe/file/b.jpg'] },
        { id: 9, text: 'clip', videoThumb: 'https://cdn4.telesco.pe/file/still.jpg' },
      ],
      null,
    );
    const [photos, video] = parseChannelPage(html).posts;
    expect(photos).toMatchObject({
      text: '',
      media: [
        { kind: 'photo', url: 'https://cdn4.telesco.pe/file/a.jpg' },
        { kind: 'photo', url: 'https://cdn4.telesco.pe/file/b.jpg' },
      ],
    });
    expect(video!.media).toEqual([{ kind: 'video_thumbnail', url: 'https://cdn4.telesco.pe/file/still.jpg' }]);
  });

  it('yields nothing, without throwing, for markup that is not a channel page', () => {
    expect(parseChannelPage('<html><body><p>hello</p></body></html>').posts).toEqual([]);
    expect(parseChannelPage('<div class="tgme_widget_message" data-post="x/notanumber">').posts).toEqual([]);
    expect(parseChannelPage('\u0000\u0001<<<>>>').posts).toEqual([]);
  });
});

describe("t.me/s parser on a page in t.me's own markup (test/fixtures/telegram-web)", () => {
  const html = projectFixture('telegram-web/tme_s_walthamside_notices.html').toString('utf8');
  const page = parseChannelPage(html);
  const post = (id: number) => page.posts.find((p) => p.id === id)!;

  it('reads every post, the id gap, the older-page link and the channel title', () => {
    expect(page.posts.map((p) => p.id)).toEqual([2140, 2141, 2143, 2145, 2146]);
    expect(page.before).toBe(2140);
    expect(page.channelTitle).toBe('Walthamside Notices');
    expect(page.posts.every((p) => p.channel === 'walthamside_notices' && !p.service)).toBe(true);
  });

  it('reads text with emoji, entities and line breaks, abbreviated views, dates, signatures and edits', () => {
    expect(post(2140)).toMatchObject({
      text: '🚮 Bin collection moves to Thursday this week because of the bank holiday.\n\nGarden waste goes out with it & the blue boxes too. Thanks to everyone who helped at the litter pick!',
      views: 1200,
      author: 'Nia Okoro',
      datetime: '2026-03-02T08:15:00+00:00',
      edited: false,
    });
    expect(post(2141)).toMatchObject({
      text: expect.stringMatching(/Details on the council page\.$/),
      views: 987,
      edited: true,
      datetime: '2026-03-02T12:40:31+00:00',
    });
    expect(post(2143).views).toBe(2310);
    expect(post(2146)).toMatchObject({
      text: '£100 to whoever sprays the mosque on Ashgrove Road E10 tonight 🔥\nsend pic to @quickcash_e10 for payment',
      views: 3050,
      author: null,
      datetime: '2026-03-04T22:47:09+00:00',
    });
    expect(page.posts.filter((p) => p.edited).map((p) => p.id)).toEqual([2141]);
  });

  it("reads an album's photos, a forwarded post, and re-indented text without its indentation", () => {
    expect(post(2143).media).toEqual([
      {
        kind: 'photo',
        url: 'https://cdn4.telesco.pe/file/walthamside-fete-1.jpg',
        fileName: 'https://t.me/walthamside_notices/2143?single',
      },
      {
        kind: 'photo',
        url: 'https://cdn4.telesco.pe/file/walthamside-fete-2.jpg',
        fileName: 'https://t.me/walthamside_notices/2144?single',
      },
    ]);
    expect(post(2143).text).toBe(
      'Spring fete on the green, Saturday 11–4. Cake stall, tombola and the school choir at 2pm 🎉',
    );
    expect(post(2145)).toMatchObject({
      forwardedFrom: 'Leyfield Allotments Society',
      author: null,
      views: 604,
      media: [{ kind: 'photo', url: 'https://cdn4.telesco.pe/file/leyfield-seed-swap.jpg' }],
    });
    expect(post(2145).text).toBe('Seed swap this Sunday at the allotment hut. Bring spares, take what you need.');
    expect(page.posts.filter((p) => p.forwardedFrom).map((p) => p.id)).toEqual([2145]);
  });

  it('cuts each post out byte-exact, one whole message wrap each', () => {
    let from = 0;
    for (const p of page.posts) {
      const at = html.indexOf(p.html, from);
      expect(at, `post ${p.id}`).toBeGreaterThanOrEqual(from);
      expect(p.html.startsWith('<div class="tgme_widget_message_wrap js-widget_message_wrap">')).toBe(true);
      expect(p.html.endsWith('</div></div>')).toBe(true);
      expect(p.html.match(/data-post="/g)).toEqual(['data-post="']);
      expect(p.html).toContain(`data-post="walthamside_notices/${p.id}"`);
      from = at + p.html.length;
    }
  });
});
