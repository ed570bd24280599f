import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceSchema } from '../../shared/config/config.schema.js';
import { FetchError } from '../../workers/ingest/http-fetcher.js';
import { readerFor } from '../../workers/ingest/source-readers.js';
import { renderChannelPage } from '../support/fake-tme.js';
import { send, startFakeServer, type FakeServer } from '../support/fake-server.js';
import { readContext } from '../support/read-context.js';
import { tempDir } from '../support/tmp.js';

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
  if (kind === 0) for (let i = 0; i < 1 + rand() * 20; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  if (kind === 1) return out.subarray(0, Math.floor(rand() * out.length));
  if (kind === 2) return Buffer.from(Array.from({ length: Math.floor(rand() * 4000) }, () => Math.floor(rand() * 256)));
  if (kind === 3) return Buffer.concat([out.subarray(0, Math.floor(rand() * out.length)), Buffer.from('<div class="tgme_widget_message" data-post="x/1"><<<'.repeat(50)), out.subarray(Math.floor(rand() * out.length))]);
  if (kind === 4) return Buffer.from(out.toString('latin1').replace(/[<>"{}]/g, () => (rand() < 0.3 ? '' : '"')), 'latin1');
  return out;
}

const VALID = {
  'telegram-web': Buffer.from(renderChannelPage('fuzz_chan', [{ id: 1, text: 'hello 🔥\nline' }, { id: 2, text: '£100 to anyone who sprays the mosque in E10' }], 1)),
  rss: Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>a</title><guid>1</guid><link>https://x.example/1</link></item><item><title>b</title><guid>2</guid></item></channel></rss>'),
  mastodon: Buffer.from(JSON.stringify([{ id: '10', created_at: '2026-08-01T13:00:00Z', uri: 'u', url: 'x', content: '<p>hi</p>', account: { acct: 'a' }, media_attachments: [] }])),
  'telegram-bot': Buffer.from(JSON.stringify({ ok: true, result: [{ update_id: 1, channel_post: { message_id: 5, chat: { id: -1, type: 'channel', title: 'C' }, date: 1736543645, text: 'hi' } }] })),
  file: Buffer.from('{"id":1,"text":"a","channel":"c"}\n{"id":2,"text":"b","channel":"c"}\n'),
  'telegram-export': Buffer.from(JSON.stringify({ name: 'C', id: 5, messages: [{ id: 1, type: 'message', date_unixtime: '1736543645', text: ['a', { type: 'bold', text: 'b' }] }] })),
};

describe('fuzzing the source parsers with malformed and random input', () => {
  let server: FakeServer;
  let body: Buffer = Buffer.alloc(0);
  beforeAll(async () => {
    server = await startFakeServer((_req, res) => send(res, 200, body));
  });
  afterAll(() => server?.close());

  it.each(Object.keys(VALID) as (keyof typeof VALID)[])('%s: never crashes or hangs; random bytes always end in the quarantine', async (kind) => {
    const rand = prng(kind.length * 7919);
    const dir = tempDir();
    const path = join(dir, 'input');
    const config = sourceSchema.parse(
      {
        'telegram-web': { kind, channel: 'fuzz_chan', baseUrl: server.url },
        rss: { kind, url: `${server.url}/feed.xml` },
        mastodon: { kind, instance: server.url, hashtag: 'fuzz' },
        'telegram-bot': { kind, botToken: '123456:AAFakeTokenForVigilFuzzOnly_0123', apiRoot: server.url, longPoll: 0 },
        file: { kind, path, channel: 'c' },
        'telegram-export': { kind, path },
      }[kind],
    );
    const read = readerFor(config);
    // A fixed number of seeded inputs, each bounded in time: the same inputs on every run, fast or slow machine.
    const RUNS = 40;
    let runs = 0;
    while (runs < RUNS) {
      const input = runs === 0 ? Buffer.from(Array.from({ length: 300 }, () => Math.floor(rand() * 256))) : mutate(VALID[kind], rand);
      body = input;
      writeFileSync(path, input);
      const outcome = await Promise.race([
        read(config, readContext()).then(
          (r) => r,
          (err: unknown) => err,
        ),
        new Promise((resolve) => setTimeout(() => resolve('hang'), 3_000)),
      ]);
      expect(outcome).not.toBe('hang');
      if (outcome instanceof Error) {
        // Refusals the ingest handler records as source errors: HTTP and Bot API faults, unreadable files.
        expect(outcome instanceof FetchError || /Bot API|ENOENT|refused|redirect/.test(outcome.message), `${kind} run ${runs}: ${outcome.message}`).toBe(true);
        expect(outcome.message).not.toContain('AAFakeTokenForVigilFuzzOnly');
      } else if (runs === 0 && !['file', 'telegram-bot'].includes(kind)) {
        const r = outcome as { rejects: unknown[] };
        expect(r.rejects.length, `${kind}: random bytes must be quarantined`).toBeGreaterThan(0);
      }
      runs += 1;
    }
    expect(runs).toBe(RUNS);
  }, 60_000);
});
