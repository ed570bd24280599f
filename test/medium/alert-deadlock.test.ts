import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../shared/db/client.js';
import { insertOutbox } from '../../shared/repositories/alert.repository.js';
import { assignCampaigns } from '../../shared/repositories/campaign.repository.js';
import { countChannels } from '../../shared/repositories/post.repository.js';
import { countReviewItems, insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { makeItem, makePost } from '../support/factories.js';

const PARALLEL = 8;
const CHANNELS = 24;

/**
 * Alert batches over the same channels, half of them naming the channels in the opposite order, run in
 * parallel transactions as the alert worker's does: none may fail with a deadlock.
 */
describe('concurrent alert batches over shared channels', () => {
  let testDb: TestDb;
  let db: Db;
  beforeAll(async () => {
    testDb = await createTestDb();
    db = createDb(testDb.url, PARALLEL);
  });
  afterAll(async () => {
    await db?.destroy();
    await testDb?.drop();
  });

  /** One batch: a post in each channel, in ascending or descending channel order. */
  const batch = (round: number, n: number) => {
    const channels = Array.from({ length: CHANNELS }, (_, c) => `chan_${String(c).padStart(2, '0')}`);
    if (n % 2) channels.reverse();
    return channels.map((channel, c) =>
      makeItem(makePost(`r${round}-b${n}-p${c}`, `£${100 + c} for the windows, round ${round} batch ${n}`, channel)),
    );
  };

  /** What the alert handler does in its transaction. */
  const sut = (items: ReturnType<typeof batch>) =>
    db.transaction().execute(async (trx) => {
      const created = await insertFlagged(trx, items);
      const byKey = new Map(items.map((i) => [i.post.key, i]));
      await assignCampaigns(
        trx,
        created.map((c) => ({ reviewItemId: c.reviewItemId, input: byKey.get(c.postKey)! })),
      );
      return insertOutbox(
        trx,
        created.map((c) => ({ reviewItemId: c.reviewItemId, channel: 'webhook' })),
      );
    });

  it(`${PARALLEL} parallel transactions in opposite channel orders all commit, round after round`, async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(Array.from({ length: PARALLEL }, (_, n) => sut(batch(round, n))));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
    }
    expect(await countReviewItems(db)).toBe(5 * PARALLEL * CHANNELS);
    expect(await countChannels(db)).toBe(CHANNELS);
  }, 60_000);

  it('returns created items in the batch order, whatever order they were written in', async () => {
    const items = batch(9, 1);
    const created = await db.transaction().execute((trx) => insertFlagged(trx, items));
    expect(created.map((c) => c.postKey)).toEqual(items.map((i) => i.post.key));
  });
});
