import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { createDb, type Db } from '../shared/db/client.js';
import type { UserRole } from '../shared/db/database.js';
import { hashPassword, newSecret } from '../shared/password.js';
import { runAuditVerify } from './audit.command.js';
import { appendAudit } from '../shared/repositories/audit.repository.js';
import {
  listTokens,
  listUsers,
  revokeToken,
  setPasswordHash,
  setUserDisabled,
} from '../shared/repositories/user-admin.repository.js';
import { createApiToken, createUser, findUserByEmail, ROLES } from '../shared/repositories/user.repository.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Whoever runs the CLI is trusted (docs/security.md) and named in the audit log. */
export const cliActor = () => ({ actor: `cli:${userInfo().username}`, actorId: null });

async function userAdd(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args: args.slice(1),
    options: { email: { type: 'string' }, role: { type: 'string' } },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email))
    throw new UsageError('user add: --email must be an email address');
  if (!ROLES.includes(values.role as UserRole))
    throw new UsageError(`user add: --role must be one of ${ROLES.join(', ')}`);
  const given = await readStdin();
  if (given && given.length < 12) throw new UsageError('user add: a password needs at least 12 characters');
  const password = given || newSecret().slice(0, 24);
  const user = await createUser(db, values.email, values.role as UserRole, await hashPassword(password));
  process.stdout.write(`created user ${user.id} ${user.email} (${user.role})\n`);
  if (!given) process.stdout.write(`password: ${password}\n`);
  return 0;
}

async function tokenCreate(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args: args.slice(1),
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  const user = values.email ? await findUserByEmail(db, values.email) : undefined;
  if (!user) throw new UsageError(`token create: no active user ${values.email ?? '(give --email)'}`);
  const token = await createApiToken(db, user.id, values.name ?? 'cli');
  process.stdout.write(`token for ${user.email} (${user.role}); it is shown once:\n${token}\n`);
  return 0;
}

/** `user disable` and `user reset-password`: the user named by --email, and the --reason for the audit log. */
async function userChange(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args: args.slice(1),
    options: { email: { type: 'string' }, reason: { type: 'string' } },
  });
  const user = values.email ? (await listUsers(db)).find((u) => u.email === values.email!.toLowerCase()) : undefined;
  if (!user) throw new UsageError(`user ${args[0]}: no user ${values.email ?? '(give --email)'}`);
  if (!values.reason || values.reason.trim().length < 3)
    throw new UsageError(`user ${args[0]}: give --reason, for the audit log`);
  const reason = values.reason.trim();
  return args[0] === 'disable' ? userDisable(db, user, reason) : userResetPassword(db, user, reason);
}

async function userDisable(db: Db, user: { id: number; email: string }, reason: string): Promise<number> {
  await db.transaction().execute(async (trx) => {
    await setUserDisabled(trx, user.id, true);
    await appendAudit(trx, {
      ...cliActor(),
      action: 'user.disable',
      entity: 'app_user',
      entityId: String(user.id),
      details: { reason },
    });
  });
  process.stdout.write(`disabled ${user.email}; its sessions are ended and its tokens stop working\n`);
  return 0;
}

async function userResetPassword(db: Db, user: { id: number; email: string }, reason: string): Promise<number> {
  const given = await readStdin();
  if (given && given.length < 12) throw new UsageError('user reset-password: a password needs at least 12 characters');
  const password = given || newSecret().slice(0, 24);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, hash);
    await appendAudit(trx, {
      ...cliActor(),
      action: 'user.password_reset',
      entity: 'app_user',
      entityId: String(user.id),
      details: { reason },
    });
  });
  process.stdout.write(`new password set for ${user.email}; its sessions are ended\n`);
  if (!given) process.stdout.write(`password: ${password}\n`);
  return 0;
}

async function tokenList(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({ args: args.slice(1), options: { email: { type: 'string' } } });
  const user = values.email ? (await listUsers(db)).find((u) => u.email === values.email!.toLowerCase()) : undefined;
  if (values.email && !user) throw new UsageError(`token list: no user ${values.email}`);
  for (const t of await listTokens(db, user?.id)) {
    process.stdout.write(
      `${t.id}\t${t.email}\t${t.name}\tmade ${t.created_at.toISOString()}\t${t.revoked_at ? `revoked ${t.revoked_at.toISOString()}` : `last used ${t.last_used_at?.toISOString() ?? 'never'}`}\n`,
    );
  }
  return 0;
}

async function tokenRevoke(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args: args.slice(1),
    options: { id: { type: 'string' }, reason: { type: 'string' } },
  });
  const id = Number(values.id);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UsageError('token revoke: give --id, as `vigil token list` shows it');
  if (!values.reason || values.reason.trim().length < 3)
    throw new UsageError('token revoke: give --reason, for the audit log');
  const revoked = await db.transaction().execute(async (trx) => {
    const r = await revokeToken(trx, id);
    if (r)
      await appendAudit(trx, {
        ...cliActor(),
        action: 'token.revoke',
        entity: 'api_token',
        entityId: String(id),
        details: { userId: r.userId, name: r.name, reason: values.reason!.trim() },
      });
    return r;
  });
  if (!revoked) throw new UsageError(`token revoke: no live token ${id}`);
  process.stdout.write(`revoked token ${id} (${revoked.name})\n`);
  return 0;
}

/** `vigil user add|list|disable|reset-password`, `vigil token create|list|revoke`, `vigil audit verify`; returns the exit code. */
export async function runAdmin(command: string, args: string[], config: Readonly<Config>): Promise<number> {
  const db = createDb(config.database.url, 2);
  try {
    if (command === 'user' && args[0] === 'add') return await userAdd(db, args);
    if (command === 'token' && args[0] === 'create') return await tokenCreate(db, args);
    if (command === 'user' && args[0] === 'list') {
      for (const u of await listUsers(db))
        process.stdout.write(
          `${u.id}\t${u.email}\t${u.role}\t${u.disabled_at ? `disabled ${u.disabled_at.toISOString()}` : 'active'}\n`,
        );
      return 0;
    }
    if (command === 'user' && (args[0] === 'disable' || args[0] === 'reset-password'))
      return await userChange(db, args);
    if (command === 'token' && args[0] === 'list') return await tokenList(db, args);
    if (command === 'token' && args[0] === 'revoke') return await tokenRevoke(db, args);
    if (command === 'audit' && args[0] === 'verify') {
      const { values } = parseArgs({ args: args.slice(1), options: { checkpoints: { type: 'string' } } });
      return await runAuditVerify(db, config, values.checkpoints);
    }
    throw new UsageError(`unknown: vigil ${command} ${args.join(' ')}`);
  } finally {
    await db.destroy();
  }
}

export class UsageError extends Error {}
