import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../shared/config/config.js';
import { createLogger, safeUrl, type Logger } from '../shared/logger.js';
import { classifyStream, describeText } from './classify.command.js';
import { WORKER_KINDS, type Role, type WorkerKind } from './roles.js';

const HELP = `vigil — watches public channels for hate-incentive campaigns

Usage: npx vigil <command> [options]

Commands:
  start                 migrate, then run every worker and the HTTP API in one process (default)
  worker <kind>         run one worker kind (${WORKER_KINDS.join(' | ')}), for scaling out
  api                   run the HTTP API alone
  migrate               create the database if needed and apply migrations
  classify              JSON Lines on stdin ({"id", "text"}) -> one verdict per line on stdout
  classify --text "…"   classify one text and print the verdict readably
  eval [--data FILE] [--voices DIR] [--misses N]
                        per-label and per-language figures on the corpus and voices dev splits and each fresh set
                        (or FILE), beside the previous model's recorded figures and a keyword baseline;
                        --misses N lists N misclassified posts of the dev splits (never of a fresh set)
  eval-external [DIR]   false-alarm check on outside data (HateCheck, Hatemoji, Davidson); DIR or VIGIL_EXTERNAL_DATA
  train [--no-db] [--out FILE] [--data DIR] [--force]
                        rebuild the classifier from the corpus and analysts' decisions in Postgres
                        (review items and near misses)
  user add --email E --role R
                        add a user (analyst | duty_officer | admin | auditor); password from stdin or generated
  token create --email E [--name N]
                        print a new API token (last line) for "Authorization: Bearer <token>"
  user list             every account, its role and whether it is disabled
  user disable --email E --reason R
                        disable an account (its sessions end, its tokens stop working); audited
  user reset-password --email E --reason R
                        set a new password (from stdin or generated, printed once); audited
  token list [--email E]
                        API tokens (never their secrets), with when each was last used
  token revoke --id N --reason R
                        revoke an API token; audited
  audit verify [--checkpoints FILE]
                        check every hash and link of the audit log, and that it still holds every signed
                        checkpoint of its head (the checkpoint file, or FILE); exit 1 naming what was altered
  export (--item ID… | --campaign ID) --out FILE.zip --recipient R --purpose P [--as EMAIL] [--force]
                        write a signed evidence bundle; every item must exist, the folder must exist,
                        and an existing FILE.zip is kept unless --force
  sources import FILE --reason R [--priority 1-5] [--max-interval 1d]
                        add a watch-list of t.me channels (links, @names or names, one a line) and schedule
                        them at once; existing ones get the new priority and reason; audited
  keys show             this instance's evidence signing key: fingerprint (for recipients to pin) and PEM
  jobs failed [--queue Q] | jobs retry [--queue Q] [--id ID…]
                        list the failed set (dead letters) / put failed jobs back in their queue
  verify FILE.zip [--public-key PEM] [--fingerprint HEX] [--max-entries N] [--max-entry-bytes SIZE]
         [--max-total-bytes SIZE] [--max-ratio N] [--timeout DURATION]
                        check a bundle's signature, files and custody without the database. Exit 0
                        VERIFIED (signed by the pinned key), 1 NOT VERIFIED (naming what was altered),
                        3 intact but no key pinned (says the signer's fingerprint, never VERIFIED),
                        4 REFUSED (over a limit: 100000 entries, 128M a file, 1G in all, ratio 100, 2m)
  help                  this text

Configuration: environment variables (REDIS_URL, DATABASE_URL, PORT, HOST, LOG_LEVEL, LOG_FORMAT,
VIGIL_QUEUE_PREFIX) over an optional vigil.config.yaml (path: VIGIL_CONFIG). See README.md.
`;

const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;

// Database and queue modules load only for the commands that use them, so `vigil classify` starts fast.
async function migrate(config: Readonly<Config>, log: Logger): Promise<void> {
  const { createDb } = await import('../shared/db/client.js');
  const { ensureDatabase, migrateToLatest } = await import('../shared/db/migrate.js');
  if (await ensureDatabase(config.database.url))
    log.info({ database: safeUrl(config.database.url) }, 'database created');
  const db = createDb(config.database.url, 2);
  try {
    const { results } = await migrateToLatest(db);
    for (const r of results ?? []) log.info({ migration: r.migrationName, status: r.status }, 'migration');
  } finally {
    await db.destroy();
  }
}

/** Analysts' confirmed and dismissed items and their calls on near misses; training goes on from the corpus alone if Postgres can't be read. */
async function readDecisions() {
  const config = loadConfig();
  const { createDb } = await import('../shared/db/client.js');
  const { listDecisions } = await import('../shared/repositories/review-item.repository.js');
  const { listNearMissDecisions } = await import('../shared/repositories/near-miss.repository.js');
  const db = createDb(config.database.url, 1);
  try {
    return [...(await listDecisions(db)), ...(await listNearMissDecisions(db))];
  } catch (err) {
    process.stderr.write(
      `vigil train: could not read analysts' decisions from ${safeUrl(config.database.url)} (${(err as Error).message}); training on the corpus alone\n`,
    );
    return [];
  } finally {
    await db.destroy();
  }
}

/** Past the grace period the runtime abandons what still runs and gives the rest 10 s; this is the backstop. */
const SHUTDOWN_BACKSTOP_MS = 15_000;

/**
 * Runs until SIGINT/SIGTERM, then shuts down in order within `workers.shutdownGrace` plus a few seconds;
 * a second signal forces exit.
 */
async function serve(config: Readonly<Config>, log: Logger, roles: Role[]): Promise<void> {
  const { startRuntime } = await import('./runtime.js');
  const runtime = await startRuntime(config, log, roles);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal, graceMs: config.workers.shutdownGrace }, 'shutting down');
      process.once(signal, () => process.exit(1));
      setTimeout(() => {
        log.error('shutdown overran its limit; exiting');
        process.exit(1);
      }, config.workers.shutdownGrace + SHUTDOWN_BACKSTOP_MS).unref();
      runtime.close().then(resolve, (err) => {
        log.error({ err }, 'unclean shutdown');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log.info('stopped');
  // An abandoned job's query can keep a socket open long after; the process is done either way.
  setTimeout(() => process.exit(), 1_000).unref();
}

/** node:util parseArgs rejects an unknown option or a missing value with a TypeError carrying an ERR_PARSE_ARGS_* code. */
function isParseArgsError(err: unknown): err is TypeError {
  return (
    err instanceof TypeError && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS_')
  );
}

async function runEvalCommand(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: { data: { type: 'string' }, voices: { type: 'string' }, misses: { type: 'string' } },
  });
  const { runEval } = await import('./eval.command.js');
  const misses = Number(values.misses ?? 0);
  if (!Number.isInteger(misses) || misses < 0)
    throw new Error(`--misses expects a count, got ${JSON.stringify(values.misses)}`);
  process.stdout.write(
    runEval({
      misses,
      ...(values.data ? { dataFile: values.data } : {}),
      ...(values.voices ? { voicesDir: values.voices } : {}),
    }),
  );
  return 0;
}

async function runTrainCommand(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      'no-db': { type: 'boolean' },
      out: { type: 'string' },
      data: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  const decisions = values['no-db'] ? [] : await readDecisions();
  const { runTrain } = await import('./train.command.js');
  const result = runTrain({
    decisions,
    force: values.force === true,
    ...(values.out ? { out: values.out } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
  });
  process.stdout.write(result.report);
  return result.written ? 0 : 1;
}

/** The commands that need no config (no database, no Redis); undefined for any other. */
async function runStandalone(command: string, rest: string[]): Promise<number | undefined> {
  if (command === 'help' || [command, ...rest].some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'classify') {
    const { values } = parseArgs({ args: rest, options: { text: { type: 'string' } } });
    if (values.text !== undefined) {
      process.stdout.write(`${describeText(values.text)}\n`);
      return 0;
    }
    return classifyStream(process.stdin, process.stdout);
  }

  if (command === 'eval') return runEvalCommand(rest);
  if (command === 'eval-external') {
    const { externalDataDir, externalReport, formatExternal } = await import('./eval-external.command.js');
    const dir = externalDataDir(rest[0], process.env);
    if (!dir) {
      process.stdout.write(
        'eval-external: skipped, no outside data found (pass a folder holding hatecheck/, hatemoji/, davidson/ or set VIGIL_EXTERNAL_DATA)\n',
      );
      return 0;
    }
    process.stdout.write(formatExternal(externalReport(dir)));
    return 0;
  }
  if (command === 'verify') {
    const { runVerify } = await import('./evidence.command.js');
    const { UsageError } = await import('./admin.command.js');
    return runVerify(rest).catch((err: unknown) => {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`vigil ${err.message}\n`);
      return EXIT_USAGE;
    });
  }
  if (command === 'train') return runTrainCommand(rest);
  return undefined;
}

/** The administration commands, each in its own module; a usage error is reported in one line. */
async function runAdministration(command: string, rest: string[], config: Readonly<Config>): Promise<number> {
  const { runAdmin, UsageError } = await import('./admin.command.js');
  const { runExport } = await import('./evidence.command.js');
  const { runJobs } = await import('./jobs.command.js');
  const { runKeys } = await import('./keys.command.js');
  const { runSources } = await import('./sources.command.js');
  try {
    if (command === 'jobs') return await runJobs(rest, config);
    if (command === 'sources') return await runSources(rest, config);
    if (command === 'keys') return await runKeys(rest, config);
    return await (command === 'export' ? runExport(rest, config) : runAdmin(command, rest, config));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`vigil ${err.message}\n`);
    return EXIT_USAGE;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command = 'start', ...rest] = argv;
  const standalone = await runStandalone(command, rest);
  if (standalone !== undefined) return standalone;

  const config = loadConfig();
  const log = createLogger(config.log, config.env);
  switch (command) {
    case 'migrate':
      await migrate(config, log);
      return 0;
    case 'start':
      await migrate(config, log);
      await serve(config, log, ['api', ...WORKER_KINDS]);
      return 0;
    case 'api':
      await serve(config, log, ['api']);
      return 0;
    case 'worker': {
      const kind = rest[0] as WorkerKind | undefined;
      if (!kind || !WORKER_KINDS.includes(kind)) {
        process.stderr.write(`vigil worker: expected one of ${WORKER_KINDS.join(', ')}, got ${kind ?? 'nothing'}\n`);
        return EXIT_USAGE;
      }
      await serve(config, log, [kind]);
      return 0;
    }
    case 'user':
    case 'token':
    case 'audit':
    case 'export':
    case 'keys':
    case 'sources':
    case 'jobs':
      return runAdministration(command, rest, config);
    default:
      process.stderr.write(`vigil: unknown command "${command}"\n\n${HELP}`);
      return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      process.exitCode = EXIT_CONFIG;
      return;
    }
    if (isParseArgsError(err)) {
      process.stderr.write(`vigil: ${err.message}; \`vigil help\` lists each command's options\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`vigil: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
