import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideItem, insertFlagged } from '../../../shared/repositories/review-item.repository.js';
import {
  coverageByTier,
  savePostingRate,
  saveRevisitPlans,
  sourcesForRevisit,
} from '../../../shared/repositories/revisit.repository.js';
import { upsertSource } from '../../../shared/repositories/source.repository.js';
import { createUser } from '../../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { makeItem, makePost } from '../../support/factories.js';

describe('revisit repository', () => {
  let testDb: TestDb;
  let hot: number;
  let quiet: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    const channel = async (name: string) =>
      (
        await upsertSource(
          testDb.db,
          name,
          'telegram-web',
          { kind: 'telegram-web', channel: name.replace('-', '_') },
          'config',
        )
      ).id;
    [hot, quiet] = [await channel('hot-chan'), await channel('quiet-chan')];
  });
  afterAll(() => testDb?.drop());

  it("counts each source's flagged posts since a time, dismissed ones aside", async () => {
    const created = await insertFlagged(
      testDb.db,
      ['1', '2', '3'].map((id) =>
        makeItem(makePost({ source: 'hot-chan', channel: 'hot_chan', externalId: id, text: `offer ${id}` })),
      ),
    );
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', null);
    await decideItem(testDb.db, created[0]!.reviewItemId, 'dismiss', analyst.id, null);

    const sut = await sourcesForRevisit(testDb.db, new Date(Date.now() - 3_600_000));
    expect(sut.map((s) => [s.name, Number(s.flagged)])).toEqual([
      ['hot-chan', 2],
      ['quiet-chan', 0],
    ]);
    expect((await sourcesForRevisit(testDb.db, new Date(Date.now() + 60_000))).map((s) => Number(s.flagged))).toEqual([
      0, 0,
    ]);
  });

  it("saves the planner's intervals and tiers and each source's posting rate", async () => {
    await saveRevisitPlans(testDb.db, [
      { id: hot, intervalMs: 60_000, tier: 'hot' },
      { id: quiet, intervalMs: 3_600_000, tier: 'cold' },
    ]);
    await savePostingRate(testDb.db, quiet, 0.25);

    const sut = await sourcesForRevisit(testDb.db, new Date());
    expect(
      sut.map((s) => ({ name: s.name, revisitMs: s.revisit_ms, tier: s.tier, postsPerHour: s.posts_per_hour })),
    ).toEqual([
      { name: 'hot-chan', revisitMs: 60_000, tier: 'hot', postsPerHour: 0 },
      { name: 'quiet-chan', revisitMs: 3_600_000, tier: 'cold', postsPerHour: 0.25 },
    ]);
  });

  it('sums coverage by tier, counting a source overdue past twice its interval', async () => {
    await sql`update source set last_success_at = now() - interval '5 minutes' where id = ${hot}`.execute(testDb.db);
    await sql`update source set last_success_at = now() - interval '10 minutes' where id = ${quiet}`.execute(testDb.db);

    const sut = await coverageByTier(testDb.db);
    expect(sut.map((t) => [t.tier, t.sources, t.overdue])).toEqual([
      ['cold', 1, 0],
      ['hot', 1, 1],
    ]);
    expect(sut.find((t) => t.tier === 'hot')!.max).toBeGreaterThanOrEqual(300);
  });
});
