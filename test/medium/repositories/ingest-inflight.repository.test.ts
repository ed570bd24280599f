import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteInflight,
  listInflight,
  recordInflight,
  rewindSource,
} from '../../../shared/repositories/ingest-inflight.repository.js';
import { findSource, saveCursor, upsertSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('ingest-inflight repository', () => {
  let testDb: TestDb;
  let sourceId: number;
  let otherId: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    sourceId = (await upsertSource(testDb.db, 'inflight-a', 'file', { kind: 'file', path: '/tmp/a.jsonl' }, 'config'))
      .id;
    otherId = (await upsertSource(testDb.db, 'inflight-b', 'file', { kind: 'file', path: '/tmp/b.jsonl' }, 'config'))
      .id;
  });
  afterAll(() => testDb?.drop());

  it("lists a source's reads in flight oldest first, with the cursor each started from, and deletes them by id", async () => {
    await recordInflight(testDb.db, {
      sourceId,
      cursorBefore: null,
      jobIds: ['posts-1'],
      mediaPostKeys: [],
      redisGeneration: 'g1',
    });
    await recordInflight(testDb.db, {
      sourceId,
      cursorBefore: { offset: 10 },
      jobIds: ['posts-2', 'posts-3'],
      mediaPostKeys: ['telegram:c:7:1'],
      redisGeneration: 'g1',
    });
    await recordInflight(testDb.db, {
      sourceId: otherId,
      cursorBefore: { offset: 99 },
      jobIds: ['posts-9'],
      mediaPostKeys: [],
      redisGeneration: 'g2',
    });

    const sut = await listInflight(testDb.db, sourceId);
    expect(
      sut.map((r) => ({
        cursor: r.cursor_before,
        jobs: r.job_ids,
        media: r.media_post_keys,
        generation: r.redis_generation,
      })),
    ).toEqual([
      { cursor: null, jobs: ['posts-1'], media: [], generation: 'g1' },
      { cursor: { offset: 10 }, jobs: ['posts-2', 'posts-3'], media: ['telegram:c:7:1'], generation: 'g1' },
    ]);

    await deleteInflight(testDb.db, [sut[0]!.id]);
    await deleteInflight(testDb.db, []);
    expect((await listInflight(testDb.db, sourceId)).map((r) => r.job_ids)).toEqual([['posts-2', 'posts-3']]);
    expect(await listInflight(testDb.db, otherId)).toHaveLength(1);
  });

  it("rewinds the cursor and forgets the source's reads in flight together, leaving other sources alone", async () => {
    await saveCursor(testDb.db, sourceId, { offset: 50 });
    await recordInflight(testDb.db, {
      sourceId,
      cursorBefore: { offset: 20 },
      jobIds: ['posts-4'],
      mediaPostKeys: [],
      redisGeneration: 'g1',
    });

    await rewindSource(testDb.db, sourceId, { offset: 10 });

    expect((await findSource(testDb.db, sourceId))!.cursor).toEqual({ offset: 10 });
    expect(await listInflight(testDb.db, sourceId)).toEqual([]);
    expect(await listInflight(testDb.db, otherId)).toHaveLength(1);
  });
});
