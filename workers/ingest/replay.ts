import type { Redis } from 'ioredis';
import type { Db } from '../../shared/db/client.js';
import type { Logger } from '../../shared/logger.js';
import { followUpJobIds, mediaJobIds, QueueName } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import { currentGeneration } from '../../shared/queues/seen-set.js';
import { deleteInflight, listInflight, rewindSource } from '../../shared/repositories/ingest-inflight.repository.js';

export interface ReplayDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  queues: Queues;
  log: Logger;
}

/** Done with, as far as Redis is concerned: finished (removed or kept) or failed for good (then quarantined in Postgres). */
const PAST = new Set(['completed', 'failed', 'unknown']);

const allPast = async (queues: Queues, queue: QueueName, ids: string[]) =>
  (await Promise.all(ids.map((id) => queues.byName[queue].getJobState(id)))).every((s) => PAST.has(s));

/**
 * Whether every job carrying a read's posts is past: its classify jobs, then the alert, near-miss and media
 * jobs they added, then the alert each media job adds. A job adds its follow-ups before it completes, so
 * once it is past they exist or are past too.
 */
async function readSettled(queues: Queues, read: { job_ids: string[]; media_post_keys: string[] }): Promise<boolean> {
  const media = read.media_post_keys.map(mediaJobIds);
  // In the order the jobs add one another: a stage is asked only once the one before it is past.
  const stages: [QueueName, string[]][] = [
    [QueueName.Classify, read.job_ids],
    [QueueName.Alert, read.job_ids.flatMap((id) => Object.values(followUpJobIds(id)))],
    [QueueName.Media, media.map((m) => m.read)],
    [QueueName.Alert, media.map((m) => m.alert)],
  ];
  for (const [queue, ids] of stages) if (!(await allPast(queues, queue, ids))) return false;
  return true;
}

/**
 * Where a poll reads from. The source's cursor moves past a read as soon as its posts are queued, so while
 * they are only in Redis the read stays in ingest_inflight with the cursor before it. Reads whose jobs went
 * to a Redis generation that is gone (flushed, restarted empty, or another database's) are lost with it: the
 * source is rewound to the oldest of them and the posts are read and queued again (their seen-set keys went
 * too), Postgres' unique keys absorbing those that had got through. Settled reads are forgotten.
 */
export async function replayPoint(
  deps: ReplayDeps,
  source: { id: number; cursor: Record<string, unknown> | null },
  epoch: string,
  generation: string,
): Promise<Record<string, unknown> | null> {
  const reads = await listInflight(deps.db, source.id);
  const oldest = reads[0];
  if (!oldest) return source.cursor;
  if (reads.some((r) => r.redis_generation !== generation)) {
    await rewindSource(deps.db, source.id, oldest.cursor_before);
    deps.log.warn(
      { reads: reads.length, since: oldest.cursor_before },
      'Redis lost posts queued by earlier reads; reading them again',
    );
    return oldest.cursor_before;
  }
  const settled: number[] = [];
  for (const read of reads) {
    if (!(await readSettled(deps.queues, read))) break;
    settled.push(read.id);
  }
  // A Redis emptied while we looked answers "unknown" for every job: the answers count only if the generation held.
  if (settled.length && (await currentGeneration(deps.redis, deps.prefix, epoch)) === generation)
    await deleteInflight(deps.db, settled);
  return source.cursor;
}
