import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countSessions,
  findUser,
  listTokens,
  listUsers,
  revokeToken,
  setPasswordHash,
  setUserDisabled,
} from '../../../shared/repositories/user-admin.repository.js';
import {
  createApiToken,
  createSession,
  createUser,
  findUserByEmail,
  userByApiToken,
  userBySession,
} from '../../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('user-admin repository', () => {
  let testDb: TestDb;
  let zoe: number;
  let amir: number;
  beforeAll(async () => {
    testDb = await createTestDb();
    zoe = (await createUser(testDb.db, 'zoe@example.org', 'admin', null)).id;
    amir = (await createUser(testDb.db, 'amir@example.org', 'duty_officer', null)).id;
  });
  afterAll(() => testDb?.drop());
  const sessionsOf = (userId: number) => countSessions(testDb.db, userId);

  it('lists users by email and tokens without their secrets, of one user or all', async () => {
    await createApiToken(testDb.db, zoe, 'laptop');
    await createApiToken(testDb.db, amir, 'pager');

    expect((await listUsers(testDb.db)).map((u) => [u.email, u.role, u.disabled_at])).toEqual([
      ['amir@example.org', 'duty_officer', null],
      ['zoe@example.org', 'admin', null],
    ]);
    expect((await listTokens(testDb.db)).map((t) => [t.email, t.name])).toEqual([
      ['zoe@example.org', 'laptop'],
      ['amir@example.org', 'pager'],
    ]);
    const mine = await listTokens(testDb.db, amir);
    expect(mine.map((t) => t.name)).toEqual(['pager']);
    expect(Object.keys(mine[0]!)).not.toContain('token_hash');
    expect(await findUser(testDb.db, amir)).toMatchObject({
      email: 'amir@example.org',
      role: 'duty_officer',
      disabled_at: null,
    });
    expect(await findUser(testDb.db, 999_999)).toBeUndefined();
  });

  it('disables an account, ending its sessions and stopping its tokens, and enables it again', async () => {
    const session = await createSession(testDb.db, amir);
    const token = await createApiToken(testDb.db, amir, 'script');

    expect(await testDb.db.transaction().execute((trx) => setUserDisabled(trx, amir, true))).toBe(true);
    expect(await userBySession(testDb.db, session.token)).toBeUndefined();
    expect(await sessionsOf(amir)).toBe(0);
    expect(await userByApiToken(testDb.db, token)).toBeUndefined();
    expect((await findUser(testDb.db, amir))!.disabled_at).toBeInstanceOf(Date);

    expect(await testDb.db.transaction().execute((trx) => setUserDisabled(trx, amir, false))).toBe(true);
    expect((await findUser(testDb.db, amir))!.disabled_at).toBeNull();
    expect(await userByApiToken(testDb.db, token)).toMatchObject({ id: amir });
    expect(await testDb.db.transaction().execute((trx) => setUserDisabled(trx, 999_999, true))).toBe(false);
  });

  it("sets a new password hash and signs the account's sessions out", async () => {
    const session = await createSession(testDb.db, zoe);
    expect(await testDb.db.transaction().execute((trx) => setPasswordHash(trx, zoe, 'scrypt$new'))).toBe(true);
    expect(await userBySession(testDb.db, session.token)).toBeUndefined();
    expect(await sessionsOf(zoe)).toBe(0);
    const row = await findUserByEmail(testDb.db, 'zoe@example.org');
    expect(row).toMatchObject({ id: zoe, password_hash: 'scrypt$new' });
  });

  it('revokes a live token once', async () => {
    const token = await createApiToken(testDb.db, zoe, 'old laptop');
    const { id } = (await listTokens(testDb.db, zoe)).find((t) => t.name === 'old laptop')!;

    expect(await revokeToken(testDb.db, id)).toEqual({ userId: zoe, name: 'old laptop' });
    expect(await userByApiToken(testDb.db, token)).toBeUndefined();
    expect(await revokeToken(testDb.db, id)).toBeUndefined();
    expect((await listTokens(testDb.db, zoe)).find((t) => t.id === id)!.revoked_at).toBeInstanceOf(Date);
  });
});
