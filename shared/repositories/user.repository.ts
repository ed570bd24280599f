import type { Db } from '../db/client.js';
import type { UserRole } from '../db/database.js';
import { sha256Hex } from '../domain/post.js';
import { newSecret } from '../password.js';
import { anyId } from './bind-limit.js';
import { countRows } from './count-rows.js';

export const ROLES: UserRole[] = ['analyst', 'duty_officer', 'admin', 'auditor'];

export interface AuthUser {
  id: number;
  email: string;
  role: UserRole;
}

export async function createUser(
  db: Db,
  email: string,
  role: UserRole,
  passwordHash: string | null,
): Promise<AuthUser> {
  return db
    .insertInto('app_user')
    .values({ email: email.toLowerCase(), role, password_hash: passwordHash })
    .returning(['id', 'email', 'role'])
    .executeTakeFirstOrThrow();
}

export const findUserByEmail = (db: Db, email: string) =>
  db
    .selectFrom('app_user')
    .select(['id', 'email', 'role', 'password_hash'])
    .where('email', '=', email.toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();

/** Creates an API token; the secret is returned once and only its hash is kept. */
export async function createApiToken(db: Db, userId: number, name: string): Promise<string> {
  const token = newSecret('vgl_');
  await db
    .insertInto('api_token')
    .values({ token_sha256: sha256Hex(token), user_id: userId, name })
    .execute();
  return token;
}

export async function userByApiToken(db: Db, token: string): Promise<AuthUser | undefined> {
  const row = await db
    .updateTable('api_token')
    .set({ last_used_at: new Date() })
    .from('app_user')
    .whereRef('app_user.id', '=', 'api_token.user_id')
    .where('api_token.token_sha256', '=', sha256Hex(token))
    .where('api_token.revoked_at', 'is', null)
    .where('app_user.disabled_at', 'is', null)
    .returning(['app_user.id', 'app_user.email', 'app_user.role'])
    .executeTakeFirst();
  return row;
}

const SESSION_TTL_MS = 12 * 3_600_000;

export async function createSession(db: Db, userId: number): Promise<{ token: string; csrf: string; expiresAt: Date }> {
  const token = newSecret();
  const csrf = newSecret();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db
    .insertInto('session')
    .values({ token_sha256: sha256Hex(token), csrf_token: csrf, user_id: userId, expires_at: expiresAt })
    .execute();
  return { token, csrf, expiresAt };
}

export async function userBySession(db: Db, token: string): Promise<(AuthUser & { csrf: string }) | undefined> {
  return db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .select(['app_user.id', 'app_user.email', 'app_user.role', 'session.csrf_token as csrf'])
    .where('session.token_sha256', '=', sha256Hex(token))
    .where('session.expires_at', '>', new Date())
    .where('app_user.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('session').where('token_sha256', '=', sha256Hex(token)).execute();
}

/** Everyone who can sign in, for the desk's assignment picker. */
/** Users' emails by id, as the desk and the evidence bundles name them. */
export async function userEmails(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'email']).where('id', '=', anyId(ids)).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

export const listActiveUsers = (db: Db) =>
  db.selectFrom('app_user').select(['id', 'email', 'role']).where('disabled_at', 'is', null).orderBy('email').execute();

export const countUsers = (db: Db): Promise<number> => countRows(db, 'app_user');
