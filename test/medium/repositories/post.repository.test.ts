import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countChannels,
  countPosts,
  findPostByExternalId,
  reviewItemsPerPost,
} from '../../../shared/repositories/post.repository.js';
import { insertFlagged } from '../../../shared/repositories/review-item.repository.js';
import { insertApiSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { makeItem, makePost } from '../../support/factories.js';

describe('post repository', () => {
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
