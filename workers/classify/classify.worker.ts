import type { Redis } from 'ioredis';
import { classify } from '../../shared/classifier/index.js';
import type { Verdict } from '../../shared/domain/verdict.js';
import { extractIncidents } from '../../shared/incidents/extract.js';
import { followUpJobIds, mediaJobIds, type Handlers } from '../../shared/queues/queue.catalog.js';
import type { Queues } from '../../shared/queues/queues.js';
import { addStatsOnce, addUncoveredOnce } from '../../shared/metrics.js';
import { hasImages } from '../media/image-refs.js';
import { sampleUncovered, selectKept } from './near-miss.select.js';

export interface ClassifyDeps {
  redis: Redis;
  prefix: string;
  queues: Queues;
  /** Config `nearMiss.uncoveredSamplePerDay`. */
  uncoveredSamplePerDay: number;
  /** The pure classifier; tests hand in one that returns verdicts they built. */
  classify?: (text: string) => Verdict;
  /** Config `media.enabled`: posts with images go to the media queue, which alerts once their images are read. */
  readImages?: boolean;
}

/** BullMQ priorities (lower runs first): a post whose text is already flagged is not kept waiting behind unflagged photos. */
const FLAGGED_FIRST = 1;
const UNFLAGGED = 10;

/**
 * Classifies a batch. Flagged posts travel on to become review items; of the rest only near misses and a
 * daily sample of uncovered languages travel on, so Postgres never holds everything Vigil reads.
 */
export function classifyHandlers(deps: ClassifyDeps): Handlers<'classify'> {
  const classifyText = deps.classify ?? classify;
  return {
    'posts.classify': async ({ posts, meta }, job) => {
      const classified = posts.map((post) => ({ post, verdict: classifyText(post.text) }));
      // Text is never held up by images: the media queue has its own workers and OCR pool.
      const withImages = deps.readImages ? classified.filter((c) => hasImages(c.post)) : [];
      const viaMedia = new Set(withImages.map((c) => c.post.key));
      const flagged = classified.filter((c) => c.verdict.flagged && !viaMedia.has(c.post.key));
      const { nearMisses, uncovered, uncoveredByLanguage } = selectKept(classified);
      const kept = [
        ...nearMisses,
        ...(await sampleUncovered(deps.redis, deps.prefix, uncovered, deps.uncoveredSamplePerDay)),
      ];
      // A report that an act happened (news, a police statement) is kept for linking, not flagged.
      const reports = classified.flatMap(({ post, verdict }) => {
        if (verdict.flagged) return [];
        const incidents = extractIncidents(post.text, new Date(post.publishedAt ?? post.capture.fetchedAt));
        return incidents.length ? [{ post, incidents }] : [];
      });
      const followUp = followUpJobIds(String(job.id));
      if (flagged.length) await deps.queues.enqueue('items.alert', { items: flagged, meta }, { jobId: followUp.alert });
      if (kept.length)
        await deps.queues.enqueue('near-misses.keep', { items: kept, meta }, { jobId: followUp.nearMiss });
      if (reports.length)
        await deps.queues.enqueue('incidents.record', { reports, meta }, { jobId: followUp.incidents });
      await deps.queues.enqueueBulk(
        'media.read',
        withImages.map(({ post, verdict }) => ({
          data: { post, verdict, meta },
          opts: { jobId: mediaJobIds(post.key).read, priority: verdict.flagged ? FLAGGED_FIRST : UNFLAGGED },
        })),
      );
      // Once per job, not per attempt: a batch retried after a crash is not counted twice.
      const onceKey = `classify:${job.id}:${job.timestamp}`;
      await addStatsOnce(deps.redis, deps.prefix, onceKey, {
        posts_classified: posts.length,
        posts_flagged: flagged.length,
      });
      await addUncoveredOnce(deps.redis, deps.prefix, onceKey, uncoveredByLanguage);
      return {
        classified: posts.length,
        flagged: flagged.length,
        kept: kept.length,
        incidentReports: reports.length,
        toMedia: withImages.length,
      };
    },
  };
}
