import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { capturePost, type CapturedPost } from '../../shared/domain/post.js';
import { directoryStore } from '../../shared/media/media-store.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { listQuarantined } from '../../shared/repositories/quarantine.repository.js';
import type { mediaHandlers } from '../../workers/media/media.worker.js';
import { createImageReadPool, type ImageReadPool } from '../../workers/media/image-read-pool.js';
import { mutations, pngBomb, SVG_POSTER } from '../support/bad-images.js';
import { testMediaHandlers } from '../support/media-handlers.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { OFFER_POSTER, poster } from '../support/posters.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';

describe('bad images are quarantined with a reason and never fail the media worker', () => {
  let testDb: TestDb;
  let redis: Redis;
  let queues: Queues;
  let cdn: FakeServer;
  let reader: ImageReadPool;
  let handlers: ReturnType<typeof mediaHandlers>;
  const prefix = testPrefix();
  const files = new Map<string, { body: Buffer; type: string }>();
  const MAX_BYTES = 512 * 1024;

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
    cdn = await startFakeServer((_req, res, url) => {
      const f = files.get(url.pathname);
      if (!f) return send(res, 404, 'not found');
      send(res, 200, f.body, { 'content-type': f.type });
    });
    reader = createImageReadPool({ size: 1, timeoutMs: 30_000 });
    handlers = testMediaHandlers({
      db: testDb.db,
      queues,
      store: directoryStore(tempDir()),
      reader,
      maxBytes: MAX_BYTES,
    });
  }, 60_000);

  afterAll(async () => {
    await reader?.close();
    await cdn?.close();
    await queues?.close();
    await dropPrefix(prefix);
    redis?.disconnect();
    await testDb?.drop();
  });

  let n = 0;
  const postWith = (paths: string[]): CapturedPost => {
    n += 1;
    return capturePost(
      {
        source: 'fuzz',
        platform: 'telegram',
        channel: 'fuzz_chan',
        externalId: String(n),
        text: '',
        media: paths.map((p) => ({ kind: 'photo', url: `${cdn.url}${p}` })),
      },
      Buffer.from(`post ${n}`),
      'text/plain',
      { url: `${cdn.url}/s/fuzz_chan`, fetchedAt: new Date().toISOString(), fetcher: 'test' },
    );
  };
  const read = (post: CapturedPost) =>
    handlers['media.read']({ post, verdict: classify(post.text), meta: jobMeta() }, {} as never);
  /** The media stage's records whose reason starts with the image's URL (`<url>: <why>`). */
  const quarantined = async (url: string) =>
    (await listQuarantined(testDb.db, { stage: 'media' })).filter((q) => q.reason.startsWith(`${cdn.url}${url}:`));

  it('names the reason for each kind of bad image', async () => {
    const jpeg = await sharp(await poster(OFFER_POSTER))
      .jpeg({ quality: 80 })
      .toBuffer();
    const png = await poster({ lines: ['hello'] });
    const cases: [string, Buffer, string, RegExp][] = [
      [
        '/bomb.png',
        pngBomb(100_000, 100_000),
        'image/png',
        /^decompression bomb: 100000×100000 is 10000000000 pixels, over the 40000000-pixel limit$/,
      ],
      [
        '/truncated.jpg',
        jpeg.subarray(0, Math.floor(jpeg.length / 2)),
        'image/jpeg',
        /^(undecodable|malformed) image\/jpeg: /,
      ],
      [
        '/truncated.png',
        png.subarray(0, Math.floor(png.length * 0.6)),
        'image/png',
        /^(undecodable|malformed) image\/png: /,
      ],
      [
        '/garbage.jpg',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 0x41)]),
        'image/jpeg',
        /^(undecodable|malformed) image\/jpeg: /,
      ],
      ['/poster.svg', SVG_POSTER, 'image/svg+xml', /^wrong type: SVG \(markup, never read or served as an image\)$/],
      [
        '/svg-as.png',
        Buffer.concat([SVG_POSTER, Buffer.from('<!-- served as PNG -->')]),
        'image/png',
        /^wrong type: SVG/,
      ],
      [
        '/page.png',
        Buffer.from('<!doctype html><html><body>hi</body></html>'),
        'text/html',
        /^wrong type: served as "text\/html", not an image$/,
      ],
      ['/empty.png', Buffer.alloc(0), 'image/png', /^wrong type: empty$/],
      ['/huge.jpg', Buffer.concat([jpeg, Buffer.alloc(MAX_BYTES)]), 'image/jpeg', /^too large: /],
      [
        '/video.mp4',
        Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(100)]),
        'image/jpeg',
        /^wrong type: an MP4\/HEIF container$/,
      ],
    ];
    for (const [path, body, type] of cases) files.set(path, { body, type });
    const result = await read(postWith(cases.map(([path]) => path)));
    expect(result).toEqual({ images: 0, flagged: false });
    for (const [path, , , reason] of cases) {
      const rows = await quarantined(path);
      expect(rows, path).toHaveLength(1);
      expect(rows[0]!.reason.slice(`${cdn.url}${path}: `.length), path).toMatch(reason);
      expect(rows[0]!.context, path).toMatchObject({ url: `${cdn.url}${path}`, channel: 'fuzz_chan' });
    }
    // A retried job adds no second record.
    await read(postWith(cases.map(([path]) => path)));
    for (const [path] of cases) expect(await quarantined(path), path).toHaveLength(1);
  }, 60_000);

  it('survives a few hundred mutated JPEGs, PNGs and WebPs: each is read or quarantined, none throws', async () => {
    const base = await poster({ lines: ['fuzz'], width: 320, height: 180 });
    const kinds = [
      await sharp(base).jpeg().toBuffer(),
      base,
      await sharp(base).webp().toBuffer(),
      await sharp(base).gif().toBuffer(),
    ];
    const paths: string[] = [];
    kinds.forEach((valid, k) => {
      mutations(valid, 60, k + 7).forEach((body, i) => {
        const path = `/fuzz/${k}-${i}`;
        files.set(path, { body, type: 'image/jpeg' });
        paths.push(path);
      });
    });
    let read_ = 0;
    for (let i = 0; i < paths.length; i += 10) {
      const result = (await read(postWith(paths.slice(i, i + 10)))) as { images: number };
      read_ += result.images;
    }
    const rows = (await listQuarantined(testDb.db, { stage: 'media' })).filter((q) =>
      q.reason.startsWith(`${cdn.url}/fuzz/`),
    );
    // Every mutation is accounted for: read as an image, or quarantined (identical mutants share one record).
    expect(read_ + rows.length).toBeLessThanOrEqual(paths.length);
    expect(rows.length).toBeGreaterThan(paths.length / 4);
    for (const r of rows) expect(r.reason).toMatch(/: (wrong type|malformed|undecodable|decompression bomb)/);
  }, 300_000);
});
