import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { createDb } from '../shared/db/client.js';
import type { UserRole } from '../shared/db/database.js';
import { hashPassword, newSecret } from '../shared/password.js';
import { runAuditVerify } from './audit.command.js';
import { createApiToken, createUser, findUserByEmail, ROLES } from '../shared/repositories/user.repository.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** `vigil user add`, `vigil token create`, `vigil audit verify`; returns the exit code. */
export async function runAdmin(command: string, args: string[], config: Readonly<Config>): Promise<number> {
  const db = createDb(config.database.url, 2);
  try {
    if (command === 'user' && args[0] === 'add') {
      const { values } = parseArgs({ args: args.slice(1), options: { email: { type: 'string' }, role: { type: 'string' } } });
      if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) throw new UsageError('user add: --email must be an email address');
      if (!ROLES.includes(values.role as UserRole)) throw new UsageError(`user add: --role must be one of ${ROLES.join(', ')}`);
      const given = await readStdin();
      if (given && given.length < 12) throw new UsageError('user add: a password needs at least 12 characters');
      const password = given || newSecret().slice(0, 24);
      const user = await createUser(db, values.email, values.role as UserRole, await hashPassword(password));
      process.stdout.write(`created user ${user.id} ${user.email} (${user.role})\n`);
      if (!given) process.stdout.write(`password: ${password}\n`);
      return 0;
    }
    if (command === 'token' && args[0] === 'create') {
      const { values } = parseArgs({ args: args.slice(1), options: { email: { type: 'string' }, name: { type: 'string' } } });
      const user = values.email ? await findUserByEmail(db, values.email) : undefined;
      if (!user) throw new UsageError(`token create: no active user ${values.email ?? '(give --email)'}`);
      const token = await createApiToken(db, user.id, values.name ?? 'cli');
      process.stdout.write(`token for ${user.email} (${user.role}); it is shown once:\n${token}\n`);
      return 0;
    }
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
