import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSavedView, listSavedViews, saveView } from '../../../shared/repositories/saved-view.repository.js';
import { createUser } from '../../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('saved-view repository', () => {
  let testDb: TestDb;
  let ana: number;
  let ben: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    ana = (await createUser(testDb.db, 'ana@example.org', 'analyst', null)).id;
    ben = (await createUser(testDb.db, 'ben@example.org', 'analyst', null)).id;
  });
  afterAll(() => testDb?.drop());

  it("keeps each user's views by name, a second save of a name replacing its query", async () => {
    const first = await saveView(testDb.db, ana, 'Newham', 'district=E13');
    await saveView(testDb.db, ana, 'Critical', 'severity=critical');
    await saveView(testDb.db, ben, 'Newham', 'district=E6');
    const again = await saveView(testDb.db, ana, 'Newham', 'district=E13&status=new');

    expect(again.id).toBe(first.id);
    const sut = await listSavedViews(testDb.db, ana);
    expect(sut.map((v) => [v.name, v.query])).toEqual([
      ['Critical', 'severity=critical'],
      ['Newham', 'district=E13&status=new'],
    ]);
    expect((await listSavedViews(testDb.db, ben)).map((v) => v.query)).toEqual(['district=E6']);
  });

  it("deletes only the user's own view", async () => {
    const [view] = await listSavedViews(testDb.db, ben);
    expect(await deleteSavedView(testDb.db, ana, view!.id)).toBe(false);
    expect(await listSavedViews(testDb.db, ben)).toHaveLength(1);
    expect(await deleteSavedView(testDb.db, ben, view!.id)).toBe(true);
    expect(await listSavedViews(testDb.db, ben)).toEqual([]);
    expect(await deleteSavedView(testDb.db, ben, view!.id)).toBe(false);
  });
});
