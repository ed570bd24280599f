import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedPost } from '../../shared/domain/post.js';
import { createMetrics } from '../../shared/metrics.js';
import { QueueName } from '../../shared/queues/queue.catalog.js';
import { createQueues, jobMeta, type Queues } from '../../shared/queues/queues.js';
import { closeWorkers, startWorker } from '../../workers/worker.runner.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { makePost } from '../support/factories.js';

const post = (externalId: string, text: string): CapturedPost =>
  makePost({ platform: 'file', channel: 'c', externalId, text, capture: { url: 'file:///test' } });

describe('worker runner on real Redis', () => {
  let redis: Redis;
  let queues: Queues;
  let worker: Worker | undefined;
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    await worker?.close();
    await queues?.close();
    await dropPrefix(prefix);
  });
  afterAll(() => redis.disconnect());

  function start(handler: (posts: CapturedPost[]) => Promise<void>) {
    prefix = testPrefix();
    queues = createQueues(redis, prefix, testLog);
    const metrics = createMetrics();
    worker = startWorker(
      QueueName.Classify,
      { 'posts.classify': ({ posts }) => handler(posts) },
      { connection: redis, prefix, log: testLog, metrics },
      4,
    );
    return metrics;
  }

  it('retries a throwing job with exponential backoff, then keeps it in the failed set, while other jobs complete', async () => {
    const attempts: number[] = [];
    const done: string[] = [];
    const metrics = start(async (posts) => {
      if (posts[0]!.text === 'poison') {
        attempts.push(Date.now());
        throw new Error('poisoned batch');
      }
      done.push(posts[0]!.externalId);
    });
    await queues.enqueue(
      'posts.classify',
      { posts: [post('p', 'poison')], meta: jobMeta() },
      { jobId: 'poison', attempts: 3, backoff: { type: 'exponential', delay: 200 } },
    );
    for (const id of ['a', 'b', 'c'])
      await queues.enqueue('posts.classify', { posts: [post(id, 'fine')], meta: jobMeta() });

    const classify = queues.byName[QueueName.Classify];
    await waitFor(
      async () => (await classify.getJobCounts('failed')).failed === 1,
      'the poisoned job to fail for good',
    );
    const failed = (await classify.getFailed())[0]!;
    expect(failed.id).toBe('poison');
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe('poisoned batch');
    expect(attempts).toHaveLength(3);
    // Exponential: ~200 ms then ~400 ms between attempts.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(190);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(390);
    expect(done.sort()).toEqual(['a', 'b', 'c']);
    const counted = await metrics.jobsProcessed.get();
    expect(counted.values.find((v) => v.labels.outcome === 'failed')?.value).toBe(1);
    expect(counted.values.find((v) => v.labels.outcome === 'retried')?.value).toBe(2);
  });

  it('fails a payload that breaks the catalog schema at once, without retrying it', async () => {
    let calls = 0;
    start(async () => {
      calls += 1;
    });
    const classify = queues.byName[QueueName.Classify];
    await classify.add(
      'posts.classify',
      { posts: [{ text: 'no key, no raw' }], meta: jobMeta() },
      { jobId: 'malformed', attempts: 5 },
    );
    await waitFor(async () => (await classify.getJobCounts('failed')).failed === 1, 'the malformed job to fail');
    const failed = (await classify.getFailed())[0]!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid posts\.classify payload at posts\.0\./);
    expect(calls).toBe(0);
  });

  it('keeps no source credentials in a failed job: its reason and stack are redacted before BullMQ stores them', async () => {
    start(async () => {
      throw new Error('GET https://reader:hunter2@feeds.example.org/rss?access_token=s3cr3t&page=2 answered 500');
    });
    await queues.enqueue(
      'posts.classify',
      { posts: [post('r', 'fine')], meta: jobMeta() },
      { jobId: 'leaky', attempts: 1 },
    );
    const classify = queues.byName[QueueName.Classify];
    await waitFor(async () => (await classify.getJobCounts('failed')).failed === 1, 'the job to fail');
    const failed = (await classify.getFailed())[0]!;
    expect(failed.failedReason).toBe(
      'GET https://reader:[redacted]@feeds.example.org/rss?access_token=[redacted]&page=2 answered 500',
    );
    expect((failed.stacktrace ?? []).join('\n')).not.toMatch(/hunter2|s3cr3t/);
  });

  it('closes within the grace period when a job hangs, and waits for one that finishes in time', async () => {
    let finished = 0;
    start(async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished += 1;
    });
    await queues.enqueue('posts.classify', { posts: [post('q', 'quick')], meta: jobMeta() });
    await waitFor(
      async () => (await queues.byName[QueueName.Classify].getJobCounts('active')).active === 1,
      'the job to start',
    );
    expect(await closeWorkers([worker!], 5_000)).toEqual({ forced: false });
    expect(finished).toBe(1);

    worker = startWorker(
      QueueName.Classify,
      { 'posts.classify': async () => new Promise(() => undefined) },
      { connection: redis, prefix, log: testLog, metrics: createMetrics() },
      1,
    );
    await queues.enqueue('posts.classify', { posts: [post('h', 'hang')], meta: jobMeta() });
    await waitFor(
      async () => (await queues.byName[QueueName.Classify].getJobCounts('active')).active === 1,
      'the job to start',
    );
    const started = Date.now();
    expect(await closeWorkers([worker], 300)).toEqual({ forced: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("runs a killed worker's job again within about 1.5 lock durations", async () => {
    prefix = testPrefix();
    queues = createQueues(redis, prefix, testLog);
    const deps = { connection: redis, prefix, log: testLog, metrics: createMetrics(), lockDuration: 1_000 };
    const runs: string[] = [];
    const dead = startWorker(
      QueueName.Classify,
      {
        'posts.classify': async () => {
          runs.push('dead');
          await new Promise(() => undefined);
        },
      },
      deps,
      1,
    );
    await queues.enqueue('posts.classify', { posts: [post('k', 'killed')], meta: jobMeta() }, { jobId: 'killed' });
    await waitFor(async () => runs.length === 1, 'the first worker to take the job');
    // As a SIGKILL would: the lock is no longer renewed, and nothing gives the job back.
    await closeWorkers([dead], 0);
    const killedAt = Date.now();
    worker = startWorker(QueueName.Classify, { 'posts.classify': async () => void runs.push('alive') }, deps, 1);
    await waitFor(
      async () =>
        (await queues.byName[QueueName.Classify].getJobState('killed')) === 'completed' || runs.includes('alive'),
      'the job to run again',
      10_000,
    );
    expect(runs).toEqual(['dead', 'alive']);
    expect(Date.now() - killedAt).toBeLessThan(2_500);
  });

  it('refuses a handler map that does not match the catalog', () => {
    prefix = testPrefix();
    queues = createQueues(redis, prefix, testLog);
    expect(() =>
      startWorker(
        QueueName.Classify,
        {} as never,
        { connection: redis, prefix, log: testLog, metrics: createMetrics() },
        1,
      ),
    ).toThrow(/needs handlers for \[posts\.classify\]/);
  });
});
