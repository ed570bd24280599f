import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/domain/post.js';
import type { ReadContext } from '../../workers/ingest/source.js';
import { readFileSource } from '../../workers/ingest/sources/file.source.js';
import { readContext } from '../support/read-context.js';

const config = (path: string) => ({
  kind: 'file' as const,
  path,
  platform: 'file',
  channel: 'replay',
  pollInterval: 1000,
});
const ctx = (cursor: ReadContext['cursor'] = null): ReadContext =>
  readContext({ sourceName: 'replay', cursor, maxPostBytes: 4096 });

function file(content: string | Buffer, settled = true): string {
  const path = join(tempDir(), 'posts.jsonl');
  writeFileSync(path, content);
  if (settled) utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  return path;
}

describe('file source', () => {
  it('keeps each line byte-exact with its SHA-256, and resumes from the cursor', async () => {
    const line = '{"id":1,"text":"caf\\u00e9 £5 🔥","channel":"chan_a","date":"2025-01-10T21:14:05Z"}';
    const path = file(`${line}\n`);
    const first = await readFileSource(config(path), ctx());
    expect(first.rejects).toEqual([]);
    expect(first.posts).toHaveLength(1);
    const [post] = first.posts;
    expect(Buffer.from(post!.raw.base64, 'base64').toString('utf8')).toBe(line);
    expect(post!.raw.sha256).toBe(sha256Hex(line));
    expect(post).toMatchObject({
      channel: 'chan_a',
      externalId: '1',
      text: 'café £5 🔥',
      publishedAt: '2025-01-10T21:14:05Z',
    });

    appendFileSync(path, '{"id":2,"text":"second"}\n');
    const second = await readFileSource(config(path), ctx(first.cursor));
    expect(second.posts.map((p) => p.externalId)).toEqual(['2']);
    expect(second.posts[0]!.channel).toBe('replay');
    const third = await readFileSource(config(path), ctx(second.cursor));
    expect(third.posts).toEqual([]);
  });

  it('quarantines bad JSON, invalid UTF-8, missing fields and oversized lines, and goes on', async () => {
    const lines = Buffer.concat([
      Buffer.from('{"id":1,"text":"ok"}\n'),
      Buffer.from('{not json\n'),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]),
      Buffer.from('{"text":"no id"}\n'),
      Buffer.from(`{"id":5,"text":"${'x'.repeat(5000)}"}\n`),
      Buffer.from('{"id":6,"text":"also ok"}\n'),
    ]);
    const result = await readFileSource(config(file(lines)), ctx());
    expect(result.posts.map((p) => p.externalId)).toEqual(['1', '6']);
    expect(result.rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^line 2: not valid JSON/),
      'line 3: not valid UTF-8',
      expect.stringMatching(/^line 4: id/),
      expect.stringMatching(/^line 5: \d+ bytes exceeds the 4096-byte post limit/),
    ]);
    expect(Buffer.from(result.rejects[1]!.raw)).toEqual(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  });

  it('waits for an unterminated last line until the file has settled', async () => {
    const path = file('{"id":1,"text":"done"}\n{"id":2,"text":"half', false);
    const fresh = await readFileSource(config(path), ctx());
    expect(fresh.posts.map((p) => p.externalId)).toEqual(['1']);
    appendFileSync(path, ' written"}');
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const settled = await readFileSource(config(path), ctx(fresh.cursor));
    expect(settled.posts.map((p) => p.text)).toEqual(['half written']);
  });

  it('gives two versions of the same post different keys and repeats of one version the same key', async () => {
    const path = file('{"id":1,"text":"a"}\n{"id":1,"text":"a"}\n');
    const { posts } = await readFileSource(config(path), ctx());
    expect(posts[0]!.key).toBe(posts[1]!.key);
  });
});
