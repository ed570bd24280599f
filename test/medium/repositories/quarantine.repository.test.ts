import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuarantined, quarantine } from '../../../shared/repositories/quarantine.repository.js';
import { upsertSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('quarantine repository', () => {
  let testDb: TestDb;
  let sourceId: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    sourceId = (await upsertSource(testDb.db, 'q-feed', 'file', { kind: 'file', path: '/tmp/q.jsonl' }, 'config')).id;
  });
  afterAll(() => testDb?.drop());

  it('lists quarantined input oldest first with its raw bytes, by source and by stage', async () => {
    const entry = (stage: string, reason: string, source: number | null = sourceId) => ({
      sourceId: source,
      stage,
      reason,
      raw: Buffer.from(reason),
      context: { stage },
    });
    expect(
      await quarantine(testDb.db, [
        entry('read', 'line 1: bad'),
        entry('media', 'https://cdn.example/a.png: malformed'),
        entry('job:classify', 'invalid payload', null),
        entry('read', 'line 2: bad'),
      ]),
    ).toBe(4);

    expect((await listQuarantined(testDb.db)).map((q) => q.reason)).toEqual([
      'line 1: bad',
      'https://cdn.example/a.png: malformed',
      'invalid payload',
      'line 2: bad',
    ]);
    const read = await listQuarantined(testDb.db, { sourceId, stage: 'read' });
    expect(read.map((q) => [q.reason, q.raw.toString('utf8'), q.context])).toEqual([
      ['line 1: bad', 'line 1: bad', { stage: 'read' }],
      ['line 2: bad', 'line 2: bad', { stage: 'read' }],
    ]);
    expect((await listQuarantined(testDb.db, { sourceId })).map((q) => q.stage)).toEqual(['read', 'media', 'read']);
    expect((await listQuarantined(testDb.db, { stage: 'job:classify' })).map((q) => q.source_id)).toEqual([null]);
  });
});
