import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findSource,
  recordSourceError,
  saveCursor,
  upsertSource,
} from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('source repository', () => {
  let testDb: TestDb;
  let sourceId: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    sourceId = (await upsertSource(testDb.db, 'src-a', 'file', { kind: 'file', path: '/tmp/a.jsonl' }, 'config')).id;
  });
  afterAll(() => testDb?.drop());

  it('saves a successful read with its cursor and time, and clears the error and back-off', async () => {
    await recordSourceError(testDb.db, sourceId, 'HTTP 503', new Date(Date.now() + 60_000));
    const at = new Date('2026-11-30T09:00:00.000Z');
    await saveCursor(testDb.db, sourceId, { line: 12 }, at);
    expect(await findSource(testDb.db, sourceId)).toMatchObject({
      cursor: { line: 12 },
      last_polled_at: at,
      last_success_at: at,
      last_error: null,
      last_error_at: null,
      consecutive_failures: 0,
      backoff_until: null,
    });

    const before = Date.now();
    await saveCursor(testDb.db, sourceId, { line: 13 });
    expect((await findSource(testDb.db, sourceId))!.last_success_at!.getTime()).toBeGreaterThanOrEqual(before - 1);
  });
});
