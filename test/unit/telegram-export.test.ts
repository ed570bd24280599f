import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';
import { describe, expect, it } from 'vitest';
import { DEMO_EXPORT } from '../../shared/paths.js';
import { readTelegramExport } from '../../workers/ingest/sources/telegram-export.source.js';
import { readContext } from '../support/read-context.js';

const ctx = (cursor: Record<string, unknown> | null = null) => readContext({ sourceName: 'export', cursor });
const config = (path: string) => ({ kind: 'telegram-export' as const, path, pollInterval: 60_000 });

function exportFile(doc: unknown): string {
  const path = join(tempDir(), 'result.json');
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

describe('telegram-export source', () => {
  it('reads the demo export: text parts joined, service messages skipped, UTC times, media and forwards kept', async () => {
    const { posts, rejects, cursor } = await readTelegramExport(config(DEMO_EXPORT()), ctx());
    expect(rejects).toEqual([]);
    expect(posts).toHaveLength(34);
    const offer = posts.find((p) => p.externalId === '6')!;
    expect(offer.text).toBe(
      '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin and you get paid same day.',
    );
    expect(offer).toMatchObject({
      platform: 'telegram',
      channel: '1987654321',
      channelTitle: 'Eastside Noticeboard (synthetic demo)',
    });
    expect(offer.publishedAt).toMatch(/^2025-01-\d\dT\d\d:\d\d:00\.000Z$/);
    expect(offer.capture.file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(posts.find((p) => p.externalId === '9')!.media).toEqual([
      { kind: 'photo', fileName: 'photos/photo_3@05-01-2025_14-02-11.jpg' },
    ]);
    expect(posts.find((p) => p.externalId === '21')!.forwardedFrom).toBe('Night Jobs Board');

    const again = await readTelegramExport(config(DEMO_EXPORT()), ctx(cursor));
    expect(again.posts).toEqual([]);
  });

  it('reads a full-account export with several chats', async () => {
    const path = exportFile({
      chats: {
        list: [
          {
            name: 'A',
            type: 'public_channel',
            id: 1,
            messages: [{ id: 10, type: 'message', date_unixtime: '1736543645', text: 'hello' }],
          },
          {
            name: 'B',
            type: 'public_supergroup',
            id: 2,
            messages: [
              { id: 10, type: 'message', date_unixtime: '1736543645', text: ['x', { type: 'link', text: 'y' }] },
            ],
          },
        ],
      },
    });
    const { posts } = await readTelegramExport(config(path), ctx());
    expect(posts.map((p) => [p.channel, p.text])).toEqual([
      ['1', 'hello'],
      ['2', 'xy'],
    ]);
    expect(posts[0]!.key).not.toBe(posts[1]!.key);
  });

  it('quarantines a broken file and a malformed message, keeping the good ones', async () => {
    const broken = await readTelegramExport(config(exportFile('{"messages": [')), ctx());
    expect(broken.posts).toEqual([]);
    expect(broken.rejects[0]!.reason).toMatch(/not valid JSON/);

    const mixed = await readTelegramExport(
      config(
        exportFile({
          id: 5,
          messages: [
            { id: 'x', type: 'message' },
            { id: 2, type: 'message', text: 'fine' },
          ],
        }),
      ),
      ctx(),
    );
    expect(mixed.posts.map((p) => p.text)).toEqual(['fine']);
    expect(mixed.rejects[0]!.reason).toMatch(/^message #0 of chat 5/);
  });
});
