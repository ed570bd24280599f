import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countChannels,
  countPosts,
  findPostByExternalId,
  listPosts,
  reviewItemsPerPost,
} from '../../../shared/repositories/post.repository.js';
import { countClassifications, insertFlagged } from '../../../shared/repositories/review-item.repository.js';
import { insertApiSource, upsertSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { makeItem, makePost } from '../../support/factories.js';

describe('post repository: listing', () => {
  let testDb: TestDb;
  let sourceId: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    sourceId = (await upsertSource(testDb.db, 'feed', 'file', { kind: 'file', path: '/tmp/feed.jsonl' }, 'config')).id;
  });
  afterAll(() => testDb?.drop());

  it('lists stored posts oldest first, byte-exact, by source and by external id, and counts them', async () => {
    expect(await listPosts(testDb.db)).toEqual([]);
    expect(await countPosts(testDb.db)).toBe(0);
    // One call each: a call inserts its posts in an order of its own.
    for (const item of [
      makeItem(makePost({ source: 'feed', externalId: '7', text: 'first offer' })),
      makeItem(makePost({ source: 'elsewhere', externalId: '8', text: 'second offer' })),
      makeItem(makePost({ source: 'feed', externalId: '9', text: 'third offer', channel: 'other_chan' })),
    ])
      await insertFlagged(testDb.db, [item]);

    const all = await listPosts(testDb.db);
    expect(all.map((p) => [p.external_id, p.source_id, p.raw.toString('utf8')])).toEqual([
      ['7', sourceId, 'first offer'],
      ['8', null, 'second offer'],
      ['9', sourceId, 'third offer'],
    ]);
    expect((await listPosts(testDb.db, { sourceId })).map((p) => p.external_id)).toEqual(['7', '9']);
    expect((await listPosts(testDb.db, { externalId: '8' })).map((p) => p.text)).toEqual(['second offer']);
    expect(await listPosts(testDb.db, { sourceId, externalId: '8' })).toEqual([]);
    expect(await countPosts(testDb.db)).toBe(3);
    expect(await countClassifications(testDb.db)).toBe(3);
  });
});

describe('post repository: lookups and counts', () => {
  let testDb: TestDb;
  let west: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    await insertApiSource(testDb.db, 'east', 'telegram-web', { channel: 'east_watch' });
    west = (await insertApiSource(testDb.db, 'west', 'telegram-web', { channel: 'west_watch' }))!.id;
    await insertFlagged(testDb.db, [
      makeItem(makePost({ source: 'east', externalId: 'p-1', text: 'first version' })),
      makeItem(makePost({ source: 'east', externalId: 'p-1', text: 'edited version', version: 2 })),
      makeItem(makePost({ source: 'west', externalId: 'p-2', text: 'another post', channel: 'west_watch' })),
    ]);
  });
  afterAll(() => testDb?.drop());

  it("finds a post's newest version by its external id, and nothing for an id never stored", async () => {
    expect(await findPostByExternalId(testDb.db, 'p-1')).toMatchObject({ version: 2, text: 'edited version' });
    expect(await findPostByExternalId(testDb.db, 'p-2')).toMatchObject({ version: 1, text: 'another post' });
    expect(await findPostByExternalId(testDb.db, 'p-3')).toBeUndefined();
  });

  it('narrows to one source when given one', async () => {
    expect(await findPostByExternalId(testDb.db, 'p-2', west)).toMatchObject({ source_id: west });
    expect(await findPostByExternalId(testDb.db, 'p-1', west)).toBeUndefined();
  });

  it('counts posts (each version), channels, and the review items of each post', async () => {
    expect(await countPosts(testDb.db)).toBe(3);
    expect(await countChannels(testDb.db)).toBe(2);
    expect(await reviewItemsPerPost(testDb.db)).toEqual(
      new Map([
        ['p-1', 2],
        ['p-2', 1],
      ]),
    );
  });
});
