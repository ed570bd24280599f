import { describe, expect, it } from 'vitest';
import { send, startFakeServer } from '../../support/fake-server.js';
import { fixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';

describe('mastodon source on real recorded timelines', () => {
  const { h, server: instance } = useIngestHarness(() => startFakeServer(() => undefined));

  it('reads real timeline responses recorded from Mastodon 4.6', async () => {
    const hoot = fixture('mastodon/timelines_tag_hoot.body.json');
    const pub = fixture('mastodon/timelines_public_anonymous.body.json');
    instance.setRoute((_req, res, url) =>
      send(res, 200, url.pathname.endsWith('/tag/hoot') ? hoot : pub, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': '299',
        'x-ratelimit-reset': '2026-08-01T14:00:00.070144Z',
      }),
    );
    const tag = await h.addSource('masto-real-tag', { kind: 'mastodon', instance: instance.url, hashtag: 'hoot' });
    const pubId = await h.addSource('masto-real-public', { kind: 'mastodon', instance: instance.url });
    expect(await h.poll(tag)).toMatchObject({ read: 1, quarantined: 0 });
    expect(await h.poll(pubId)).toMatchObject({ read: 8, quarantined: 0 });
    const post = (await h.enqueued()).find((p) => p.externalId === '117020593741189701')!;
    expect(post.text).toBe('#hoot (hashtag toot)');
    expect(post.capture.headers).toMatchObject({ 'x-ratelimit-limit': '300' });
  });
});
