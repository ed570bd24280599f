import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertCountsByStatus,
  insertOutbox,
  listAlerts,
  markEscalated,
} from '../../shared/repositories/alert.repository.js';
import { custodyEntries, exportItemIds, loadEvidence } from '../../shared/repositories/evidence.repository.js';
import { insertNearMisses, listNearMisses } from '../../shared/repositories/near-miss.repository.js';
import { countPosts } from '../../shared/repositories/post.repository.js';
import { listQuarantined, quarantine } from '../../shared/repositories/quarantine.repository.js';
import { countReviewItems, insertFlagged, listItems } from '../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { nearMissVerdict } from '../support/verdicts.js';
import { makeItem, makePost } from '../support/factories.js';

/**
 * Each multi-row write, called with more rows than one statement can bind (65,535 parameters), writes
 * every row in the caller's transaction. The counts are the smallest that cross the limit by a margin.
 */
describe("multi-row writes past Postgres' parameter limit", () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(() => testDb?.drop());

  // Every list read here asks for more rows than the tests write, so a count past theirs would show.
  const counters = {
    quarantine: async () => (await listQuarantined(testDb.db)).length,
    near_miss: async () => (await listNearMisses(testDb.db, { limit: 100_000, offset: 0 })).length,
    alert: async () => (await alertCountsByStatus(testDb.db)).reduce((sum, r) => sum + Number(r.n), 0),
    post: () => countPosts(testDb.db),
    review_item: () => countReviewItems(testDb.db),
  };
  const count = (table: keyof typeof counters) => counters[table]();

  it('insertFlagged: 4,000 posts (20 parameters each) with their classifications and review items, in one transaction', async () => {
    const items = Array.from({ length: 4_000 }, (_, i) => makeItem(makePost(`f-${i}`, `offer ${i}`)));
    const created = await testDb.db.transaction().execute((trx) => insertFlagged(trx, items));
    expect(created).toHaveLength(4_000);
    expect(new Set(created.map((c) => c.postKey))).toEqual(new Set(items.map((i) => i.post.key)));
    expect(await count('review_item')).toBe(4_000);
    // Replayed: nothing new.
    expect(await testDb.db.transaction().execute((trx) => insertFlagged(trx, items))).toEqual([]);

    const ids = created.map((c) => c.reviewItemId);
    expect(await exportItemIds(testDb.db, { itemIds: ids })).toHaveLength(4_000);
    expect((await loadEvidence(testDb.db, ids)).map((e) => e.item.id)).toEqual(ids);
    expect(await custodyEntries(testDb.db, ids)).toEqual([]);
  }, 60_000);

  it('a failing slice rolls back the slices before it: the caller owns the transaction', async () => {
    const items = Array.from({ length: 4_000 }, (_, i) => makeItem(makePost(`g-${i}`, `offer ${i}`)));
    // Postgres refuses the last post's date, which falls in the second slice.
    items[3_999] = { ...items[3_999]!, post: { ...items[3_999]!.post, publishedAt: 'not a date' } };
    const before = await count('post');
    await expect(testDb.db.transaction().execute((trx) => insertFlagged(trx, items))).rejects.toThrow();
    expect(await count('post')).toBe(before);
  }, 60_000);

  it('insertOutbox and markEscalated: 15,000 alert rows (5 parameters each)', async () => {
    const [oldest] = await listItems(testDb.db, { sort: 'oldest', limit: 1, offset: 0 });
    if (!oldest) throw new Error('no review item');
    const item = oldest.id;
    const entries = Array.from({ length: 15_000 }, (_, tier) => ({
      reviewItemId: item,
      channel: 'webhook',
      tier: tier + 10,
    }));
    const rows = await testDb.db.transaction().execute((trx) => insertOutbox(trx, entries));
    expect(rows).toHaveLength(15_000);
    await markEscalated(
      testDb.db,
      rows.map((r) => r.id),
    );
    const escalated = (await listAlerts(testDb.db, { limit: 100_000 })).filter((a) => a.escalated_at !== null);
    expect(escalated.length).toBe(15_000);
  }, 60_000);

  it('quarantine: 15,000 entries (6 parameters each)', async () => {
    const entries = Array.from({ length: 15_000 }, (_, i) => ({
      sourceId: null,
      stage: 'test',
      reason: `bad line ${i}\u0000`,
      raw: Buffer.from(`line ${i}`),
      context: { line: i, id: 'a\u0000b', half: 'x\ud800' },
    }));
    expect(await quarantine(testDb.db, entries)).toBe(15_000);
    expect(await count('quarantine')).toBe(15_000);
    // A NUL in a reason or context (a parser's message quoting its input), or half a surrogate pair, is stored, not refused.
    const row = (await listQuarantined(testDb.db, { stage: 'test' })).find((q) => q.raw.equals(Buffer.from('line 7')));
    if (!row) throw new Error('line 7 not quarantined');
    expect(row.reason).toBe('bad line 7\ufffd');
    expect(row.context).toEqual({ line: 7, id: 'a\ufffdb', half: 'x\ufffd' });
  }, 60_000);

  it('insertNearMisses: 6,000 kept posts (13 parameters each)', async () => {
    const items = Array.from({ length: 6_000 }, (_, i) => ({
      reason: 'near_miss' as const,
      post: makePost(`n-${i}`, `almost ${i}`),
      verdict: nearMissVerdict(),
    }));
    expect(await testDb.db.transaction().execute((trx) => insertNearMisses(trx, items))).toBe(6_000);
    expect(await count('near_miss')).toBe(6_000);
  }, 60_000);
});
