import type { DefaultJobOptions, Job } from 'bullmq';
import { z } from 'zod';
import { extractedIncidentSchema } from '../domain/incident.js';
import { keptPostSchema } from '../domain/near-miss.js';
import { mediaReadingSchema } from '../domain/media.js';
import { capturedPostSchema } from '../domain/post.js';
import { verdictSchema } from '../domain/verdict.js';

/** Queue names are a persisted contract: renaming one strands the jobs already in it. */
export const QueueName = {
  Ingest: 'ingest',
  Classify: 'classify',
  Alert: 'alert',
  Deliver: 'deliver',
  Media: 'media',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const QUEUE_NAMES = Object.values(QueueName);
/** Each budgeted host's permit queue (workers/ingest/host-budget.ts); BullMQ names may not hold ':' (a host's port). */
export const hostQueueName = (host: string) => `host-${host.replace(/:/g, '_')}`;

/** Ingest packs up to this many posts into one job; one job per post would cost two job lifecycles per post. */
export const MAX_POSTS_PER_JOB = 500;

const jobMeta = z.object({
  enqueuedAt: z.iso.datetime({ offset: true }),
  requestId: z.string().max(100).optional(),
});
export type JobMeta = z.infer<typeof jobMeta>;

/** `media`: the post's images as the media worker read them (their text is already in the verdict). */
const flaggedItem = z.object({
  post: capturedPostSchema,
  verdict: verdictSchema,
  media: z.array(mediaReadingSchema).max(20).optional(),
});
export type FlaggedItem = z.infer<typeof flaggedItem>;

/** Every job's payload, validated again at the worker that takes it. Job names are `<entity>.<verb>`. */
const schemas = {
  // Scheduled by a BullMQ job scheduler, so it carries no enqueue time of its own. The name finds the source
  // when its row is gone or has another id (a recreated database): it is then re-created from the config.
  'source.poll': z.object({
    sourceId: z.number().int().positive(),
    sourceName: z.string().min(1).max(200).optional(),
    meta: jobMeta.optional(),
  }),
  'posts.classify': z.object({ posts: z.array(capturedPostSchema).min(1).max(MAX_POSTS_PER_JOB), meta: jobMeta }),
  'items.alert': z.object({ items: z.array(flaggedItem).min(1).max(MAX_POSTS_PER_JOB), meta: jobMeta }),
  /** Unflagged posts worth keeping (near misses, uncovered-language samples), bounded by config `nearMiss`. */
  'near-misses.keep': z.object({ items: z.array(keptPostSchema).min(1).max(MAX_POSTS_PER_JOB), meta: jobMeta }),
  /** Reports of acts (news, police statements) with the incidents read from them: kept, and linked to live campaigns. */
  'incidents.record': z.object({
    reports: z
      .array(z.object({ post: capturedPostSchema, incidents: z.array(extractedIncidentSchema).min(1).max(50) }))
      .min(1)
      .max(MAX_POSTS_PER_JOB),
    meta: jobMeta,
  }),
  /** Deletes near misses past retention or past the row bound; scheduled, like the other chores. */
  'near-misses.prune': z.object({}),
  /** Signs the audit log's head and records it outside the table (scheduled, and enqueued after decisions). */
  'audit.checkpoint': z.object({}),
  /** Sends one outbox row; the row, not the job, is the record of what must be sent. */
  'alert.deliver': z.object({ alertId: z.number().int().positive(), meta: jobMeta.optional() }),
  /** Re-enqueues outbox rows whose delivery job was lost (a crash between commit and enqueue). */
  'outbox.sweep': z.object({}),
  /** Sends the next tier for alerts nobody acknowledged in time. */
  'alerts.escalate': z.object({}),
  /** Reads the duty bot's button presses (Acknowledge). */
  'alertbot.poll': z.object({}),
  /** A post with images: capture them, read their text and QR codes, classify that text, then on to alert if flagged. */
  'media.read': z.object({ post: capturedPostSchema, verdict: verdictSchema, meta: jobMeta }),
  /** Deletes stored images no flagged post keeps (data minimisation); scheduled. */
  'media.prune': z.object({}),
};

export type JobName = keyof typeof schemas;
export type JobData = { [N in JobName]: z.infer<(typeof schemas)[N]> };
/** Each schema typed by its own job name, so parsing a job whose name is known only as a type parameter still gives that job's data. */
export const jobSchemas: { [N in JobName]: z.ZodType<JobData[N]> } = schemas;

/**
 * The ids of the jobs a classify job hands its posts on in, derived from its own id so a retry does not add
 * them twice; ingest also follows them to learn when a read's posts are safely past Redis.
 */
export const followUpJobIds = (classifyJobId: string) => ({
  alert: `alert-${classifyJobId}`,
  nearMiss: `near-miss-${classifyJobId}`,
  incidents: `incidents-${classifyJobId}`,
});
/** One media job per post version, and one alert job after it: retries add neither twice. */
export const mediaJobIds = (postKey: string) => ({ read: `media-${postKey}`, alert: `alert-media-${postKey}` });

export const jobQueue = {
  'source.poll': QueueName.Ingest,
  'posts.classify': QueueName.Classify,
  'items.alert': QueueName.Alert,
  'near-misses.keep': QueueName.Alert,
  'incidents.record': QueueName.Alert,
  'near-misses.prune': QueueName.Alert,
  'audit.checkpoint': QueueName.Alert,
  'alert.deliver': QueueName.Deliver,
  'outbox.sweep': QueueName.Deliver,
  'alerts.escalate': QueueName.Deliver,
  'alertbot.poll': QueueName.Deliver,
  'media.read': QueueName.Media,
  'media.prune': QueueName.Media,
} as const satisfies Record<JobName, QueueName>;

export type JobsOf<Q extends QueueName> = { [N in JobName]: (typeof jobQueue)[N] extends Q ? N : never }[JobName];
export const jobsOf = (queue: QueueName): JobName[] =>
  (Object.keys(jobQueue) as JobName[]).filter((n) => jobQueue[n] === queue);
/** Whether `name` is a job of this queue: narrows a name BullMQ hands over as a plain string. */
export const isJobOf = <Q extends QueueName>(queue: Q, name: string): name is JobsOf<Q> =>
  jobsOf(queue).some((n) => n === name);

/**
 * A handler per job of a queue: a job without one is a compile error. Handlers fail only by throwing. The job is
 * BullMQ's (its id, attempts): its data, validated, is the first argument.
 */
export type Handlers<Q extends QueueName> = {
  [N in JobsOf<Q>]: (data: JobData[N], job: Job<unknown>) => Promise<unknown>;
};

const DAY_S = 86_400;

// Failed jobs are the dead-letter queue: they are kept a fortnight, completed ones are dropped at once.
const retried = (attempts: number, delay: number, jitter = 0.5): DefaultJobOptions => ({
  attempts,
  backoff: { type: 'exponential', delay, jitter },
  removeOnComplete: true,
  removeOnFail: { age: 14 * DAY_S, count: 50_000 },
});

export const defaultJobOptions: Record<QueueName, DefaultJobOptions> = {
  [QueueName.Ingest]: {
    ...retried(3, 5_000),
    removeOnComplete: { count: 100 },
    removeOnFail: { age: 14 * DAY_S, count: 5_000 },
  },
  [QueueName.Classify]: retried(5, 1_000),
  // Persisting must survive a Postgres restart: ten attempts back off for about 17 minutes in all.
  [QueueName.Alert]: retried(10, 1_000),
  // A receiver that is down gets eight tries over about four minutes; the sweep re-drives what is left pending.
  [QueueName.Deliver]: retried(8, 1_000, 0.3),
  // Bad images never fail a job (they are quarantined); what fails is Postgres or the store, worth a few tries.
  [QueueName.Media]: retried(5, 2_000),
};
