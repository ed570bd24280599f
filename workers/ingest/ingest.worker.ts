import { createHash } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config, SourceConfig } from '../../shared/config/config.js';
import { sourceSchema } from '../../shared/config/config.schema.js';
import type { Db } from '../../shared/db/client.js';
import type { SourceRow } from '../../shared/db/database.js';
import type { CapturedPost } from '../../shared/domain/post.js';
import type { Logger } from '../../shared/logger.js';
import { addStats } from '../../shared/metrics.js';
import type { Handlers, JobData } from '../../shared/queues/queue.catalog.js';
import { jobMeta, type Queues } from '../../shared/queues/queues.js';
import { filterSeen, markSeen, redisGeneration } from '../../shared/queues/seen-set.js';
import { recordInflight } from '../../shared/repositories/ingest-inflight.repository.js';
import { databaseEpoch } from '../../shared/repositories/instance.repository.js';
import { findSeen, markDeleted, recordSeen, seenIdsBetween } from '../../shared/repositories/post-seen.repository.js';
import { quarantine } from '../../shared/repositories/quarantine.repository.js';
import { savePostingRate } from '../../shared/repositories/revisit.repository.js';
import { recordSourceError, saveCursor, withSourceLock } from '../../shared/repositories/source.repository.js';
import { hasImages } from '../media/image-refs.js';
import { FetchError, type Fetcher } from './http-fetcher.js';
import { withContext } from './post-context.js';
import { assignVersions, type Versioned } from './post-versions.js';
import { replayPoint } from './replay.js';
import { observeRate, tierPriority } from './revisit-policy.js';
import { sourceForPoll } from './source-schedule.js';
import { readerFor } from './source-readers.js';
import { checkPosts, type ReadResult, type SourceReader } from './source.js';

export interface IngestDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  fetcher: Fetcher;
  /** `sources` and `demo` re-create a configured source whose row is missing. */
  config: Pick<Config, 'redis' | 'sources' | 'demo'> & {
    ingest: Omit<Config['ingest'], 'hosts' | 'revisit'> & { revisit?: Pick<Config['ingest']['revisit'], 'rateWindow'> };
  };
  log: Logger;
}

/** Reads caps per poll job, so one huge backlog cannot hold a worker for minutes. */
const MAX_READS_PER_POLL = 50;
/** Backoff after consecutive failures: 30 s doubling, at most an hour, with jitter. */
const failureBackoffMs = (failures: number) =>
  Math.min(3_600_000, 30_000 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() * 0.5);

const batchJobId = (posts: CapturedPost[]) =>
  `posts-${createHash('sha256')
    .update(posts.map((p) => p.key).join())
    .digest('hex')
    .slice(0, 40)}`;

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type PollTotals = { read: number; enqueued: number; edits: number; deleted: number; quarantined: number };

/** One poll job's source, once checked, and what its reads add up to. */
interface Poll {
  source: SourceRow;
  sourceConfig: SourceConfig;
  log: Logger;
  read: SourceReader;
  fetcher: Fetcher;
  totals: PollTotals;
  /** Publication times (ms, NaN when unknown) of the posts first seen by this poll. */
  fresh: number[];
}

/** Where this poll's reads are enqueued and recorded: the database's epoch and Redis' generation in it. */
interface PollPlace {
  epoch: string;
  generation: string;
}

/**
 * Enqueues what has not provably been through the pipeline: a post is dropped only when Postgres has seen
 * this version and the seen-set, in this database's namespace, still holds it. Returns the posts sent and their jobs.
 */
async function enqueueNew(
  deps: IngestDeps,
  versioned: Versioned[],
  epoch: string,
): Promise<{ sent: Versioned[]; jobIds: string[] }> {
  const { redis, queues, config } = deps;
  const prefix = config.redis.prefix;
  const held = await filterSeen(
    redis,
    prefix,
    epoch,
    versioned.filter((v) => v.repeat).map((v) => v.post.key),
  );
  const sent = versioned.filter((v) => !(v.repeat && held.has(v.post.key)));
  const batches = chunk(
    sent.map((v) => v.post),
    config.ingest.batchSize,
  ).map((posts) => ({ posts, jobId: batchJobId(posts) }));
  const meta = jobMeta();
  await queues.enqueueBulk(
    'posts.classify',
    batches.map((b) => ({ data: { posts: b.posts, meta }, opts: { jobId: b.jobId } })),
  );
  await markSeen(
    redis,
    prefix,
    epoch,
    sent.map((v) => v.post.key),
    config.ingest.seenTtl,
  );
  return { sent, jobIds: batches.map((b) => b.jobId) };
}

/** The source a poll job names, checked: a reason to skip it, or what polling it takes. */
async function startPoll(
  deps: IngestDeps,
  data: JobData['source.poll'],
  jobId: string | undefined,
): Promise<Poll | { skipped: string }> {
  const source = await sourceForPoll(deps.db, deps.config, data);
  if (!source) {
    deps.log.warn(
      { sourceId: data.sourceId, source: data.sourceName },
      'polled source no longer exists; its schedule goes at the next resync',
    );
    return { skipped: 'no such source' };
  }
  if (!source.enabled) return { skipped: 'disabled' };
  if (source.backoff_until && source.backoff_until.getTime() > Date.now())
    return { skipped: `backing off until ${source.backoff_until.toISOString()}` };
  const parsed = sourceSchema.safeParse(source.config);
  if (!parsed.success)
    throw new UnrecoverableError(
      `source ${source.name} has an invalid stored config: ${parsed.error.issues[0]?.message}`,
    );
  return {
    source,
    sourceConfig: parsed.data,
    log: deps.log.child({ source: source.name, jobId }),
    read: readerFor(parsed.data),
    // Requests to a busy budgeted host go hot sources first.
    fetcher: deps.fetcher.withPriority(tierPriority(source.tier as 'hot' | 'warm' | 'cold' | null)),
    totals: { read: 0, enqueued: 0, edits: 0, deleted: 0, quarantined: 0 },
    fresh: [],
  };
}

/** Reads one page from the source; what cannot become a post is quarantined here. */
async function readPage(
  deps: IngestDeps,
  poll: Poll,
  cursor: Record<string, unknown> | null,
): Promise<{ result: ReadResult; posts: CapturedPost[] }> {
  const { db, config } = deps;
  const { source, log } = poll;
  const sourceId = source.id;
  const result = await poll.read(poll.sourceConfig, {
    sourceName: source.name,
    cursor,
    maxPostBytes: config.ingest.maxPostBytes,
    log,
    fetcher: poll.fetcher,
    seenIdsBetween: (from, to) => seenIdsBetween(db, sourceId, from, to),
  });
  // Posts no query can bind (a NUL in an id) are refused here, before the seen-set or Postgres sees them.
  const checked = checkPosts(result.posts);
  const rejects = [...result.rejects, ...checked.rejects];
  if (rejects.length) {
    for (const r of rejects) log.error({ reason: r.reason, context: r.context }, 'input quarantined');
    poll.totals.quarantined += rejects.length;
    await quarantine(
      db,
      rejects.map((r) => ({ sourceId, stage: 'ingest', reason: r.reason, raw: r.raw, context: r.context })),
    );
  }
  return { result, posts: checked.posts };
}

/** Enqueues a page's new posts, then records them and moves the source's cursor past the page. */
async function persistPage(
  deps: IngestDeps,
  poll: Poll,
  place: PollPlace,
  before: Record<string, unknown> | null,
  page: { result: ReadResult; posts: CapturedPost[] },
): Promise<void> {
  const { db } = deps;
  const { totals, fresh } = poll;
  const sourceId = poll.source.id;
  const { result, posts } = page;
  const versioned = assignVersions(
    withContext(posts),
    await findSeen(
      db,
      sourceId,
      posts.map((p) => p.externalId),
    ),
  );
  const { sent, jobIds } = await enqueueNew(deps, versioned, place.epoch);
  totals.read += posts.length;
  totals.enqueued += sent.length;
  totals.edits += sent.filter((v) => !v.repeat && v.post.version > 1).length;
  for (const v of sent)
    if (!v.repeat && v.post.version === 1) fresh.push(v.post.publishedAt ? Date.parse(v.post.publishedAt) : Number.NaN);
  totals.deleted += result.gone?.length ?? 0;
  // After the enqueue, so a crash in between re-sends posts (Postgres' unique keys absorb them) rather than
  // loses them; in one transaction, so the cursor never moves past a read whose posts are not recorded in flight.
  await db.transaction().execute(async (trx) => {
    await recordSeen(
      trx,
      sourceId,
      sent.map((v) => ({ externalId: v.post.externalId, version: v.post.version, textSha256: v.textSha256 })),
    );
    if (result.gone?.length) await markDeleted(trx, sourceId, result.gone);
    if (jobIds.length)
      await recordInflight(trx, {
        sourceId,
        cursorBefore: before,
        jobIds,
        mediaPostKeys: sent.filter((v) => hasImages(v.post)).map((v) => v.post.key),
        redisGeneration: place.generation,
      });
    await saveCursor(trx, sourceId, result.cursor);
  });
}

/** Reads and persists page after page, from where the last poll left off, until the source has no more or the cap. */
async function readSource(deps: IngestDeps, poll: Poll): Promise<void> {
  const { db, redis, queues, config } = deps;
  const prefix = config.redis.prefix;
  const epoch = await databaseEpoch(db);
  const generation = await redisGeneration(redis, prefix, epoch);
  let cursor = await replayPoint({ db, redis, prefix, queues, log: poll.log }, poll.source, epoch, generation);
  for (let i = 0; i < MAX_READS_PER_POLL; i++) {
    const page = await readPage(deps, poll, cursor);
    await persistPage(deps, poll, { epoch, generation }, cursor, page);
    cursor = page.result.cursor;
    if (!page.result.more) break;
  }
}

/** Records a failed poll on its source; a rate-limited one ends the job normally, anything else rethrows. */
async function pollFailed(deps: IngestDeps, poll: Poll, err: unknown): Promise<PollTotals & { rateLimited: true }> {
  const { db } = deps;
  const { source, totals } = poll;
  const sourceId = source.id;
  if (err instanceof FetchError && err.partial) {
    // An oversized response is bad input too: keep what was read, as for any other.
    totals.quarantined += 1;
    await quarantine(db, [
      {
        sourceId,
        stage: 'ingest',
        reason: err.message,
        raw: err.partial.subarray(0, 1024 * 1024),
        context: { truncated: true },
      },
    ]).catch(() => undefined);
  }
  const rateLimited = err instanceof FetchError && err.kind === 'rate_limited';
  const waitMs = rateLimited ? (err.retryAfterMs ?? 60_000) : failureBackoffMs(source.consecutive_failures);
  await recordSourceError(db, sourceId, (err as Error).message, new Date(Date.now() + waitMs)).catch(() => undefined);
  // A 429 is the source asking for time, not a fault: wait it out instead of retrying the job.
  if (rateLimited) {
    poll.log.warn({ retryAfterMs: waitMs }, 'source rate-limited us; polls paused');
    return { ...totals, rateLimited: true };
  }
  throw err;
}

/** Saves the source's observed posting rate (unless it rate-limited us) and counts the poll in the stats. */
async function finishPoll(deps: IngestDeps, poll: Poll, rateLimited: boolean): Promise<void> {
  const { db, redis, config } = deps;
  const { source, totals, fresh } = poll;
  if (!rateLimited) {
    const elapsed = source.last_success_at ? Date.now() - source.last_success_at.getTime() : null;
    await savePostingRate(
      db,
      source.id,
      observeRate(source.posts_per_hour, fresh.length, elapsed, config.ingest.revisit?.rateWindow ?? 86_400_000, fresh),
    );
  }
  await addStats(redis, config.redis.prefix, {
    posts_ingested: totals.enqueued,
    posts_duplicate: totals.read - totals.enqueued,
    posts_quarantined: totals.quarantined,
  });
  if (totals.read || totals.quarantined || totals.deleted) poll.log.info(totals, 'source polled');
}

export function ingestHandlers(deps: IngestDeps): Handlers<'ingest'> {
  return {
    'source.poll': async (data, job) => {
      const poll = await startPoll(deps, data, job.id);
      if ('skipped' in poll) return poll;
      const outcome = await withSourceLock(deps.db, poll.source.id, async () => {
        try {
          await readSource(deps, poll);
        } catch (err) {
          return pollFailed(deps, poll, err);
        }
        return poll.totals;
      });
      if (!outcome) return { skipped: 'another worker is polling this source' };
      await finishPoll(deps, poll, 'rateLimited' in outcome);
      return outcome;
    },
  };
}
