import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuarantined } from '../../shared/repositories/quarantine.repository.js';
import { ingestHarness, type IngestHarness } from '../support/ingest-harness.js';
import { tempDir } from '../support/tmp.js';

const AFTER = 26;
const offer = (n: number) => `£100 to anyone who sprays the mosque in E10 (${n}), send a pic to @payday_admin`;
/** The posts behind the poisoned one: every third an offer. */
const followers = (prefix: string) =>
  Array.from({ length: AFTER }, (_, i) => ({
    id: `${prefix}-${i}`,
    text: i % 3 === 0 ? offer(i) : `bins are late on road ${i}`,
  }));

/**
 * One poisoned identifier used to fail every retry of the poll (Postgres refuses NUL in text), so the
 * cursor never moved and the posts after it were lost. Now it goes to the quarantine with its reason.
 */
describe('a post with an identifier or date that cannot be stored', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await ingestHarness();
  });
  afterAll(() => h?.close());

  const quarantined = (sourceId: number) => listQuarantined(h.db, { sourceId });

  it.each([
    [
      'a NUL in the id',
      { id: 'm-\u0000-1', text: offer(99) },
      /^line 1: id: has a control character \(U\+0000\) at offset 2$/,
    ],
    [
      'a NUL in the channel',
      { id: 'm-1', channel: 'east\u0000watch', text: offer(99) },
      /^line 1: channel: has a control character \(U\+0000\)/,
    ],
    [
      'an escape character in the author',
      { id: 'm-1', author: 'pay\u001bday', text: offer(99) },
      /^line 1: author: has a control character \(U\+001B\)/,
    ],
    [
      'an unpaired surrogate in the id',
      { id: 'm-\ud800', text: offer(99) },
      /^line 1: id: has an unpaired surrogate \(U\+D800\)/,
    ],
    [
      'a date with an offset Postgres refuses',
      { id: 'm-1', date: '2025-01-10T21:14:05+23:00', text: offer(99) },
      /^line 1: date: /,
    ],
    ['a date in year 0', { id: 'm-1', date: '0000-01-10T21:14:05Z', text: offer(99) }, /^line 1: date: /],
  ])('file source, %s: quarantined with its reason, and the next 26 posts enqueued', async (what, poisoned, reason) => {
    const prefix = what.replace(/\W+/g, '-');
    const path = join(tempDir(), 'posts.jsonl');
    writeFileSync(path, '');
    const sourceId = await h.addSource(`poison-${prefix}`, { kind: 'file', path, channel: 'east_watch' });
    const line = JSON.stringify(poisoned);
    appendFileSync(path, `${[line, ...followers(prefix).map((p) => JSON.stringify(p))].join('\n')}\n`);

    expect(await h.poll(sourceId)).toMatchObject({ read: AFTER, enqueued: AFTER, quarantined: 1 });
    const enqueued = (await h.enqueued()).filter((p) => p.externalId.startsWith(`${prefix}-`));
    expect(enqueued.map((p) => p.externalId)).toEqual(followers(prefix).map((p) => p.id));

    const [row, ...more] = await quarantined(sourceId);
    expect(more).toEqual([]);
    expect(row!.reason).toMatch(reason);
    expect(row!.raw.toString('utf8')).toBe(line);
    const source = await h.source(sourceId);
    expect(source).toMatchObject({ last_error: null, consecutive_failures: 0, cursor: { line: AFTER + 1 } });
    // The next poll goes on from there: nothing read again, nothing failing.
    expect(await h.poll(sourceId)).toMatchObject({ read: 0, quarantined: 0 });
  });

  it('telegram export: a control character in an author and a date past the year 9999 are quarantined, the other messages kept', async () => {
    const path = join(tempDir(), 'result.json');
    const message = (id: number, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'message',
      date_unixtime: '1736543645',
      from: 'Admin',
      text: id % 3 === 0 ? offer(id) : `note ${id}`,
      ...extra,
    });
    const messages = [
      message(1, { from: 'pay\u0007day' }),
      message(2, { date_unixtime: '999999999999999' }),
      ...Array.from({ length: AFTER }, (_, i) => message(i + 3)),
    ];
    writeFileSync(path, JSON.stringify({ name: 'Eastside', type: 'public_channel', id: 77, messages }));
    const sourceId = await h.addSource('poison-export', { kind: 'telegram-export', path });

    expect(await h.poll(sourceId)).toMatchObject({ read: AFTER, enqueued: AFTER, quarantined: 2 });
    const enqueued = (await h.enqueued()).filter((p) => p.channel === '77');
    expect(enqueued.map((p) => p.externalId)).toEqual(Array.from({ length: AFTER }, (_, i) => String(i + 3)));
    expect((await quarantined(sourceId)).map((r) => r.reason)).toEqual([
      'post "1" of telegram channel "77": author: has a control character (U+0007) at offset 3',
      expect.stringMatching(/^post "2" of telegram channel "77": publishedAt: /),
    ]);
    expect(await h.source(sourceId)).toMatchObject({ last_error: null, consecutive_failures: 0 });
  });
});
