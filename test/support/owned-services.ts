import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { withDatabase } from './env.js';

/** The newest PostgreSQL server binaries on this machine (Debian puts them per version). */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version!, 'bin', name);
}

export const canOwnPostgres = existsSync('/usr/lib/postgresql') && process.getuid?.() === 0;

/**
 * A PostgreSQL cluster of the test's own (initdb, pg_ctl) on another port, so a test may stop and
 * start it while the machine's server is left alone. Runs as the postgres user, as initdb requires.
 */
export async function ownPostgres(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString()),
    Number(execFileSync('id', ['-g', 'postgres']).toString()),
  );
  const asPostgres = (bin: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', pgBin(bin), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']);
  const ctl = (action: 'start' | 'stop') =>
    asPostgres('pg_ctl', [
      '-D',
      join(dir, 'data'),
      '-w',
      '-l',
      join(dir, 'log'),
      ...(action === 'start'
        ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]
        : ['-m', 'fast']),
      action,
    ]);
  ctl('start');
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const sql = async (text: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(text);
    } finally {
      await admin.end();
    }
  };
  await sql('create database vigil');
  const client = (bin: string, args: string[]) =>
    execFileSync(pgBin(bin), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...args], { stdio: 'pipe' });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/vigil`,
    start: () => ctl('start'),
    stop: () => ctl('stop'),
    /** A consistent snapshot of `database` (pg_dump, custom format); returns the dump's path. */
    dump(database: string): string {
      const file = join(dir, `${database}-${Date.now()}.dump`);
      client('pg_dump', ['-Fc', '-f', file, database]);
      return file;
    },
    /**
     * Replaces `database` with the dump, as an operator restoring a backup would: restored beside it first,
     * then swapped in (the live one dropped, its connections cut), so it is missing only for a moment.
     */
    async restore(database: string, file: string): Promise<void> {
      const restoring = `${database}_restoring`;
      await sql(`create database ${pg.escapeIdentifier(restoring)}`);
      client('pg_restore', ['--no-owner', '-d', restoring, file]);
      await sql(`drop database ${pg.escapeIdentifier(database)} with (force)`);
      await sql(`alter database ${pg.escapeIdentifier(restoring)} rename to ${pg.escapeIdentifier(database)}`);
    },
    urlOf: (database: string) => withDatabase(adminUrl, database),
    destroy() {
      try {
        ctl('stop');
      } catch {
        // Already stopped (a test that failed mid-outage): the folder goes all the same.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server of the test's own with AOF on (fsync always), restartable. */
export async function ownRedis(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  const start = async () => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore', detached: false },
    );
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return child;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not start');
  };
  let child = await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs: number) {
      const stopped = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await stopped;
      await new Promise((r) => setTimeout(r, downMs));
      child = await start();
    },
    stop: () => child.kill('SIGKILL'),
    /** Kills the server and removes its folder (the AOF with it). */
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) {
        const stopped = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await stopped;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
