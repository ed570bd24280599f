import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSeen, markDeleted, recordSeen } from '../../../shared/repositories/post-seen.repository.js';
import { upsertSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('post-seen repository', () => {
  let testDb: TestDb;
  let sourceId: number;
  let otherId: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    sourceId = (await upsertSource(testDb.db, 'seen-a', 'file', { kind: 'file', path: '/tmp/a.jsonl' }, 'config')).id;
    otherId = (await upsertSource(testDb.db, 'seen-b', 'file', { kind: 'file', path: '/tmp/b.jsonl' }, 'config')).id;
  });
  afterAll(() => testDb?.drop());

  it("lists a source's seen posts by external id, deleted ones included", async () => {
    const seen = (externalId: string, version = 1) => ({
      externalId,
      version,
      textSha256: externalId.padStart(64, '0'),
    });
    await recordSeen(testDb.db, sourceId, [seen('b'), seen('a', 2), seen('c')]);
    await recordSeen(testDb.db, otherId, [seen('a')]);
    await markDeleted(testDb.db, sourceId, ['c']);

    const rows = await listSeen(testDb.db, sourceId);
    expect(rows.map((r) => [r.external_id, r.version, r.text_sha256, r.deleted_at !== null])).toEqual([
      ['a', 2, 'a'.padStart(64, '0'), false],
      ['b', 1, 'b'.padStart(64, '0'), false],
      ['c', 1, 'c'.padStart(64, '0'), true],
    ]);
    expect((await listSeen(testDb.db, otherId)).map((r) => r.external_id)).toEqual(['a']);
  });
});
