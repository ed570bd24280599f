import { describe, expect, it } from 'vitest';
import { parseChannelPage } from '../../workers/ingest/sources/telegram-web.parser.js';
import { fixture } from '../support/fixtures.js';

describe('t.me/s parser on real captured pages (../shared/fixtures/telegram-web)', () => {
  it('reads the durov page: 20 posts, the id gap, the older-page link, emoji, abbreviated views, edits and signatures', () => {
    const html = fixture('telegram-web/tme_s_durov_2026-08_sherlock-telegram.html').toString('utf8');
    const page = parseChannelPage(html);
    const ids = page.posts.map((p) => p.id);
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe(519);
    expect(ids).not.toContain(530);
    expect(page.before).toBe(519);
    expect(page.channelTitle).toBe('Pavel Durov');
    const p520 = page.posts.find((p) => p.id === 520)!;
    expect(p520.text.startsWith('🎭 WhatsApp encryption is a giant fraud.\n\n🇺🇸 The state of Texas just sued')).toBe(
      true,
    );
    expect(p520.views).toBe(11_400_000);
    expect(p520.author).toBe('Pavel Durov');
    expect(p520.datetime).toBe('2026-05-23T13:26:07+00:00');
    expect(page.posts.some((p) => p.edited)).toBe(true);
    for (const p of page.posts) expect(html).toContain(p.html);
  });

  it('reads forwarded posts, albums and re-indented markup (topwar)', () => {
    const page = parseChannelPage(fixture('telegram-web/tme_s_topwar_official_2023-02_any2feed.html').toString('utf8'));
    expect(page.posts).toHaveLength(12);
    expect(page.posts.filter((p) => p.forwardedFrom).length).toBe(5);
    expect(page.posts.some((p) => p.media.length > 1)).toBe(true);
    expect(page.posts[0]!.text).not.toMatch(/\n\s{4,}/);
  });

  it('survives a nested text block in an anonymised capture', () => {
    const page = parseChannelPage(
      fixture('telegram-web/tme_s_test_channel_anonymized_lifemodel.html').toString('utf8'),
    );
    expect(page.posts.map((p) => p.id)).toEqual([1001, 1003, 1010]);
    expect(page.posts.find((p) => p.id === 1010)!.forwardedFrom).toBe('Another Channel');
  });

  it('reads the video stills of a real page (durov)', () => {
    const page = parseChannelPage(fixture('telegram-web/tme_s_durov_2026-08_sherlock-telegram.html').toString('utf8'));
    const stills = page.posts.flatMap((p) => p.media.filter((m) => m.kind === 'video_thumbnail'));
    expect(stills.length).toBeGreaterThan(0);
    for (const s of stills) expect(s.url).toMatch(/^https:\/\/cdn\d\.telesco\.pe\/file\//);
  });
});
