import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWatchedSources } from '../../../shared/repositories/watch-list.repository.js';
import { findSourceByName, setSourceEnabled, upsertSource } from '../../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

const web = (channel: string) => ({ name: `tme-${channel}`, config: { kind: 'telegram-web', channel } });

describe('watch-list repository', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(() => testDb?.drop());

  it('adds new channels as enabled API sources with their priority and reason', async () => {
    const sut = await testDb.db
      .transaction()
      .execute((trx) => importWatchedSources(trx, [web('east_watch'), web('north_watch')], 3, 'partner list'));

    expect(sut).toEqual({ added: 2, updated: 0 });
    expect(await findSourceByName(testDb.db, 'tme-east_watch')).toMatchObject({
      kind: 'telegram-web',
      origin: 'api',
      enabled: true,
      priority: 3,
      watch_reason: 'partner list',
      config: { kind: 'telegram-web', channel: 'east_watch' },
    });
  });

  it('gives sources already there the new priority and reason and enables them, a config-file source keeping its config', async () => {
    await upsertSource(
      testDb.db,
      'tme-south_watch',
      'telegram-web',
      { kind: 'telegram-web', channel: 'south_watch', backfill: 10 },
      'config',
    );
    await setSourceEnabled(testDb.db, (await findSourceByName(testDb.db, 'tme-east_watch'))!.id, false);

    const sut = await testDb.db
      .transaction()
      .execute((trx) =>
        importWatchedSources(trx, [web('east_watch'), web('south_watch'), web('west_watch')], 5, 'second list'),
      );

    expect(sut).toEqual({ added: 1, updated: 2 });
    expect(await findSourceByName(testDb.db, 'tme-east_watch')).toMatchObject({
      enabled: true,
      priority: 5,
      watch_reason: 'second list',
    });
    expect(await findSourceByName(testDb.db, 'tme-south_watch')).toMatchObject({
      origin: 'config',
      priority: 5,
      watch_reason: 'second list',
      config: { kind: 'telegram-web', channel: 'south_watch', backfill: 10 },
    });
    expect(await findSourceByName(testDb.db, 'tme-west_watch')).toMatchObject({ origin: 'api', priority: 5 });
  });
});
