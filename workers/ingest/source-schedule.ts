import { basename } from 'node:path';
import type { Config, SourceConfig } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import { DEMO_EXPORT } from '../../shared/paths.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import type { SourceRow } from '../../shared/db/database.js';
import {
  disableSourcesExcept,
  findSource,
  findSourceByName,
  insertSourceIfMissing,
  upsertSource,
} from '../../shared/repositories/source.repository.js';
import { saveRevisitPlans, sourcesForRevisit, type RevisitRow } from '../../shared/repositories/revisit.repository.js';
import { sourceSchema } from '../../shared/config/config.schema.js';
import { ensurePollSchedule, planBudgetedSources, tierPriority, type RevisitConfig } from './revisit-plan.js';
import type { RevisitPlan } from './revisit-policy.js';

export const DEMO_SOURCE_NAME = 'demo';

function defaultName(s: SourceConfig): string {
  switch (s.kind) {
    case 'file':
    case 'telegram-export':
      return `${s.kind}-${basename(s.path)}`;
    case 'telegram-web':
      return `telegram-web-${s.channel}`;
    case 'rss': {
      const u = new URL(s.url);
      return `rss-${u.host}${u.pathname}`;
    }
    case 'mastodon':
      return `mastodon-${new URL(s.instance).host}-${s.hashtag ?? (s.local ? 'local' : 'public')}`;
    case 'telegram-bot':
      // The bot's numeric id, never the secret half of the token.
      return `telegram-bot-${s.botToken.split(':')[0]}`;
  }
}

export const sourceName = (s: SourceConfig): string =>
  s.name ??
  defaultName(s)
    .replace(/[^\w.@-]/g, '_')
    .slice(0, 100);

const schedulerId = (sourceId: number) => `source-${sourceId}`;

/** The demo plays only while no source is configured, so a fresh install shows something. */
export function desiredSources(
  config: Pick<Config, 'sources' | 'demo'>,
): { name: string; source: SourceConfig; origin: 'config' | 'demo' }[] {
  if (config.sources.length)
    return config.sources.map((source) => ({ name: sourceName(source), source, origin: 'config' as const }));
  if (!config.demo) return [];
  return [
    {
      name: DEMO_SOURCE_NAME,
      source: { kind: 'telegram-export', path: DEMO_EXPORT(), pollInterval: 60_000 },
      origin: 'demo' as const,
    },
  ];
}

/**
 * Brings the source table in line with the config and gives every enabled source a BullMQ job
 * scheduler; sources dropped from the config are disabled (never deleted) and unscheduled.
 */
export async function syncSources(
  db: Db,
  queues: Queues,
  config: Pick<Config, 'sources' | 'demo'> & { ingest?: RevisitConfig },
  log: Logger,
): Promise<void> {
  const desired = desiredSources(config);
  const names = desired.map((d) => d.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`two sources share the name "${duplicate}"; give each a distinct "name"`);

  for (const d of desired) await upsertSource(db, d.name, d.source.kind, d.source, d.origin);
  for (const row of await disableSourcesExcept(db, names))
    log.info({ source: row.name }, 'source no longer configured; disabled');
  await scheduleSources(db, queues, log, config.ingest);
}

/** Schedulers are read and written this many at a time: 10,000 sources one by one would take minutes. */
const SCHEDULE_SLICE = 200;

/**
 * Gives every enabled source in the table a job scheduler and removes the others' (disabled sources, and
 * ids no row has: a recreated database numbers its sources anew). Runs at start and then periodically, so
 * sources added or switched off in the database, and schedulers Redis lost, take effect without a restart.
 * With `revisit`, sources on budgeted hosts are read as the revisit policy plans (the one place it is applied);
 * the rest, and all without it, every pollInterval.
 */
export async function scheduleSources(db: Db, queues: Queues, log: Logger, revisit?: RevisitConfig): Promise<number> {
  const ingest = queues.byName[QueueName.Ingest];
  const rows = await sourcesForRevisit(db, new Date(Date.now() - (revisit?.revisit.hotFor ?? 0)));
  const enabled: { row: RevisitRow; source: SourceConfig }[] = [];
  for (const row of rows) {
    const parsed = sourceSchema.safeParse(row.config);
    if (!row.enabled || !parsed.success) {
      if (!parsed.success && row.enabled)
        log.error(
          { source: row.name, problem: parsed.error.issues[0]?.message },
          'stored source config is invalid; not scheduled',
        );
      continue;
    }
    enabled.push({ row, source: parsed.data });
  }
  const plans = revisit
    ? planBudgetedSources(
        enabled.map(({ row, source }) => ({
          id: row.id,
          source,
          priority: row.priority,
          postsPerHour: row.posts_per_hour,
          flagged: Number(row.flagged),
        })),
        revisit,
      )
    : new Map<number, RevisitPlan>();
  const wanted = new Set(enabled.map(({ row }) => schedulerId(row.id)));
  for (let i = 0; i < enabled.length; i += SCHEDULE_SLICE) {
    await Promise.all(
      enabled.slice(i, i + SCHEDULE_SLICE).map(async ({ row, source }) => {
        const plan = plans.get(row.id);
        const schedule = {
          every: plan?.intervalMs ?? source.pollInterval,
          priority: tierPriority(plan?.tier),
          tolerance: plan && plan.tier === row.tier ? 0.2 : 0,
          lastPolledAt: row.last_success_at,
        };
        if (
          await ensurePollSchedule(ingest, schedulerId(row.id), schedule, { sourceId: row.id, sourceName: row.name })
        ) {
          log.info({ source: row.name, kind: row.kind, every: schedule.every, tier: plan?.tier }, 'source scheduled');
        }
      }),
    );
  }
  await saveRevisitPlans(
    db,
    enabled.flatMap(({ row }) => {
      const plan = plans.get(row.id);
      return plan && (plan.intervalMs !== row.revisit_ms || plan.tier !== row.tier) ? [{ id: row.id, ...plan }] : [];
    }),
  );
  for (const scheduler of await ingest.getJobSchedulers()) {
    if (scheduler.key.startsWith('source-') && !wanted.has(scheduler.key))
      await ingest.removeJobScheduler(scheduler.key);
  }
  return wanted.size;
}

/**
 * The periodic pass: config sources whose rows are missing (the database was recreated or restored from
 * before they were added) are inserted again, then every source is (re)scheduled.
 */
export async function resyncSources(
  db: Db,
  queues: Queues,
  config: Pick<Config, 'sources' | 'demo'> & { ingest?: RevisitConfig },
  log: Logger,
): Promise<number> {
  for (const d of desiredSources(config)) {
    if (await insertSourceIfMissing(db, d.name, d.source.kind, d.source, d.origin))
      log.warn({ source: d.name }, 'configured source had no row; re-created');
  }
  return scheduleSources(db, queues, log, config.ingest);
}

/**
 * The source a poll job is for. By name first: ids are not stable across a recreated database. A configured
 * source whose row is missing is re-created from the config on the spot, so polls never fail for want of a row.
 */
export async function sourceForPoll(
  db: Db,
  config: Pick<Config, 'sources' | 'demo'>,
  job: { sourceId: number; sourceName?: string | undefined },
): Promise<SourceRow | undefined> {
  if (!job.sourceName) return findSource(db, job.sourceId);
  const row = await findSourceByName(db, job.sourceName);
  if (row) return row;
  const declared = desiredSources(config).find((d) => d.name === job.sourceName);
  return declared ? upsertSource(db, declared.name, declared.source.kind, declared.source, declared.origin) : undefined;
}
