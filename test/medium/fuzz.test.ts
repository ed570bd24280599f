import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceSchema } from '../../shared/config/config.schema.js';
import type { Db } from '../../shared/db/client.js';
import { postProblem, type CapturedPost } from '../../shared/domain/post.js';
import { findSeen, recordSeen } from '../../shared/repositories/post-seen.repository.js';
import { listQuarantined, quarantine } from '../../shared/repositories/quarantine.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { FetchError } from '../../workers/ingest/http-fetcher.js';
import { assignVersions } from '../../workers/ingest/post-versions.js';
import { checkPosts, type ReadResult } from '../../workers/ingest/source.js';
import { readerFor } from '../../workers/ingest/source-readers.js';
import { renderChannelPage } from '../support/fake-tme.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { readContext } from '../support/read-context.js';
import { tempDir } from '../support/tmp.js';
import { flaggedVerdict } from '../support/verdicts.js';

/** A small seeded PRNG (mulberry32): a failing input can be replayed from its seed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(valid: Buffer, rand: () => number): Buffer {
  const kind = Math.floor(rand() * 5);
  const out = Buffer.from(valid);
  if (kind === 0)
    for (let i = 0; i < 1 + rand() * 20; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  if (kind === 1) return out.subarray(0, Math.floor(rand() * out.length));
  if (kind === 2) return Buffer.from(Array.from({ length: Math.floor(rand() * 4000) }, () => Math.floor(rand() * 256)));
  if (kind === 3)
    return Buffer.concat([
      out.subarray(0, Math.floor(rand() * out.length)),
      Buffer.from('<div class="tgme_widget_message" data-post="x/1"><<<'.repeat(50)),
      out.subarray(Math.floor(rand() * out.length)),
    ]);
  if (kind === 4)
    return Buffer.from(
      out.toString('latin1').replace(/[<>"{}]/g, () => (rand() < 0.3 ? '' : '"')),
      'latin1',
    );
  return out;
}

const VALID = {
  'telegram-web': Buffer.from(
    renderChannelPage(
      'fuzz_chan',
      [
        { id: 1, text: 'hello 🔥\nline' },
        { id: 2, text: '£100 to anyone who sprays the mosque in E10' },
      ],
      1,
    ),
  ),
  rss: Buffer.from(
    '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>a</title><guid>1</guid><link>https://x.example/1</link></item><item><title>b</title><guid>2</guid></item></channel></rss>',
  ),
  mastodon: Buffer.from(
    JSON.stringify([
      {
        id: '10',
        created_at: '2026-08-01T13:00:00Z',
        uri: 'u',
        url: 'x',
        content: '<p>hi</p>',
        account: { acct: 'a' },
        media_attachments: [],
      },
    ]),
  ),
  'telegram-bot': Buffer.from(
    JSON.stringify({
      ok: true,
      result: [
        {
          update_id: 1,
          channel_post: { message_id: 5, chat: { id: -1, type: 'channel', title: 'C' }, date: 1736543645, text: 'hi' },
        },
      ],
    }),
  ),
  file: Buffer.from('{"id":1,"text":"a","channel":"c"}\n{"id":2,"text":"b","channel":"c"}\n'),
  'telegram-export': Buffer.from(
    JSON.stringify({
      name: 'C',
      id: 5,
      messages: [{ id: 1, type: 'message', date_unixtime: '1736543645', text: ['a', { type: 'bold', text: 'b' }] }],
    }),
  ),
};

/** Flagged, so the alert worker's write (dates into timestamptz, channels into their table) is tried too. */
const storeFlagged = (db: Db, posts: CapturedPost[]) =>
  db.transaction().execute((trx) =>
    insertFlagged(
      trx,
      posts.map((post) => ({ post, verdict: flaggedVerdict() })),
    ),
  );

/** What ingest does with a read before it enqueues, and what the alert worker writes: none of it may throw. */
async function storeRead(db: Db, sourceId: number, result: ReadResult): Promise<void> {
  const checked = checkPosts(result.posts);
  await quarantine(
    db,
    [...result.rejects, ...checked.rejects].map((r) => ({
      sourceId,
      stage: 'fuzz',
      reason: r.reason,
      raw: r.raw,
      context: r.context,
    })),
  );
  const versioned = assignVersions(
    checked.posts,
    await findSeen(
      db,
      sourceId,
      checked.posts.map((p) => p.externalId),
    ),
  );
  await recordSeen(
    db,
    sourceId,
    versioned.map((v) => ({ externalId: v.post.externalId, version: v.post.version, textSha256: v.textSha256 })),
  );
  await storeFlagged(
    db,
    versioned.map((v) => v.post),
  );
}

/** A source of `kind` reading from the fake server at `url`, or from the file at `path`. */
const sourceConfigFor = (kind: keyof typeof VALID, url: string, path: string) =>
  ({
    'telegram-web': { kind, channel: 'fuzz_chan', baseUrl: url },
    rss: { kind, url: `${url}/feed.xml` },
    mastodon: { kind, instance: url, hashtag: 'fuzz' },
    'telegram-bot': { kind, botToken: '123456:AAFakeTokenForVigilFuzzOnly_0123', apiRoot: url, longPoll: 0 },
    file: { kind, path, channel: 'c' },
    'telegram-export': { kind, path },
  })[kind];

describe('fuzzing the source parsers with malformed and random input', () => {
  let server: FakeServer;
  let h: IngestHarness;
  let body: Buffer = Buffer.alloc(0);
  beforeAll(async () => {
    server = await startFakeServer((_req, res) => send(res, 200, body));
    h = await ingestHarness();
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it.each(Object.keys(VALID) as (keyof typeof VALID)[])(
    '%s: never crashes or hangs; random bytes always end in the quarantine; what is read can be stored',
    async (kind) => {
      const rand = prng(kind.length * 7919);
      const sourceId = await h.addSource(`bytes-${kind}`, { kind: 'file', path: '/dev/null', channel: 'c' });
      const dir = tempDir();
      const path = join(dir, 'input');
      const config = sourceSchema.parse(sourceConfigFor(kind, server.url, path));
      const read = readerFor(config);
      // A fixed number of seeded inputs, each bounded in time: the same inputs on every run, fast or slow machine.
      const RUNS = 40;
      let runs = 0;
      while (runs < RUNS) {
        const input =
          runs === 0
            ? Buffer.from(Array.from({ length: 300 }, () => Math.floor(rand() * 256)))
            : mutate(VALID[kind], rand);
        body = input;
        writeFileSync(path, input);
        const outcome = await Promise.race([
          read(config, readContext()).then(
            (r) => r,
            (err: unknown) => err,
          ),
          // A hang, not slowness: a busy machine may take a few seconds over one read.
          new Promise((resolve) => setTimeout(() => resolve('hang'), 10_000)),
        ]);
        expect(outcome).not.toBe('hang');
        if (outcome instanceof Error) {
          // Refusals the ingest handler records as source errors: HTTP and Bot API faults, unreadable files.
          expect(
            outcome instanceof FetchError || /Bot API|ENOENT|refused|redirect/.test(outcome.message),
            `${kind} run ${runs}: ${outcome.message}`,
          ).toBe(true);
          expect(outcome.message).not.toContain('AAFakeTokenForVigilFuzzOnly');
        } else {
          const r = outcome as ReadResult;
          if (runs === 0 && !['file', 'telegram-bot'].includes(kind))
            expect(r.rejects.length, `${kind}: random bytes must be quarantined`).toBeGreaterThan(0);
          await storeRead(h.db, sourceId, r);
        }
        runs += 1;
      }
      expect(runs).toBe(RUNS);
    },
    60_000,
  );
});

/** Characters that wedge or confuse ingest when they reach a key: controls (NUL above all), unpaired surrogates, quoting and markup. */
const HOSTILE = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udfff',
  '\u2028',
  '\u200b',
  '\ufeff',
  '\ufffd',
  '"',
  "'",
  '\\',
  '/',
  '<',
  '>',
  '&',
  ',',
  '{',
  ' ',
  'é',
  'ß',
  '🔥',
  'NULL',
];

/** Random identifiers, channels, authors and dates in well-formed input: the fields a reader passes through untouched. */
function fieldFuzzer(rand: () => number) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (max: number) => Math.floor(rand() * max);
  const two = (max: number) => String(int(max)).padStart(2, '0');
  const word = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + int(26))).join('');
  const hostile = () =>
    Array.from({ length: rand() < 0.05 ? 300 : int(12) }, () => (rand() < 0.4 ? pick(HOSTILE) : word(1))).join('');
  /** Mostly plain, so a hostile value has neighbours to lose. */
  const text = (plain: string) => (rand() < 0.35 ? hostile() : plain);
  const date = () =>
    pick([
      () =>
        `${pick(['0000', '0001', '1969', '2025', '9999', String(int(10_000)).padStart(4, '0')])}-${two(14)}-${two(33)}T${two(26)}:${two(61)}:${two(61)}${pick(['Z', '.123Z', '+00:00', '+14:00', '+15:59', '+16:00', '-23:59', '+2300', ''])}`,
      () => '2025-01-10T21:14:05Z',
      () => hostile(),
      () => String(int(1e9) * 1e9),
    ])();
  const unix = () => pick([0, -1, 1_736_543_645, 2 ** 31, 8.64e12, 1e15, Number.MAX_SAFE_INTEGER, int(2e9)]);
  const id = () => pick([() => int(1e6), () => -int(100), () => 2 ** 60, () => 1.5, () => text(`p${int(1e6)}`)])();
  return { pick, int, text, date, unix, id, word };
}

/** Five posts of each kind's input, built around the fuzzed fields. */
const INPUTS: Record<
  keyof typeof VALID,
  (f: ReturnType<typeof fieldFuzzer>) => { body: string; posts: number | null }
> = {
  file: (f) => ({
    body:
      Array.from({ length: 5 }, () =>
        JSON.stringify({
          id: f.id(),
          text: `post ${f.word(5)}`,
          channel: f.text('chan'),
          author: f.text('someone'),
          date: f.date(),
        }),
      ).join('\n') + '\n',
    posts: 5,
  }),
  'telegram-export': (f) => ({
    body: JSON.stringify({
      name: f.text('Eastside'),
      type: 'public_channel',
      ...(f.int(4) ? { id: f.pick([f.int(1e9), -f.int(1e6)]) } : {}),
      messages: Array.from({ length: 5 }, () => ({
        id: f.pick([f.int(1e6), 2 ** 53 - 1]),
        type: 'message',
        date_unixtime: String(f.pick([f.int(2e9), 10 ** f.int(20)])),
        ...(f.int(3) ? {} : { edited_unixtime: String(10 ** f.int(20)) }),
        from: f.text('Admin'),
        forwarded_from: f.text('Night Jobs'),
        reply_to_message_id: f.int(1e6),
        text: `note ${f.word(5)}`,
      })),
    }),
    posts: 5,
  }),
  'telegram-bot': (f) => ({
    body: JSON.stringify({
      ok: true,
      result: Array.from({ length: 5 }, (_, i) => ({
        update_id: 100 + i,
        channel_post: {
          message_id: f.int(1e6),
          chat: {
            id: f.pick([-f.int(1e12), f.int(1e6)]),
            type: 'channel',
            title: f.text('Chat'),
            ...(f.int(2) ? { username: f.text('east_watch') } : {}),
          },
          date: f.unix(),
          ...(f.int(3) ? {} : { edit_date: f.unix() }),
          author_signature: f.text('Admin'),
          text: `hi ${f.word(5)}`,
        },
      })),
    }),
    posts: 5,
  }),
  'telegram-web': (f) => ({
    body: renderChannelPage(
      f.text('fuzz_chan'),
      Array.from({ length: 5 }, (_, i) => ({
        id: f.pick([i + 1, 2 ** 53 - 1 - i]),
        text: `hello ${f.word(5)}`,
        date: f.date(),
        author: f.text('Admin'),
      })),
      null,
    ),
    // The page parser drops markup it cannot read (a channel with a quote breaks its attribute).
    posts: null,
  }),
  rss: (f) => {
    const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const items = Array.from(
      { length: 5 },
      () =>
        `<item><title>t ${f.word(5)}</title><guid>${xml(f.text(`g-${f.int(1e6)}`))}</guid><dc:creator>${xml(f.text('someone'))}</dc:creator><pubDate>${xml(f.date())}</pubDate></item>`,
    );
    // A control character makes the whole feed ill-formed XML: one reject, not five.
    return {
      body: `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>F</title>${items.join('')}</channel></rss>`,
      posts: null,
    };
  },
  mastodon: (f) => ({
    body: JSON.stringify(
      Array.from({ length: 5 }, () => ({
        id: String(f.int(1e12)),
        created_at: f.date(),
        ...(f.int(2) ? { edited_at: f.date() } : {}),
        uri: `https://m.example/s/${f.int(1e6)}`,
        url: f.text('https://m.example/@x/1'),
        content: `<p>hi ${f.word(5)}</p>`,
        account: { acct: f.text('someone') },
        media_attachments: [],
      })),
    ),
    posts: 5,
  }),
};

describe('fuzzing identifiers, channels, authors and dates through the ingest handler', () => {
  let server: FakeServer;
  let h: IngestHarness;
  let body = '';
  beforeAll(async () => {
    server = await startFakeServer((_req, res) => send(res, 200, body, { 'content-type': 'application/json' }));
    h = await ingestHarness();
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it.each(Object.keys(INPUTS) as (keyof typeof VALID)[])(
    '%s: every poll succeeds; each post is enqueued or quarantined, and what is enqueued can be stored',
    async (kind) => {
      const f = fieldFuzzer(prng(kind.length * 104_729));
      const path = join(tempDir(), 'input');
      writeFileSync(path, '');
      const sourceId = await h.addSource(`fields-${kind}`, sourceConfigFor(kind, server.url, path));
      const stored = new Set<string>();
      let quarantined = 0;
      for (let run = 0; run < 25; run++) {
        const input = INPUTS[kind](f);
        body = input.body;
        if (kind === 'file') appendFileSync(path, input.body);
        else writeFileSync(path, input.body);
        const outcome = await h.poll(sourceId);
        expect(outcome, `${kind} run ${run}`).toMatchObject({ quarantined: expect.any(Number) });
        const totals = outcome as { read: number; quarantined: number };
        quarantined += totals.quarantined;
        if (input.posts !== null)
          expect(totals.read + totals.quarantined, `${kind} run ${run}: a post neither read nor quarantined`).toBe(
            input.posts,
          );
        const source = await h.source(sourceId);
        expect(source.last_error, `${kind} run ${run}`).toBeNull();

        const fresh = (await h.enqueued()).filter((p) => !stored.has(p.key));
        for (const p of fresh)
          expect(postProblem(p), `${kind} run ${run}: ${JSON.stringify(p.externalId)}`).toBeUndefined();
        await storeFlagged(h.db, fresh);
        for (const p of fresh) stored.add(p.key);
      }
      // The fuzzer is meant to hit both sides: posts kept and posts quarantined.
      expect(stored.size, kind).toBeGreaterThan(0);
      expect(quarantined, kind).toBeGreaterThan(0);
      expect((await listQuarantined(h.db, { sourceId })).every((r) => r.reason.length > 0)).toBe(true);
    },
    60_000,
  );
});
