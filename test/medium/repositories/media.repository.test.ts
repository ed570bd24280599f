import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaReading } from '../../../shared/domain/media.js';
import {
  deleteOrphanMedia,
  findItemMedia,
  insertPostMedia,
  keptImages,
  listItemMedia,
  listPostMedia,
  lockImages,
} from '../../../shared/repositories/media.repository.js';
import { insertFlagged } from '../../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { makeItem, makePost } from '../../support/factories.js';

const reading = (hex: string, overrides: Partial<MediaReading> = {}): MediaReading => ({
  sha256: hex.repeat(64),
  size: 1024,
  contentType: 'image/jpeg',
  width: 640,
  height: 480,
  phash: '0123456789abcdef',
  dhash: 'fedcba9876543210',
  ocrText: '',
  qr: null,
  kind: 'photo',
  capture: { url: `https://cdn.example/${hex}.jpg`, fetchedAt: '2026-11-30T09:00:00.000Z', status: 200, headers: {} },
  ...overrides,
});

describe('media repository', () => {
  let testDb: TestDb;
  let itemId: number;
  let postKey: string;
  beforeAll(async () => {
    testDb = await createTestDb();
    const item = makeItem(makePost({ externalId: 'm-1', text: 'photo of the offer' }));
    postKey = item.post.key;
    itemId = (await insertFlagged(testDb.db, [item]))[0]!.reviewItemId;
  });
  afterAll(() => testDb?.drop());

  it("records a post's images in its order, once however often the job runs, without NULs in the read text", async () => {
    const images = [
      reading('b', { ocrText: '£100\u0000 for the mosque', qr: 'https://pay.example/\u0000x' }),
      reading('a', { kind: 'video_thumbnail' }),
    ];
    await testDb.db.transaction().execute(async (trx) => {
      await lockImages(
        trx,
        images.map((i) => i.sha256),
      );
      await insertPostMedia(trx, postKey, images);
    });
    await insertPostMedia(testDb.db, postKey, images);
    await insertPostMedia(testDb.db, postKey, []);

    const rows = await listPostMedia(testDb.db, [postKey]);
    expect(rows.map((r) => [r.sha256[0], r.position, r.ocr_text, r.qr])).toEqual([
      ['b', 0, '£100 for the mosque', 'https://pay.example/x'],
      ['a', 1, '', null],
    ]);
    expect(await listPostMedia(testDb.db, [])).toEqual([]);
  });

  it("serves a review item's images to the desk, and only its own", async () => {
    expect((await listItemMedia(testDb.db, itemId)).map((m) => [m.sha256[0], m.kind, m.width])).toEqual([
      ['b', 'photo', 640],
      ['a', 'video_thumbnail', 640],
    ]);
    expect(await findItemMedia(testDb.db, itemId, 'a'.repeat(64))).toEqual({
      sha256: 'a'.repeat(64),
      content_type: 'image/jpeg',
      size: 1024,
    });
    expect(await findItemMedia(testDb.db, itemId, 'c'.repeat(64))).toBeUndefined();
    expect(await findItemMedia(testDb.db, itemId + 1, 'a'.repeat(64))).toBeUndefined();
  });

  it('tells which images a post keeps, and drops old rows whose post never arrived', async () => {
    await insertPostMedia(testDb.db, 'telegram:lost:1:v1', [reading('c'), reading('a')]);
    expect(await keptImages(testDb.db, ['a'.repeat(64), 'c'.repeat(64), 'd'.repeat(64)])).toEqual(
      new Set(['a'.repeat(64), 'c'.repeat(64)]),
    );
    expect(await keptImages(testDb.db, [])).toEqual(new Set());

    expect(await deleteOrphanMedia(testDb.db, new Date(Date.now() - 60_000))).toBe(0);
    await sql`update post_media set created_at = now() - interval '2 hours'`.execute(testDb.db);
    expect(await deleteOrphanMedia(testDb.db, new Date(Date.now() - 60_000))).toBe(2);

    expect(await keptImages(testDb.db, ['a'.repeat(64), 'c'.repeat(64)])).toEqual(new Set(['a'.repeat(64)]));
    expect(await listPostMedia(testDb.db, [postKey])).toHaveLength(2);
  });
});
