import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrain } from '../../cli/train.command.js';
import { classify } from '../../shared/classifier/index.js';
import { decideItem, insertFlagged, listDecisions } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { tempDir } from '../support/tmp.js';
import { makePost } from '../support/factories.js';

const post = (externalId: string, text: string) => makePost({ channel: 'chan', externalId, text });

describe("training on analysts' decisions", () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(() => testDb?.drop());

  // Training on the whole corpus takes tens of seconds on a busy machine: a wait, not a speed target.
  it('reads confirmed items with their labels and dismissed ones as negatives, and trains on them', async () => {
    const confirmed = '£80 to whoever sprays the gurdwara in Hounslow TW3, pics to the admin';
    const dismissed = 'Paying £50 for each sticker on the school gates, photo proof to the office';
    const items = [
      post('1', confirmed),
      post('2', dismissed),
      post('3', 'Tonight we go to the mosque in E10 and bring bricks'),
    ].map((p) => ({ post: p, verdict: classify(p.text) }));
    const created = await insertFlagged(testDb.db, items);
    expect(created).toHaveLength(3);
    const idOf = (key: string) => created.find((c) => c.postKey === key)!.reviewItemId;
    const analyst = await createUser(testDb.db, 'analyst@example.org', 'analyst', null);
    await decideItem(testDb.db, idOf(items[0]!.post.key), 'confirm', analyst.id, null);
    await decideItem(testDb.db, idOf(items[1]!.post.key), 'dismiss', analyst.id, null);

    // Items get their ids in post-key order (so concurrent batches cannot deadlock), not in the order given here.
    const decisions = await listDecisions(testDb.db);
    expect(decisions).toHaveLength(2);
    expect(decisions).toEqual(
      expect.arrayContaining([
        { id: `decision-${idOf(items[0]!.post.key)}`, text: confirmed, labels: items[0]!.verdict.labels },
        { id: `decision-${idOf(items[1]!.post.key)}`, text: dismissed, labels: [] },
      ]),
    );

    const out = join(tempDir(), 'model.json');
    const { report } = runTrain({ decisions, out, force: true });
    expect(report).toMatch(/\+ 2 analyst decisions/);
    const model = JSON.parse(readFileSync(out, 'utf8')) as { training: { decisions: number }; version: string };
    expect(model.training.decisions).toBe(2);
  }, 180_000);
});
