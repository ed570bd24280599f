import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

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
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const asPostgres = (bin: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', pgBin(bin), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']);
  const ctl = (action: 'start' | 'stop') =>
    asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), ...(action === 'start' ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`] : ['-m', 'fast']), action]);
  ctl('start');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('create database vigil');
  await admin.end();
  return { url: `postgres://postgres@127.0.0.1:${port}/vigil`, start: () => ctl('start'), stop: () => ctl('stop'), destroy: () => ctl('stop') };
}

/** A redis-server of the test's own with AOF on (fsync always), restartable. */
export async function ownRedis(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  const start = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore', detached: false });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
  };
}
