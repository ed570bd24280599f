import type { Queue } from 'bullmq';
import type { Config, SourceConfig } from '../../shared/config/config.js';
import type { JobData } from '../../shared/queues/queue.catalog.js';
import { planRevisits, tierPriority, type RevisitPlan, type RevisitSource } from './revisit-policy.js';

export type RevisitConfig = Pick<Config['ingest'], 'hosts' | 'revisit'>;

/** The host a source's requests go to, for the sources that read over HTTP from one. */
export function sourceHost(source: SourceConfig): string | undefined {
  switch (source.kind) {
    case 'telegram-web':
      return new URL(source.baseUrl).host;
    case 'rss':
      return new URL(source.url).host;
    case 'mastodon':
      return new URL(source.instance).host;
    case 'telegram-bot':
    case 'file':
    case 'telegram-export':
      return undefined;
  }
}

export interface PlanInput {
  id: number;
  source: SourceConfig;
  priority: number;
  postsPerHour: number;
  flagged: number;
}

/** Plans, host by host, the sources on budgeted hosts; the others keep their pollInterval (absent from the map). */
export function planBudgetedSources(sources: PlanInput[], config: RevisitConfig): Map<number, RevisitPlan> {
  const plans = new Map<number, RevisitPlan>();
  if (!config.revisit.adaptive) return plans;
  const byHost = new Map<string, RevisitSource[]>();
  for (const s of sources) {
    const host = sourceHost(s.source);
    if (!host || !config.hosts[host]) continue;
    const list = byHost.get(host) ?? [];
    list.push({
      id: s.id,
      postsPerHour: s.postsPerHour,
      priority: s.priority,
      flagged: s.flagged,
      maxIntervalMs: s.source.pollInterval,
    });
    byHost.set(host, list);
  }
  const { utilisation, minInterval, jitter } = config.revisit;
  for (const [host, list] of byHost) {
    for (const [id, plan] of planRevisits(list, {
      perSecond: config.hosts[host]!.perSecond,
      utilisation,
      minIntervalMs: minInterval,
      jitter,
    }))
      plans.set(id, plan);
  }
  return plans;
}

export interface PollSchedule {
  every: number;
  priority: number;
  /** A change within this fraction of the current interval is not worth a write (a plan moves a little each pass). */
  tolerance: number;
  /** The last successful poll: a changed interval counts from there, so a source turning hot is read at once. */
  lastPolledAt: Date | null;
}

/**
 * Creates or updates a source's poll scheduler when it is missing or its interval or priority moved past the
 * tolerance. Returns whether it wrote. BullMQ runs a scheduler whose interval changed at its startDate.
 */
export async function ensurePollSchedule(
  queue: Queue,
  id: string,
  schedule: PollSchedule,
  data: JobData['source.poll'],
): Promise<boolean> {
  const existing = await queue.getJobScheduler(id);
  // A source not read yet keeps its place: rewriting its scheduler would put its first poll back at the end of
  // the line, and plans move a lot while the first reads come in.
  const unread = existing?.name === 'source.poll' && !schedule.lastPolledAt && schedule.priority !== 1;
  const same =
    existing?.name === 'source.poll' &&
    existing.every !== undefined &&
    Math.abs(existing.every - schedule.every) <= schedule.tolerance * existing.every &&
    (existing.template?.opts?.priority ?? 0) === schedule.priority &&
    JSON.stringify(existing.template?.data ?? {}) === JSON.stringify(data);
  if (same || (unread && JSON.stringify(existing.template?.data ?? {}) === JSON.stringify(data))) return false;
  const startDate =
    existing && schedule.lastPolledAt
      ? Math.max(Date.now(), schedule.lastPolledAt.getTime() + schedule.every)
      : undefined;
  await queue.upsertJobScheduler(
    id,
    { every: schedule.every, ...(startDate ? { startDate } : {}) },
    { name: 'source.poll', data, opts: { priority: schedule.priority } },
  );
  return true;
}

export { tierPriority };
