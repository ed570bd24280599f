/**
 * `npm run bench:ingest`: how fast each source turns fetched bytes into posts (through its reader,
 * against a local server), and how fast posts are enqueued into Redis in batches.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { sourceSchema } from '../shared/config/config.schema.js';
import { capturePost } from '../shared/domain/post.js';
import { createQueues, jobMeta } from '../shared/queues/queues.js';
import { createFetcher } from '../workers/ingest/http-fetcher.js';
import type { ReadContext } from '../workers/ingest/source.js';
import { readerFor } from '../workers/ingest/source-readers.js';

const log = pino({ level: 'silent' });
const text = (i: number) =>
  `Morning all, post ${i}: the bins are late again on our road and the council says the lorry broke down, collections tomorrow instead 🔥`;

// Inputs in each source's real format, 200 posts each.
const N = 200;
const tme = `<html><body><section class="tgme_channel_history">${Array.from({ length: N }, (_, i) => `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message js-widget_message" data-post="bench/${i + 1}"><div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text js-message_text" dir="auto">${text(i).replace('🔥', '<i class="emoji"><b>🔥</b></i>')}<br/>second line</div><div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">1.2K</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/bench/${i + 1}"><time datetime="2025-01-10T21:14:05+00:00">21:14</time></a></span></div></div></div></div>`).join('')}</section></body></html>`;
const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>${Array.from({ length: N }, (_, i) => `<item><title><![CDATA[${text(i)}]]></title><link>https://news.example/${i}?utm_source=rss</link><guid>g-${i}</guid><pubDate>Fri, 24 Nov 2023 10:00:00 GMT</pubDate><description>&lt;p&gt;${text(i)}&lt;/p&gt;</description></item>`).join('')}</channel></rss>`;
const masto = JSON.stringify(
  Array.from({ length: 40 }, (_, i) => ({
    id: String(1000 + i),
    created_at: '2026-08-01T13:55:55.867Z',
    uri: `https://m.example/s/${i}`,
    url: `https://m.example/@a/${i}`,
    content: `<p>${text(i)}</p>`,
    account: { acct: 'a@m.example' },
    media_attachments: [],
  })),
);
const updates = JSON.stringify({
  ok: true,
  result: Array.from({ length: 100 }, (_, i) => ({
    update_id: 1 + i,
    channel_post: {
      message_id: i + 1,
      chat: { id: -1001, type: 'channel', title: 'Bench', username: 'bench' },
      date: 1736543645,
      text: text(i),
    },
  })),
});

const server = createServer((req, res) => {
  const path = req.url ?? '';
  const body = path.startsWith('/s/')
    ? tme
    : path.startsWith('/feed')
      ? rss
      : path.startsWith('/api/v1')
        ? masto
        : path.includes('/getUpdates')
          ? updates
          : '';
  res.writeHead(200, {
    'content-type':
      path.includes('getUpdates') || path.startsWith('/api') ? 'application/json' : 'text/html; charset=utf-8',
  });
  res.end(body);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const fetcher = createFetcher({
  timeoutMs: 10_000,
  maxBytes: 20 * 1024 * 1024,
  allowPrivateNetworks: 'loopback',
  perHostIntervalMs: 0,
});
const ctx = (cursor: Record<string, unknown> | null): ReadContext => ({
  sourceName: 'bench',
  cursor,
  maxPostBytes: 256 * 1024,
  log,
  fetcher,
  seenIdsBetween: async () => [],
});

const sources = {
  'telegram-web (t.me/s page)': { kind: 'telegram-web', channel: 'bench', baseUrl: base, backfill: N },
  'rss (RSS 2.0 items)': { kind: 'rss', url: `${base}/feed.xml` },
  'mastodon (statuses)': { kind: 'mastodon', instance: base, hashtag: 'bench' },
  'telegram-bot (Bot API updates)': {
    kind: 'telegram-bot',
    botToken: '123456:AAFakeTokenForVigilBenchOnly_012',
    apiRoot: base,
    longPoll: 0,
  },
};

const rows: Record<string, string | number>[] = [];
const results: Record<string, number> = {};
for (const [name, raw] of Object.entries(sources)) {
  const config = sourceSchema.parse(raw);
  const read = readerFor(config);
  const cursor = config.kind === 'telegram-web' ? { lastId: 0 } : null;
  await read(config, ctx(cursor)); // warm-up
  let posts = 0;
  const start = performance.now();
  while (performance.now() - start < 2_000) posts += (await read(config, ctx(cursor))).posts.length;
  const rate = posts / ((performance.now() - start) / 1000);
  results[name] = Math.round(rate);
  rows.push({ measure: `parse ${name}`, posts_per_s: Math.round(rate) });
}

// Enqueue: batches of 50 posts, the shape ingest sends to the classify queue.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = `{vigil-bench-${process.pid}}`;
const queues = createQueues(redis, prefix, log);
const posts = Array.from({ length: 20_000 }, (_, i) =>
  capturePost(
    { source: 'bench', platform: 'telegram', channel: 'bench', externalId: String(i), text: text(i) },
    Buffer.from(text(i)),
    'text/plain',
    { url: 'https://t.me/s/bench', fetchedAt: new Date().toISOString(), fetcher: 'bench' },
  ),
);
const batches = Array.from({ length: posts.length / 50 }, (_, i) => posts.slice(i * 50, i * 50 + 50));
const start = performance.now();
for (let i = 0; i < batches.length; i += 20)
  await queues.enqueueBulk(
    'posts.classify',
    batches.slice(i, i + 20).map((b) => ({ data: { posts: b, meta: jobMeta() } })),
  );
const enqueueRate = posts.length / ((performance.now() - start) / 1000);
rows.push({ measure: 'enqueue into Redis (50 posts/job, addBulk of 20 jobs)', posts_per_s: Math.round(enqueueRate) });
await queues.byName.classify.obliterate({ force: true });
await queues.close();
redis.disconnect();
server.close();

console.table(rows);
console.log(JSON.stringify({ parse_posts_per_s: results, enqueue_posts_per_s: Math.round(enqueueRate) }));
