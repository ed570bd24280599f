import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAlert, findAlerts, insertOutbox, markSent } from '../../../shared/repositories/alert.repository.js';
import { insertFlagged } from '../../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { makeItem, makePost } from '../../support/factories.js';

describe('alert repository: reading the outbox', () => {
  let testDb: TestDb;
  let a: number;
  let b: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    const created = await insertFlagged(testDb.db, [
      makeItem(makePost({ externalId: 'a-1', text: 'the first offer' })),
      makeItem(makePost({ externalId: 'a-2', text: 'the second offer' })),
    ]);
    a = created[0]!.reviewItemId;
    b = created[1]!.reviewItemId;
    const rows = await testDb.db.transaction().execute((trx) =>
      insertOutbox(trx, [
        { reviewItemId: a, channel: 'webhook' },
        { reviewItemId: a, channel: 'email', tier: 1 },
        { reviewItemId: b, channel: 'webhook' },
      ]),
    );
    await markSent(testDb.db, rows[0]!.id, {});
  });
  afterAll(() => testDb?.drop());

  it('lists every row oldest first, or those every filter given matches', async () => {
    const all = await findAlerts(testDb.db);
    expect(all.map((r) => [r.review_item_id, r.channel, r.tier, r.status])).toEqual([
      [a, 'webhook', 0, 'sent'],
      [a, 'email', 1, 'pending'],
      [b, 'webhook', 0, 'pending'],
    ]);
    const ids = (f: Parameters<typeof findAlerts>[1]) => findAlerts(testDb.db, f).then((r) => r.map((x) => x.id));
    expect(await ids({ reviewItemId: a })).toEqual([all[0]!.id, all[1]!.id]);
    expect(await ids({ externalId: 'a-2' })).toEqual([all[2]!.id]);
    expect(await ids({ status: 'pending', reviewItemId: a })).toEqual([all[1]!.id]);
    expect(await ids({ minTier: 1 })).toEqual([all[1]!.id]);
    expect(await ids({ idempotencyKeys: [all[2]!.idempotency_key, 'vigil-alert-unknown'] })).toEqual([all[2]!.id]);
    expect(await ids({ idempotencyKeys: [] })).toEqual([]);
    expect(await ids({ externalId: 'a-3' })).toEqual([]);
  });

  it('finds one row by id, and nothing for an id never used', async () => {
    const [first] = await findAlerts(testDb.db);
    expect(await findAlert(testDb.db, first!.id)).toEqual(first);
    expect(await findAlert(testDb.db, 999_999)).toBeUndefined();
  });
});
