import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { capturePost, sha256Hex, type MediaRef } from '../../shared/domain/post.js';
import { directoryStore, type MediaStore } from '../../shared/media/media-store.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { listPostMedia } from '../../shared/repositories/media.repository.js';
import { upsertSource } from '../../shared/repositories/source.repository.js';
import type { mediaHandlers } from '../../workers/media/media.worker.js';
import { createImageReadPool, type ImageReadPool } from '../../workers/media/image-read-pool.js';
import { testMediaHandlers } from '../support/media-handlers.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { startFakeBotApi } from '../support/fake-bot-api.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { testLog } from '../support/log.js';
import { OFFER_POSTER, poster, reencode } from '../support/posters.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';

const TOKEN = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678';

describe('media capture from the Bot API (getFile), Mastodon and feeds', () => {
  let testDb: TestDb;
  let redis: Redis;
  let queues: Queues;
  let reader: ImageReadPool;
  let store: MediaStore;
  let bot: Awaited<ReturnType<typeof startFakeBotApi>>;
  let cdn: FakeServer;
  let handlers: ReturnType<typeof mediaHandlers>;
  let offerJpeg: Buffer;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, testLog);
    bot = await startFakeBotApi(TOKEN);
    offerJpeg = await reencode(await poster(OFFER_POSTER), 85, 1280);
    cdn = await startFakeServer((_req, res, url) =>
      url.pathname === '/media_attachments/files/poster.jpeg'
        ? send(res, 200, offerJpeg, { 'content-type': 'image/jpeg' })
        : send(res, 404, 'not found'),
    );
    await upsertSource(
      testDb.db,
      'duty-bot',
      'telegram-bot',
      { kind: 'telegram-bot', botToken: TOKEN, apiRoot: bot.apiRoot, chats: [], longPoll: 0, pollInterval: 1000 },
      'config',
    );
    reader = createImageReadPool({ size: 1, timeoutMs: 30_000 });
    store = directoryStore(tempDir());
    handlers = testMediaHandlers({ db: testDb.db, queues, store: store, reader, maxBytes: 5 * 1024 * 1024 });
  }, 60_000);

  afterAll(async () => {
    await reader?.close();
    await bot?.close();
    await cdn?.close();
    await queues?.close();
    await dropPrefix(prefix);
    redis?.disconnect();
    await testDb?.drop();
  });

  const post = (source: string, platform: string, id: string, media: MediaRef[]) =>
    capturePost(
      { source, platform, channel: 'chan', externalId: id, text: '', media },
      Buffer.from(id),
      'application/json',
      {
        url: 'http://127.0.0.1/',
        fetchedAt: new Date().toISOString(),
        fetcher: source === 'duty-bot' ? 'vigil/test telegraf' : 'test',
      },
    );
  const alertJob = async (key: string) =>
    (await queues.byName[QueueName.Alert].getJob(`alert-media-${key}`))?.data as
      { items: { verdict: { flagged: boolean }; media: { sha256: string; capture: { url: string } }[] }[] } | undefined;

  it('fetches a Bot API photo by file id with getFile, and never records the token', async () => {
    bot.addFile('AgACAgQAAxkBAAIBQ2Z-photo', 'photos/file_7.jpg', offerJpeg);
    const p = post('duty-bot', 'telegram', '501', [{ kind: 'photo', fileName: 'AgACAgQAAxkBAAIBQ2Z-photo' }]);
    expect(
      await handlers['media.read']({ post: p, verdict: classify(''), meta: jobMeta() }, {} as never),
    ).toMatchObject({ images: 1, flagged: true, byImage: true });
    const job = await alertJob(p.key);
    expect(job?.items[0]?.verdict.flagged).toBe(true);
    expect(job?.items[0]?.media[0]).toMatchObject({
      sha256: sha256Hex(offerJpeg),
      capture: { url: `${bot.apiRoot}/file/bot<token>/photos/file_7.jpg` },
    });
    const [row] = await listPostMedia(testDb.db, [p.key]);
    if (!row) throw new Error('no image recorded for the post');
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect((await store.get(row.sha256))?.equals(offerJpeg)).toBe(true);
  });

  it('skips a file id getFile refuses, logging no token, and reads Mastodon and feed image URLs', async () => {
    const missing = post('duty-bot', 'telegram', '502', [{ kind: 'photo', fileName: 'no-such-file' }]);
    expect(
      await handlers['media.read']({ post: missing, verdict: classify(''), meta: jobMeta() }, {} as never),
    ).toEqual({ images: 0, flagged: false });
    for (const [kind, id] of [
      ['image', 'm-1'],
      ['enclosure', 'r-1'],
    ] as const) {
      const p = post('elsewhere', kind === 'image' ? 'mastodon' : 'rss', id, [
        {
          kind,
          url: `${cdn.url}/media_attachments/files/poster.jpeg`,
          ...(kind === 'enclosure' ? { mimeType: 'image/jpeg' } : {}),
        },
      ]);
      expect(
        await handlers['media.read']({ post: p, verdict: classify(''), meta: jobMeta() }, {} as never),
        kind,
      ).toMatchObject({ images: 1, flagged: true });
    }
    // A Telegram Desktop export names files it does not carry: nothing to fetch, no getFile asked.
    const exported = {
      ...post('export', 'telegram', 'e-1', [{ kind: 'photo', fileName: 'photos/photo_1@10-01-2025_21-14-05.jpg' }]),
      capture: { url: 'file:///x', fetchedAt: new Date().toISOString(), fetcher: 'vigil/test' },
    };
    const getFiles = bot.calls.filter((c) => c.method === 'getFile').length;
    expect(
      await handlers['media.read']({ post: exported, verdict: classify(''), meta: jobMeta() }, {} as never),
    ).toEqual({ images: 0, flagged: false });
    expect(bot.calls.filter((c) => c.method === 'getFile').length).toBe(getFiles);
    // A feed's audio enclosure is no image: nothing is fetched.
    const before = cdn.requests.length;
    const audio = post('elsewhere', 'rss', 'r-2', [
      { kind: 'enclosure', url: `${cdn.url}/episode.mp3`, mimeType: 'audio/mpeg' },
    ]);
    expect(await handlers['media.read']({ post: audio, verdict: classify(''), meta: jobMeta() }, {} as never)).toEqual({
      images: 0,
      flagged: false,
    });
    expect(cdn.requests.length).toBe(before);
  });
});
