import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { WORKER_KINDS, type WorkerKind } from '../../cli/roles.js';
import { createDb } from '../../shared/db/client.js';
import { packageRoot } from '../../shared/paths.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import { ownPostgres, ownRedis } from '../support/owned-services.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { FIGURES_DIR } from './figures.js';
import { liveInput } from './live-input.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const BIN = join(packageRoot(), 'bin', 'vigil.js');
/**
 * A port nothing listens on, as the kernel hands one out. A random pick in 40,000-60,000 once met a port in
 * use (that range is inside Linux's ephemeral range) and the run's PostgreSQL failed to start.
 */
async function port(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const exited = (c: ChildProcess) =>
  new Promise<void>((resolve) =>
    c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve()),
  );

/**
 * Vigil as an operator runs it: `vigil migrate`, then one `vigil worker <kind>` process per kind, on a
 * PostgreSQL cluster and a Redis (AOF, fsync always) of the run's own, reading a live file source and
 * alerting a webhook receiver. Worker logs go to .scratch/faults/logs/<scenario>/.
 */
export async function startFaultRun(scenario: string, opts: { receiverDelayMs?: number } = {}) {
  const startedAt = Date.now();
  const pg = await ownPostgres(await port());
  const redisOwned = await ownRedis(await port());
  const dir = tempDir();
  const logDir = join(FIGURES_DIR, 'logs', scenario);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const database = `vigilh12_${scenario.replace(/\W/g, '_')}`;
  const receiver = await startWebhookReceiver(opts.receiverDelayMs ?? 150);
  const input = liveInput(join(dir, 'posts.jsonl'));
  writeFileSync(
    join(dir, 'vigil.config.yaml'),
    [
      'sources:',
      `  - { kind: file, name: live, path: "${input.path}", channel: east_watch, pollInterval: 200ms }`,
      'alerts:',
      `  webhook: { url: "${receiver.url}", secret: "0123456789abcdef0123" }`,
      '  rules:',
      '    - { minSeverity: high, channels: [webhook] }',
      '',
    ].join('\n'),
  );
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: pg.urlOf(database),
    REDIS_URL: redisOwned.url,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
  const migrated = spawnSync(process.execPath, [BIN, 'migrate'], { cwd: dir, env, encoding: 'utf8' });
  if (migrated.status !== 0) {
    await receiver.close();
    pg.destroy();
    await redisOwned.destroy();
    throw new Error(`vigil migrate failed (${migrated.status}): ${migrated.stderr}`);
  }

  const db = createDb(env.DATABASE_URL, 2);
  // The observer's own connection: it must fail fast, not queue commands, while Redis is down.
  const redis = new Redis(redisOwned.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);

  const processes = new Map<WorkerKind, ChildProcess>();
  const killedByUs = new Set<ChildProcess>();
  const unexpectedExits: string[] = [];
  const start = (kind: WorkerKind) => {
    const log = openSync(join(logDir, `${kind}.log`), 'a');
    const child = spawn(process.execPath, [BIN, 'worker', kind], { cwd: dir, env, stdio: ['ignore', log, log] });
    closeSync(log);
    child.once('exit', (code, signal) => {
      if (!killedByUs.has(child)) unexpectedExits.push(`${kind} exited (${code ?? signal})`);
    });
    processes.set(kind, child);
  };
  for (const kind of WORKER_KINDS) start(kind);

  let recoveredAt: number | undefined;
  return {
    scenario,
    startedAt,
    pg,
    database,
    redisOwned,
    redis,
    db,
    input,
    receiver,
    unexpectedExits,
    /** Lines flow and the first offer is delivered: every process is up. */
    async warmUp() {
      input.append(3 * 33);
      await waitFor(async () => receiver.receipts.length > 0, 'the first alert delivered (every worker up)', 60_000);
    },
    /** The background stream, 400 lines a second (12 offers), for `seconds` before the fault. */
    async stream(seconds: number) {
      input.stream(400);
      await sleep(seconds * 1000);
    },
    /**
     * A burst of `lines` at once, returning as soon as ingest has read it all: the fault that follows finds
     * the burst in Redis (posts not classified, items not persisted, alerts not delivered), past the cursor.
     */
    async burst(lines = 3_000) {
      input.append(lines);
      const end = input.written();
      await waitFor(
        async () => {
          const line = (await findSourceByName(db, 'live'))?.cursor?.line;
          return typeof line === 'number' && line >= end;
        },
        'ingest to read the burst',
        30_000,
      );
    },
    /** The stream goes on for 3 s after recovery (what arrives after the fault must get through too), then stops. */
    async tail() {
      await sleep(3_000);
      input.stop();
    },
    async kill(kind: WorkerKind) {
      const child = processes.get(kind)!;
      killedByUs.add(child);
      child.kill('SIGKILL');
      await exited(child);
    },
    /** Starts a killed worker again, as its supervisor would. */
    restart: (kind: WorkerKind) => start(kind),
    /** Marks the moment the fault is over; delivery delays are measured from here. */
    recovered() {
      recoveredAt = Date.now();
    },
    recoveredAt: () => recoveredAt,
    async close() {
      input.stop();
      const alive = [...processes.values()].filter((c) => c.exitCode === null && c.signalCode === null);
      for (const c of alive) {
        killedByUs.add(c);
        c.kill('SIGTERM');
      }
      const forced = setTimeout(() => alive.forEach((c) => c.kill('SIGKILL')), 10_000);
      await Promise.all(alive.map(exited));
      clearTimeout(forced);
      await Promise.allSettled([db.destroy(), receiver.close()]);
      redis.disconnect();
      pg.destroy();
      await redisOwned.destroy();
    },
  };
}

export type FaultRun = Awaited<ReturnType<typeof startFaultRun>>;
