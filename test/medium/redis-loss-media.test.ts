import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { postKey } from '../../shared/domain/post.js';
import { listInflight } from '../../shared/repositories/ingest-inflight.repository.js';
import { listPostMedia } from '../../shared/repositories/media.repository.js';
import { listItems } from '../../shared/repositories/review-item.repository.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { tmeChannel } from '../support/fake-tme.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { testLog } from '../support/log.js';
import { testConfig } from '../support/runtime-test.js';
import { OFFER_POSTER, poster } from '../support/posters.js';
import { dropPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

describe('Redis loses a post while only its images are left to read', () => {
  let h: IngestHarness;
  let tme: FakeServer;
  let runtime: Runtime | undefined;
  let sourceId: number;

  beforeAll(async () => {
    h = await ingestHarness();
    const image = await poster(OFFER_POSTER);
    tme = await startFakeServer(() => undefined);
    tme.setRoute((_req, res, url) => {
      if (url.pathname === '/file/poster.png') return send(res, 200, image, { 'content-type': 'image/png' });
      const { status, body } = tmeChannel('walls', () => [
        { id: 7, text: 'Details in the picture, first come first served', photos: [`${tme.url}/file/poster.png`] },
      ])(url);
      send(res, status, body, { 'content-type': 'text/html; charset=utf-8' });
    });
    sourceId = await h.addSource('walls', { kind: 'telegram-web', channel: 'walls', baseUrl: tme.url, backfill: 10 });
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await tme?.close();
    await h?.close();
  });

  const start = (kinds: ('classify' | 'media' | 'alert')[]) => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'demo: false',
        'ingest: { allowPrivateNetworks: loopback }',
        `media: { storeDir: "${join(dir, 'media')}" }`,
      ].join('\n'),
    );
    const config = testConfig(h.url, h.prefix, dir);
    return startRuntime(config, testLog, kinds, { listen: false });
  };
  const inflight = async () =>
    (await listInflight(h.db, sourceId)).map(({ media_post_keys, redis_generation }) => ({
      media_post_keys,
      redis_generation,
    }));
  /** A review item whose post has an image read, as its post's key and the image's hash. */
  const itemWithImage = async () => {
    for (const { post } of await listItems(h.db, { limit: 100, offset: 0 })) {
      const key = postKey(post.platform, post.channel, post.externalId, post.version);
      const [media] = await listPostMedia(h.db, [key]);
      if (media) return { post_key: key, sha256: media.sha256 };
    }
    return undefined;
  };
  const alertsPending = async () =>
    Object.values(await runtime!.queues.byName.alert.getJobCounts('waiting', 'active', 'prioritized')).reduce(
      (a, b) => a + b,
      0,
    );
  const mediaWaiting = async () =>
    Object.values(await runtime!.queues.byName.media.getJobCounts('waiting', 'prioritized')).reduce((a, b) => a + b, 0);

  it('keeps the read in flight until the image is read, and reads the post again after the loss', async () => {
    expect(await h.poll(sourceId, 'walls')).toMatchObject({ read: 1, enqueued: 1 });
    const [key] = (await h.enqueued()).map((p) => p.key);
    expect(await inflight()).toEqual([{ media_post_keys: [key], redis_generation: expect.any(String) }]);

    // Classified and its image queued, with no media worker yet (the caption alone is not an offer).
    runtime = await start(['classify', 'alert']);
    await waitFor(
      async () => (await mediaWaiting()) === 1 && (await alertsPending()) === 0,
      'the post to wait only for its image to be read',
      30_000,
    );
    // The next poll must not forget the read: its post is still only in Redis, in the media queue.
    expect(await h.poll(sourceId, 'walls')).toMatchObject({ enqueued: 0 });
    expect(await inflight()).toHaveLength(1);
    await runtime.close();
    runtime = undefined;

    await dropPrefix(h.prefix);
    expect(await h.poll(sourceId, 'walls')).toMatchObject({ read: 1, enqueued: 1 });

    runtime = await start(['classify', 'media', 'alert']);
    const item = await waitFor(itemWithImage, 'the poster, read from its image, as a review item', 60_000);
    expect(item.post_key).toBe(key);
    // Once the image is read and its alert done, the read is forgotten.
    await waitFor(
      async () => (await h.poll(sourceId, 'walls'), (await inflight()).length === 0),
      'the read to settle',
      30_000,
    );
  }, 120_000);
});
