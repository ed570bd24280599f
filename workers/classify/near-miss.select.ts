import type { Redis } from 'ioredis';
import { languageOf, type KeptPost } from '../../shared/domain/near-miss.js';
import type { CapturedPost } from '../../shared/domain/post.js';
import type { Verdict } from '../../shared/domain/verdict.js';

export interface Classified {
  post: CapturedPost;
  verdict: Verdict;
}

export interface Selection {
  /** Unflagged posts that scored just under a threshold: all of them are kept (the table's row bound applies). */
  nearMisses: KeptPost[];
  /** Unflagged posts in a language the classifier cannot read: candidates for the per-language daily sample. */
  uncovered: KeptPost[];
  /** Every post in an uncovered language, flagged or not, by language: what the metric counts. */
  uncoveredByLanguage: Record<string, number>;
}

const kept = (reason: KeptPost['reason'], { post, verdict }: Classified): KeptPost => ({
  reason,
  post: {
    key: post.key,
    source: post.source,
    platform: post.platform,
    channel: post.channel,
    externalId: post.externalId,
    url: post.url,
    publishedAt: post.publishedAt,
    text: post.text,
  },
  verdict: {
    classifier: verdict.classifier,
    labels: verdict.labels,
    scores: verdict.scores,
    language: languageOf(verdict.language),
  },
});

/**
 * Picks what is kept besides flagged posts. A flagged post is a review item already; a near miss in an
 * uncovered language is kept as a near miss, since the score, not the language, is the stronger signal.
 */
export function selectKept(classified: Classified[]): Selection {
  const out: Selection = { nearMisses: [], uncovered: [], uncoveredByLanguage: {} };
  for (const c of classified) {
    if (!c.verdict.languageCovered) {
      const lang = languageOf(c.verdict.language);
      out.uncoveredByLanguage[lang] = (out.uncoveredByLanguage[lang] ?? 0) + 1;
    }
    if (c.verdict.flagged) continue;
    if (c.verdict.nearMiss) out.nearMisses.push(kept('near_miss', c));
    else if (!c.verdict.languageCovered) out.uncovered.push(kept('uncovered_language', c));
  }
  return out;
}

const DAY_S = 86_400;

// Per language and day, a set of at most `cap` post keys. A post already in the set is let through
// again, so a retried job makes the same choice and the bound holds across every classify process.
const SAMPLE_SCRIPT = `
local cap = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then out[#out + 1] = 1
  elseif redis.call('SCARD', KEYS[1]) < cap then redis.call('SADD', KEYS[1], ARGV[i]); out[#out + 1] = 1
  else out[#out + 1] = 0 end
end
redis.call('EXPIRE', KEYS[1], ${2 * DAY_S})
return out`;

/** Keeps at most `perDay` uncovered posts per language per UTC day. */
export async function sampleUncovered(
  redis: Redis,
  prefix: string,
  candidates: KeptPost[],
  perDay: number,
  now = new Date(),
): Promise<KeptPost[]> {
  if (perDay <= 0 || candidates.length === 0) return [];
  const day = now.toISOString().slice(0, 10);
  const byLang = new Map<string, KeptPost[]>();
  for (const c of candidates) byLang.set(c.verdict.language, [...(byLang.get(c.verdict.language) ?? []), c]);
  const chosen: KeptPost[] = [];
  for (const [lang, posts] of byLang) {
    const flags: unknown = await redis.eval(
      SAMPLE_SCRIPT,
      1,
      `${prefix}:uncovered-sample:${lang}:${day}`,
      perDay,
      ...posts.map((p) => p.post.key),
    );
    if (!Array.isArray(flags)) throw new Error('the uncovered-language sample script answered no list');
    chosen.push(...posts.filter((_, i) => flags[i] === 1));
  }
  return chosen;
}
