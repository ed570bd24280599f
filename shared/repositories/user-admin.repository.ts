import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Every account, disabled ones too, for the admin screen and `vigil user list`. Never a password hash. */
export const listUsers = (db: Executor) =>
  db.selectFrom('app_user').select(['id', 'email', 'role', 'created_at', 'disabled_at']).orderBy('email').execute();

/** API tokens (never their secrets), of one user or of all. */
export function listTokens(db: Executor, userId?: number) {
  let query = db
    .selectFrom('api_token')
    .innerJoin('app_user', 'app_user.id', 'api_token.user_id')
    .select([
      'api_token.id',
      'api_token.user_id',
      'app_user.email',
      'api_token.name',
      'api_token.created_at',
      'api_token.last_used_at',
      'api_token.revoked_at',
    ])
    .orderBy('api_token.id');
  if (userId !== undefined) query = query.where('api_token.user_id', '=', userId);
  return query.execute();
}

export const findUser = (db: Executor, id: number) =>
  db.selectFrom('app_user').select(['id', 'email', 'role', 'disabled_at']).where('id', '=', id).executeTakeFirst();

/** How many sessions an account has open (expired ones not yet swept count too). */
export async function countSessions(db: Executor, userId: number): Promise<number> {
  const { n } = await db
    .selectFrom('session')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Disables (or enables) an account. Disabling ends its sessions at once; its tokens already stop working
 * (every lookup requires an enabled user) and stay listed.
 */
export async function setUserDisabled(trx: Transaction<Database>, id: number, disabled: boolean): Promise<boolean> {
  const r = await trx
    .updateTable('app_user')
    .set({ disabled_at: disabled ? new Date() : null })
    .where('id', '=', id)
    .executeTakeFirst();
  if (disabled) await trx.deleteFrom('session').where('user_id', '=', id).execute();
  return Number(r.numUpdatedRows) === 1;
}

/** Sets a new password hash and ends the account's sessions, so whoever held the old password is signed out. */
export async function setPasswordHash(trx: Transaction<Database>, id: number, passwordHash: string): Promise<boolean> {
  const r = await trx
    .updateTable('app_user')
    .set({ password_hash: passwordHash })
    .where('id', '=', id)
    .executeTakeFirst();
  await trx.deleteFrom('session').where('user_id', '=', id).execute();
  return Number(r.numUpdatedRows) === 1;
}

/** Revokes a token; false when there is no such token or it was already revoked. */
export async function revokeToken(db: Executor, id: number): Promise<{ userId: number; name: string } | undefined> {
  return db
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['user_id as userId', 'name'])
    .executeTakeFirst();
}
