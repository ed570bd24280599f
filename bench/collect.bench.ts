/**
 * `npm run bench:collect`: how soon Vigil sees offers when it watches many channels on one host under one
 * budget, adaptive revisits against fixed-interval round robin, in one run.
 *
 * A simulated t.me on loopback (bench/tme-simulator.ts) holds BENCH_CHANNELS channels (400) with heavy-tailed
 * posting rates, BENCH_HOT of them (10) posting offers, and a few stray offers elsewhere; real time is compressed
 * by scaling rates and the budget together (BENCH_BUDGET requests/s, 10). For each policy, Vigil runs as it is
 * deployed: two ingest processes, a classifier and an alert worker, each its own process, on a scratch database
 * and a Redis prefix of its own. Delay is a post's appearance on the page to its review item's creation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { classify } from '../shared/classifier/index.js';
import { packageRoot } from '../shared/paths.js';
import { itemCaptureTimes } from '../shared/repositories/review-item.repository.js';
import { dropRedisPrefix, scratchDatabase } from './scratch-database.js';
import { OFFER, peakPerSecond, planScenario, startSimulation } from './tme-simulator.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 400);
const HOT = Number(process.env.BENCH_HOT ?? 10);
const BUDGET = Number(process.env.BENCH_BUDGET ?? 10);
const POSTING_S = Number(process.env.BENCH_POSTING_SECONDS ?? 240);
/** After posting stops, the run goes on this long before it is measured: offers posted at the very end get a look. */
const TAIL_S = Number(process.env.BENCH_TAIL_SECONDS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 15);
/** Before posting starts: one and a half round-robin cycles, for the first reads of every channel. */
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? Math.ceil((1.5 * CHANNELS) / BUDGET));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Mode = 'adaptive' | 'round-robin';

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (x: number) => Math.round(x * 10) / 10;

async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await dropRedisPrefix(redis, prefix);
  redis.disconnect();
}

async function run(mode: Mode, plan: ReturnType<typeof planScenario>) {
  const scratch = await scratchDatabase(`collect_${mode.replace('-', '_')}`);
  const prefix = `{bench-collect-${process.pid}-${mode}}`;
  const sim = await startSimulation(plan, BUDGET);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-collect-'));
  const roundRobinS = Math.round(CHANNELS / BUDGET);
  const config = {
    demo: false,
    workers: { schedulerResync: '1s' },
    // Enough connections for 16 polls waiting on the host's permits in each ingest process (see cli/runtime.ts).
    database: { poolSize: 34 },
    ingest: {
      allowPrivateNetworks: 'loopback',
      hosts: { [sim.host]: { perSecond: BUDGET } },
      // Compressed like the rates: a day of real watching is a few minutes here.
      revisit: {
        adaptive: mode === 'adaptive',
        minInterval: '5s',
        hotFor: '1h',
        rateWindow: '2m',
        utilisation: 0.8,
        jitter: 0.1,
      },
    },
    sources: sim.channels.map((c) => ({
      kind: 'telegram-web',
      name: c.name,
      channel: c.name,
      baseUrl: sim.url,
      backfill: 20,
      pollInterval: mode === 'adaptive' ? '5m' : `${roundRobinS}s`,
    })),
  };
  const configFile = join(dir, 'vigil.config.yaml');
  writeFileSync(configFile, JSON.stringify(config));
  const env = {
    ...process.env,
    VIGIL_CONFIG: configFile,
    DATABASE_URL: scratch.url,
    REDIS_URL,
    VIGIL_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
  };
  const children: ChildProcess[] = ['ingest', 'ingest', 'classify', 'alert'].map((kind, i) => {
    const log = openSync(join(dir, `${kind}-${i}.log`), 'a');
    return spawn(process.execPath, [join(packageRoot(), 'bin', 'vigil.js'), 'worker', kind], {
      env,
      stdio: ['ignore', log, log],
    });
  });
  try {
    // Vigil reads every channel once before posting starts (the same for both policies): delays are measured in
    // the steady state, as for a deployment watching for days, not in its first pass over a new watch-list.
    const started = Date.now();
    await sleep(WARMUP_S * 1000);
    sim.start();
    const t0 = Date.now();
    await sleep((POSTING_S + TAIL_S) * 1000);
    const end = Date.now();

    const items = await itemCaptureTimes(scratch.db, new Date(end));
    const caughtAt = new Map(
      items.map((i) => [new URL(i.url ?? 'http://x/').pathname.slice(1), i.created_at.getTime()]),
    );
    const offers = sim.channels.flatMap((c) =>
      c.posts
        .filter((p) => p.offer)
        .map((p) => ({
          channel: c.name,
          hot: c.hot,
          postedS: round((p.at - t0) / 1000),
          delay: (caughtAt.get(`${c.name}/${p.id}`) ?? NaN) - p.at,
        })),
    );
    const requestsTo = (name: string) =>
      sim.requestLog.filter((r) => r.channel === name).map((r) => round((r.at - t0) / 1000));
    const hot = offers.filter((o) => o.hot);
    const hotDelays = hot
      .map((o) => o.delay)
      .filter(Number.isFinite)
      .map((ms) => ms / 1000);
    const allDelays = offers
      .map((o) => o.delay)
      .filter(Number.isFinite)
      .map((ms) => ms / 1000);
    // The host's view covers the whole run, the first pass included.
    const during = sim.requests.filter((t) => t >= started && t <= end);
    const falseItems = items.length - offers.filter((o) => Number.isFinite(o.delay)).length;
    return {
      mode,
      hotOffers: hot.length,
      hotCaught: hotDelays.length,
      hotMedianS: round(quantile(hotDelays, 0.5)),
      hotP90S: round(quantile(hotDelays, 0.9)),
      offers: offers.length,
      offersCaught: allDelays.length,
      meanDelayS: round(mean(allDelays)),
      medianDelayS: round(quantile(allDelays, 0.5)),
      requests: during.length,
      meanPerSecond: round(during.length / ((end - started) / 1000)),
      peakPerSecond: peakPerSecond(during),
      tooMany: sim.tooMany,
      otherItems: falseItems,
      // For reading a run: every offer's delay, and when each hot channel was read.
      detail: {
        offers: offers.map((o) => ({
          channel: o.channel,
          hot: o.hot,
          postedS: o.postedS,
          delayS: round(o.delay / 1000),
        })),
        hotReads: Object.fromEntries(sim.channels.filter((c) => c.hot).map((c) => [c.name, requestsTo(c.name)])),
      },
    };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM')),
          ),
      ),
    );
    await sim.close();
    await scratch.drop();
    await dropPrefix(prefix);
  }
}

async function main(): Promise<void> {
  if (!classify(OFFER).flagged)
    throw new Error('the simulator’s offer is not flagged by this classifier: the benchmark would measure nothing');
  const plan = planScenario({
    channels: CHANNELS,
    hot: HOT,
    postingMs: POSTING_S * 1000,
    hotOfferEveryMs: 25_000,
    strayOffers: 10,
    seed: SEED,
  });
  console.log(
    `collect: ${CHANNELS} channels (${HOT} hot), budget ${BUDGET}/s, ${plan.posts.length} posts (${plan.posts.filter((p) => p.offer).length} offers) over ${POSTING_S} s + ${TAIL_S} s after ${WARMUP_S} s of warm-up; round robin revisits each every ${CHANNELS / BUDGET} s`,
  );
  const results = [];
  const modes = (process.env.BENCH_MODES ?? 'adaptive,round-robin').split(',') as Mode[];
  for (const mode of modes) {
    const r = await run(mode, plan);
    console.log(JSON.stringify({ ...r, detail: undefined }));
    results.push(r);
  }
  writeFileSync(
    join(packageRoot(), 'bench', 'collect-results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), channels: CHANNELS, hot: HOT, budget: BUDGET, postingSeconds: POSTING_S, results }, null, 2)}\n`,
  );
  if (results.length < 2) return;
  const [adaptive, rr] = results as [Awaited<ReturnType<typeof run>>, Awaited<ReturnType<typeof run>>];
  const cycle = CHANNELS / BUDGET;
  const checks = [
    [`hot median ${adaptive.hotMedianS} s ≤ 0.25 × ${cycle} = ${0.25 * cycle} s`, adaptive.hotMedianS <= 0.25 * cycle],
    [`hot p90 ${adaptive.hotP90S} s ≤ 0.5 × ${cycle} = ${0.5 * cycle} s`, adaptive.hotP90S <= 0.5 * cycle],
    [
      `hot offers caught ${adaptive.hotCaught}/${adaptive.hotOffers} ≥ 95%`,
      adaptive.hotCaught >= 0.95 * adaptive.hotOffers,
    ],
    [
      `mean delay, all offers, ${adaptive.meanDelayS} s ≤ 0.6 × round robin's ${rr.meanDelayS} s`,
      adaptive.meanDelayS <= 0.6 * rr.meanDelayS,
    ],
    [
      `peak ${adaptive.peakPerSecond} requests in a second ≤ 1.2 × ${BUDGET} (round robin: ${rr.peakPerSecond})`,
      adaptive.peakPerSecond <= 1.2 * BUDGET && rr.peakPerSecond <= 1.2 * BUDGET,
    ],
    [`429s: ${adaptive.tooMany} (round robin: ${rr.tooMany})`, adaptive.tooMany === 0 && rr.tooMany === 0],
  ] as const;
  for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

await main();
