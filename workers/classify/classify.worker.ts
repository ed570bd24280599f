import type { Redis } from 'ioredis';
import { classify } from '../../shared/classifier/index.js';
import type { Verdict } from '../../shared/domain/verdict.js';
import { extractIncidents } from '../../shared/incidents/extract.js';
import { followUpJobIds, type Handlers } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import { addStatsOnce, addUncoveredOnce } from '../../shared/metrics.js';
import { sampleUncovered, selectKept } from './near-miss.select.js';

export interface ClassifyDeps {
  redis: Redis;
  prefix: string;
  queues: Queues;
  /** Config `nearMiss.uncoveredSamplePerDay`. */
  uncoveredSamplePerDay: number;
  /** The pure classifier; tests hand in one that returns verdicts they built. */
  classify?: (text: string) => Verdict;
}

/**
 * Classifies a batch. Flagged posts travel on to become review items; of the rest only near misses and a
 * daily sample of uncovered languages travel on, so Postgres never holds everything Vigil reads.
 */
export function classifyHandlers(deps: ClassifyDeps): Handlers<'classify'> {
  const classifyText = deps.classify ?? classify;
  return {
    'posts.classify': async ({ posts, meta }, job) => {
      const classified = posts.map((post) => ({ post, verdict: classifyText(post.text) }));
      const flagged = classified.filter((c) => c.verdict.flagged);
      const { nearMisses, uncovered, uncoveredByLanguage } = selectKept(classified);
      const kept = [...nearMisses, ...(await sampleUncovered(deps.redis, deps.prefix, uncovered, deps.uncoveredSamplePerDay))];
      // A report that an act happened (news, a police statement) is kept for linking, not flagged.
      const reports = classified.flatMap(({ post, verdict }) => {
        if (verdict.flagged) return [];
        const incidents = extractIncidents(post.text, new Date(post.publishedAt ?? post.capture.fetchedAt));
        return incidents.length ? [{ post, incidents }] : [];
      });
      const followUp = followUpJobIds(String(job.id));
      if (flagged.length) await deps.queues.enqueue('items.alert', { items: flagged, meta }, { jobId: followUp.alert });
      if (kept.length) await deps.queues.enqueue('near-misses.keep', { items: kept, meta }, { jobId: followUp.nearMiss });
      if (reports.length) await deps.queues.enqueue('incidents.record', { reports, meta }, { jobId: followUp.incidents });
      // Once per job, not per attempt: a batch retried after a crash is not counted twice.
      const onceKey = `classify:${job.id}:${job.timestamp}`;
      await addStatsOnce(deps.redis, deps.prefix, onceKey, { posts_classified: posts.length, posts_flagged: flagged.length });
      await addUncoveredOnce(deps.redis, deps.prefix, onceKey, uncoveredByLanguage);
      return { classified: posts.length, flagged: flagged.length, kept: kept.length, incidentReports: reports.length };
    },
  };
}
