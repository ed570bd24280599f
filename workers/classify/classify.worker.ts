import type { Redis } from 'ioredis';
import { classify } from '../../shared/classifier/index.js';
import type { FlaggedItem, Handlers } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import { addStatsOnce } from '../../shared/metrics.js';

export interface ClassifyDeps {
  redis: Redis;
  prefix: string;
  queues: Queues;
}

/** Classifies a batch; only flagged posts travel on, so only they ever reach Postgres. */
export function classifyHandlers(deps: ClassifyDeps): Handlers<'classify'> {
  return {
    'posts.classify': async ({ posts, meta }, job) => {
      const flagged: FlaggedItem[] = [];
      for (const post of posts) {
        const verdict = classify(post.text);
        if (verdict.flagged) flagged.push({ post, verdict });
      }
      // Derived from this job's id, so a retried classify job does not enqueue its alert batch twice.
      if (flagged.length) await deps.queues.enqueue('items.alert', { items: flagged, meta }, { jobId: `alert-${job.id}` });
      // Once per job, not per attempt: a batch retried after a crash is not counted twice.
      await addStatsOnce(deps.redis, deps.prefix, `classify:${job.id}:${job.timestamp}`, { posts_classified: posts.length, posts_flagged: flagged.length });
      return { classified: posts.length, flagged: flagged.length };
    },
  };
}
