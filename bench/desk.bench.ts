/**
 * `npm run bench:desk`: how fast the review desk's API answers with many items (BENCH_ITEMS, 100,000 by
 * default): the queue's first page, the tab counts, and searches by word, @handle and postcode district.
 * Items are written straight in SQL (the classifier is not under test here) into a scratch database, and
 * each request goes through the whole app (auth, validation, serialisation) with `inject`, no network.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../services/api/app.js';
import { pino } from 'pino';
import { createMetrics } from '../shared/metrics.js';
import { createRedis } from '../shared/queues/redis.js';
import { createApiToken, createUser } from '../shared/repositories/user.repository.js';
import { scratchDatabase } from './scratch-database.js';

const N = Number(process.env.BENCH_ITEMS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const scratch = await scratchDatabase('desk');
const { db } = scratch;
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'request');

try {
  const t0 = performance.now();
  await sql`insert into channel (platform, handle) select 'telegram', 'chan_' || g from generate_series(0, 199) g`.execute(
    db,
  );
  // Varied wording, 40 postcode districts and 500 payment handles, spread over 60 days of posts.
  await sql`
    insert into post (post_key, channel_id, platform, external_id, version, text, media, raw, raw_sha256, raw_content_type, capture, captured_at, published_at)
    select 'bench:' || g, c.id, 'telegram', g::text, 1,
      format('£%s to anyone who %s the %s on %s Road %s tonight, proof to @pay_%s. Post %s',
        100 + g % 400, (array['sprays','smashes','burns','wrecks','paints'])[1 + g % 5], (array['mosque','synagogue','hostel','school','gurdwara','church','centre'])[1 + g % 7],
        (array['Romford','Green','Mill','Kings','Station','High','Church','Park'])[1 + g % 8], (array['E','N','SE','SW','W','NW','CR','IG'])[1 + g % 8] || (1 + g % 5), g % 500, g),
      '[]'::jsonb, convert_to('raw ' || g, 'UTF8'), md5(g::text), 'text/plain', '{}'::jsonb,
      now() - (g % 86400) * interval '1 minute', now() - (g % 86400) * interval '1 minute' - interval '5 minutes'
    from generate_series(1, ${N}) g join channel c on c.handle = 'chan_' || (g % 200)`.execute(db);
  await sql`
    insert into classification (post_id, classifier_version, flagged, labels, severity, scores, rationale, entities)
    select p.id, 'bench', true, array['bounty_offer'], (array['low','medium','high','critical'])[1 + p.id % 4], '{"bounty_offer":0.9}'::jsonb, '[]'::jsonb,
      jsonb_build_object('postcodeDistricts', jsonb_build_array((array['E','N','SE','SW','W','NW','CR','IG'])[1 + (p.external_id::int) % 8] || (1 + (p.external_id::int) % 5)), 'contacts', jsonb_build_array('@pay_' || (p.external_id::int) % 500))
    from post p`.execute(db);
  await sql`
    insert into review_item (post_id, classification_id, severity, status, created_at, updated_at)
    select c.post_id, c.id, c.severity, (array['new','new','new','confirmed','dismissed','escalated'])[1 + c.id % 6], p.captured_at, p.captured_at
    from classification c join post p on p.id = c.post_id`.execute(db);
  await sql`analyze`.execute(db);
  const loadMs = performance.now() - t0;

  const user = await createUser(db, 'bench@example.org', 'analyst', null);
  const headers = { authorization: `Bearer ${await createApiToken(db, user.id, 'bench')}` };
  const app = await buildApp({
    db,
    redis,
    metrics: createMetrics(),
    log: pino({ level: 'silent' }),
    keyPrefix: `bench:${process.pid}`,
  });
  const requests: Record<string, string> = {
    'queue, first page (New)': '/api/items?status=new&limit=50',
    'All, first page': '/api/items?limit=50',
    'tab counts': '/api/items/counts',
    'search: a common word': '/api/items?q=mosque&limit=50',
    'search: two words': '/api/items?q=burns%20hostel&limit=50',
    'search: @handle': '/api/items?q=%40pay_42&limit=50',
    'search: postcode district': '/api/items?q=SE3&limit=50',
    'search counts: a common word': '/api/items/counts?q=mosque',
    'sorted worst first': '/api/items?status=new&sort=severity&limit=50',
    'page 200 of New': '/api/items?status=new&limit=50&offset=10000',
  };
  const results: Record<string, { median_ms: number; p95_ms: number; items: number }> = {};
  for (const [name, path] of Object.entries(requests)) {
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url: path, headers });
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      if (i >= 2) times.push(performance.now() - t);
      items = (res.json<{ items?: unknown[] }>().items ?? []).length;
    }
    times.sort((a, b) => a - b);
    results[name] = {
      median_ms: Math.round(times[Math.floor(times.length / 2)]! * 10) / 10,
      p95_ms: Math.round(times[Math.ceil(times.length * 0.95) - 1]! * 10) / 10,
      items,
    };
  }
  await app.close();
  console.log(JSON.stringify({ items: N, load_s: Math.round(loadMs / 100) / 10, runs: RUNS, results }, null, 2));
} finally {
  redis.disconnect();
  await scratch.drop();
}
