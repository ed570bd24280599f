import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A t.me on loopback for the collection benchmark: channels whose posts appear over (compressed) time at
 * heavy-tailed rates, a few hot ones posting offers, pages in Telegram's own markup (as test/support/fake-tme.ts
 * renders them, from the captures in the shared fixtures). It counts every request and answers 429 when a
 * client goes over 1.2 × the budget in any second, as a host enforcing its limit would.
 */

export interface SimPost {
  id: number;
  text: string;
  at: number;
  offer: boolean;
}

export interface SimChannel {
  name: string;
  hot: boolean;
  postsPerMinute: number;
  posts: SimPost[];
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const datetime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function renderPost(channel: string, p: SimPost): string {
  return `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="${channel}/${p.id}" data-view="x">
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/${channel}"><span dir="auto">${escape(channel)}</span></a></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">${escape(p.text)}</div>
<div class="tgme_widget_message_footer compact js-message_footer">
  <div class="tgme_widget_message_info short js-message_info">
    <span class="tgme_widget_message_views">1.2K</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/${channel}/${p.id}"><time datetime="${datetime(p.at)}" class="time">21:14</time></a></span>
  </div>
</div>
  </div>
</div></div>`;
}

function renderPage(channel: string, posts: SimPost[], olderBefore: number | null): string {
  const more = olderBefore
    ? `<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/${channel}?before=${olderBefore}" class="tme_messages_more js-messages_more" data-before="${olderBefore}"></a></div>`
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escape(channel)} – Telegram</title><meta property="og:title" content="${escape(channel)}">${olderBefore ? `<link rel="prev" href="/s/${channel}?before=${olderBefore}">` : ''}</head>
<body><main class="tgme_main"><section class="tgme_channel_history js-message_history">${more}${posts.map((p) => renderPost(channel, p)).join('')}</section></main></body></html>`;
}

/** A seeded generator (mulberry32): both policies see the same channels and the same posts. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Scenario {
  channels: number;
  hot: number;
  /** Posting runs this long from the start; the run is measured a little longer. */
  postingMs: number;
  /** Each hot channel's mean time between offers. */
  hotOfferEveryMs: number;
  /** Offers posted once each on channels that are not hot. */
  strayOffers: number;
  seed: number;
}

const CHATTER = [
  'Morning all, the bins are late again on our road and the council says the lorry broke down, collections tomorrow instead',
  'Great turnout at the food bank today, thank you to all the volunteers, we packed over two hundred parcels this morning',
  'Police are asking anyone with dashcam footage from the high street on Tuesday night to get in touch about the break-in',
  'Anyone going to the match on Saturday? I need a lift from Walthamstow and can chip in for petrol, kick off at three',
  'The library extends its opening hours over the holidays, with a reading club for children on Wednesday afternoons',
];
export const OFFER =
  '£100 to anyone who sprays the mosque on Leyton High Road E10 tonight, send a clear pic to @payday_admin and you get paid same day';

/** Planned posts, each at its time relative to the start: the same list for every policy run. */
export interface Plan {
  channels: { name: string; hot: boolean; postsPerMinute: number; history: { text: string; ago: number }[] }[];
  posts: { channel: number; at: number; text: string; offer: boolean }[];
}

const exponential = (rand: () => number, mean: number) => -Math.log(1 - rand()) * mean;

export function planScenario(s: Scenario): Plan {
  const rand = seeded(s.seed);
  const channels: Plan['channels'] = [];
  const posts: Plan['posts'] = [];
  for (let c = 0; c < s.channels; c++) {
    // Pareto (α 1.3): most channels post a few times an hour of compressed time, a few many times a minute.
    const postsPerMinute = Math.min(12, 0.1 * (1 - rand()) ** (-1 / 1.3));
    const hot = c % Math.floor(s.channels / s.hot) === 0 && channels.filter((x) => x.hot).length < s.hot;
    const meanGap = 60_000 / postsPerMinute;
    const history = [];
    let ago = 0;
    for (let i = 0; i < 5; i++) {
      ago += exponential(rand, meanGap);
      // A hot channel is one running a campaign: an offer is already on its page (posted before the run, so not
      // measured); stray offers appear on channels with no such history.
      history.unshift({
        text: hot && i === 1 ? `${OFFER} (earlier, ${c})` : `${CHATTER[(c + i) % CHATTER.length]} (${c}.${i})`,
        ago,
      });
    }
    channels.push({ name: `sim_${String(c).padStart(5, '0')}`, hot, postsPerMinute, history });
    for (let at = exponential(rand, meanGap); at < s.postingMs; at += exponential(rand, meanGap))
      posts.push({
        channel: c,
        at,
        text: `${CHATTER[Math.floor(rand() * CHATTER.length)]} #${posts.length}`,
        offer: false,
      });
    if (hot) {
      for (let at = exponential(rand, s.hotOfferEveryMs); at < s.postingMs; at += exponential(rand, s.hotOfferEveryMs))
        posts.push({ channel: c, at, text: `${OFFER} (#${posts.length})`, offer: true });
    }
  }
  const cold = channels.flatMap((ch, i) => (ch.hot ? [] : [i]));
  for (let i = 0; i < s.strayOffers; i++)
    posts.push({
      channel: cold[Math.floor(rand() * cold.length)]!,
      at: rand() * s.postingMs,
      text: `${OFFER} (stray #${i})`,
      offer: true,
    });
  posts.sort((a, b) => a.at - b.at);
  return { channels, posts };
}

export interface Simulation {
  url: string;
  host: string;
  channels: SimChannel[];
  /** Every request's arrival time. */
  requests: number[];
  /** Which channel each page request was for, and when. */
  requestLog: { channel: string; at: number }[];
  tooMany: number;
  /** Starts the clock: posts appear at their planned times from now. */
  start(): void;
  close(): Promise<void>;
}

export async function startSimulation(plan: Plan, budgetPerSecond: number): Promise<Simulation> {
  const now = Date.now();
  const channels: SimChannel[] = plan.channels.map((c) => ({
    name: c.name,
    hot: c.hot,
    postsPerMinute: c.postsPerMinute,
    posts: c.history.map((h, i) => ({ id: i + 1, text: h.text, at: now - h.ago, offer: false })),
  }));
  const byName = new Map(channels.map((c) => [c.name, c]));
  const requests: number[] = [];
  const requestLog: { channel: string; at: number }[] = [];
  const timers: NodeJS.Timeout[] = [];
  let tooMany = 0;
  const server: Server = createServer((req, res) => {
    const t = Date.now();
    requests.push(t);
    let recent = 0;
    for (let i = requests.length - 1; i >= 0 && requests[i]! > t - 1000; i--) recent++;
    if (recent > budgetPerSecond * 1.2) {
      tooMany++;
      res.writeHead(429, { 'retry-after': '2' });
      return void res.end('Too Many Requests');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/s\/(\w+)$/.exec(url.pathname);
    const channel = m ? byName.get(m[1]!) : undefined;
    if (channel) requestLog.push({ channel: channel.name, at: t });
    if (!channel) {
      res.writeHead(404);
      return void res.end('not found');
    }
    const before = Number(url.searchParams.get('before') ?? Infinity);
    const older = channel.posts.filter((p) => p.id < before);
    const page = older.slice(-20);
    const olderBefore = older.length > page.length ? page[0]!.id : null;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(renderPage(channel.name, page, olderBefore));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    channels,
    requests,
    requestLog,
    get tooMany() {
      return tooMany;
    },
    start() {
      const t0 = Date.now();
      for (const p of plan.posts) {
        timers.push(
          setTimeout(
            () => {
              const channel = channels[p.channel]!;
              channel.posts.push({ id: channel.posts.length + 1, text: p.text, at: Date.now(), offer: p.offer });
            },
            Math.max(0, t0 + p.at - Date.now()),
          ),
        );
      }
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The most requests in any one-second window (sliding: each window starts at a request). */
export function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
