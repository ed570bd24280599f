import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { parseDuration } from '../shared/config/duration.js';
import { createDb } from '../shared/db/client.js';
import { parseWatchList, watchedSources } from '../shared/domain/watch-list.js';
import { createLogger } from '../shared/logger.js';
import { createQueues } from '../shared/queues/queues.js';
import { createRedis } from '../shared/queues/redis.js';
import { appendAudit } from '../shared/repositories/audit.repository.js';
import { importWatchedSources } from '../shared/repositories/watch-list.repository.js';
import { scheduleSources } from '../workers/ingest/source-schedule.js';
import { cliActor, UsageError } from './admin.command.js';

/** Imported channels are read at least this often when the budget allows (their pollInterval). */
const DEFAULT_MAX_INTERVAL = '1d';

/**
 * `vigil sources import FILE --reason R [--priority 1-5] [--max-interval 1d]`: a watch-list of t.me channels
 * added (or re-prioritised) in one audited transaction, then scheduled at once under the revisit policy.
 * Lines that are not channels are reported and skipped. Returns the exit code.
 */
export async function runSources(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, file, ...rest] = args;
  if (action !== 'import' || !file)
    throw new UsageError('sources: usage: vigil sources import FILE --reason R [--priority 1-5] [--max-interval 1d]');
  const { values } = parseArgs({
    args: rest,
    options: { reason: { type: 'string' }, priority: { type: 'string' }, 'max-interval': { type: 'string' } },
  });
  const reason = values.reason?.trim() ?? '';
  if (reason.length < 3) throw new UsageError('sources import: give --reason, for the audit log and the desk');
  const priority = Number(values.priority ?? 1);
  if (!Number.isInteger(priority) || priority < 1 || priority > 5)
    throw new UsageError('sources import: --priority must be 1 (normal) to 5');
  const maxInterval = values['max-interval'] ?? DEFAULT_MAX_INTERVAL;
  if (parseDuration(maxInterval) === undefined)
    throw new UsageError(`sources import: --max-interval must be a duration like "6h", got ${maxInterval}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `sources import: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }

  const started = performance.now();
  const { entries, rejects } = parseWatchList(text);
  for (const r of rejects)
    process.stderr.write(`${basename(file)}:${r.line}: skipped ${JSON.stringify(r.text)}: ${r.reason}\n`);
  const sources = watchedSources(entries, maxInterval);
  const log = createLogger({ level: 'warn', format: 'json' }, config.env);
  const db = createDb(config.database.url, 2);
  const redis = createRedis(config.redis.url, 'worker');
  const queues = createQueues(redis, config.redis.prefix, log);
  try {
    const counts = await db.transaction().execute(async (trx) => {
      const c = await importWatchedSources(trx, sources, priority, reason);
      await appendAudit(trx, {
        ...cliActor(),
        action: 'sources.import',
        entity: 'source',
        entityId: basename(file),
        details: { reason, priority, maxInterval, added: c.added, updated: c.updated, skipped: rejects.length },
      });
      return c;
    });
    const scheduled = await scheduleSources(db, queues, log, config.ingest);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `imported ${entries.length} channels from ${basename(file)} (${counts.added} new, ${counts.updated} updated, ${rejects.length} lines skipped); ${scheduled} sources scheduled in ${seconds} s\n`,
    );
    return rejects.length && !entries.length ? 1 : 0;
  } finally {
    await queues.close();
    await Promise.allSettled([db.destroy(), redis.quit()]);
  }
}
