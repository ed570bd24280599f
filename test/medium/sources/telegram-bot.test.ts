import { describe, expect, it, vi } from 'vitest';
import { startFakeBotApi } from '../../support/fake-bot-api.js';
import { projectFixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';
import { listQuarantined } from '../../../shared/repositories/quarantine.repository.js';
import { saveCursor } from '../../../shared/repositories/source.repository.js';

const TOKEN = '123456789:AAFakeTokenForVigilTestsOnly_0123456';
const channel = { id: -1001234567890, title: 'East Watch', type: 'channel', username: 'east_watch' };

/** Updates in the Bot API's shapes (telegraf/typegram): a channel post, a photo with caption, a forward, an edit. */
const updates = [
  {
    update_id: 500,
    channel_post: {
      message_id: 41,
      sender_chat: channel,
      chat: channel,
      date: 1736543645,
      text: 'Morning all, bins are late again',
      author_signature: 'Admin',
    },
  },
  {
    update_id: 501,
    channel_post: {
      message_id: 42,
      sender_chat: channel,
      chat: channel,
      date: 1736543700,
      caption: '£100 to anyone who sprays the mosque in E10, send a pic to @payday_admin',
      photo: [
        { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
        { file_id: 'large', file_unique_id: 'l', width: 1280, height: 960 },
      ],
      reply_to_message: { message_id: 41, chat: channel, date: 1736543645 },
    },
  },
  {
    update_id: 502,
    channel_post: {
      message_id: 43,
      chat: channel,
      date: 1736543800,
      text: 'Forwarded for info',
      entities: [{ type: 'text_link', offset: 0, length: 9, url: 'https://t.me/pay_bot' }],
      forward_origin: {
        type: 'channel',
        chat: { id: -100999, title: 'Night Jobs Board', type: 'channel', username: 'night_jobs' },
        message_id: 7,
        date: 1736540000,
      },
    },
  },
];

describe('telegram-bot source against a fake Bot API', () => {
  const { h, server: api } = useIngestHarness(() => startFakeBotApi(TOKEN));

  it('reads channel posts, captions, replies, forwards and media, and confirms a batch only after it is queued', async () => {
    const id = await h.addSource('bot', { kind: 'telegram-bot', botToken: TOKEN, apiRoot: api.apiRoot, longPoll: 1 });
    api.push(...updates);
    expect(await h.poll(id)).toMatchObject({ read: 3, enqueued: 3 });
    expect((await h.source(id)).cursor).toEqual({ offset: 503 });

    const posts = (await h.enqueued()).filter((p) => p.source === 'bot');
    const offer = posts.find((p) => p.externalId === '42')!;
    expect(offer).toMatchObject({
      platform: 'telegram',
      channel: 'east_watch',
      channelTitle: 'East Watch',
      url: 'https://t.me/east_watch/42',
      replyTo: '41',
      media: [{ kind: 'photo', fileName: 'large' }],
    });
    expect(offer.text).toMatch(/^£100 to anyone/);
    expect(JSON.parse(Buffer.from(offer.raw.base64, 'base64').toString())).toEqual(updates[1]);
    expect(offer.capture.url).not.toContain(TOKEN.split(':')[1]);
    expect(posts.find((p) => p.externalId === '43')).toMatchObject({
      forwardedFrom: '@night_jobs',
      media: [{ kind: 'link', url: 'https://t.me/pay_bot' }],
    });
    expect(posts.find((p) => p.externalId === '41')!.author).toBe('Admin');

    // The next poll asks from 503: Telegram may now drop 500–502, which are safely queued.
    await h.poll(id);
    expect(api.offsets.slice(-2)).toEqual([0, 503]);
  });

  it('keeps an edited post as a new version', async () => {
    const id = await h.addSource('bot-edits', {
      kind: 'telegram-bot',
      botToken: TOKEN,
      apiRoot: api.apiRoot,
      longPoll: 0,
    });
    await saveCursor(h.db, id, { offset: 503 });
    api.push({
      update_id: 503,
      channel_post: { message_id: 60, chat: channel, date: 1736550000, text: 'original words' },
    });
    await h.poll(id);
    api.push({
      update_id: 504,
      edited_channel_post: {
        message_id: 60,
        chat: channel,
        date: 1736550000,
        edit_date: 1736550100,
        text: 'edited words',
      },
    });
    expect(await h.poll(id)).toMatchObject({ enqueued: 1, edits: 1 });
    const versions = (await h.enqueued())
      .filter((p) => p.source === 'bot-edits')
      .map((p) => [p.version, p.text, p.editedAt]);
    expect(versions).toEqual([
      [1, 'original words', null],
      [2, 'edited words', '2025-01-10T23:01:40.000Z'],
    ]);
  });

  it('quarantines posts from chats off the list and unknown update types, and still moves on', async () => {
    const id = await h.addSource('bot-listed', {
      kind: 'telegram-bot',
      botToken: TOKEN,
      apiRoot: api.apiRoot,
      longPoll: 0,
      chats: ['@east_watch'],
    });
    await saveCursor(h.db, id, { offset: 505 });
    api.push(
      {
        update_id: 505,
        channel_post: {
          message_id: 70,
          chat: { id: -100555, title: 'Elsewhere', type: 'channel' },
          date: 1736550000,
          text: 'not watched',
        },
      },
      { update_id: 506, poll: { id: 'p1', question: '?' } },
      { update_id: 507, channel_post: { message_id: 71, chat: channel, date: 1736550000, text: 'watched' } },
    );
    expect(await h.poll(id)).toMatchObject({ read: 1, enqueued: 1, quarantined: 2 });
    const reasons = (await listQuarantined(h.db, { sourceId: id })).map((r) => r.reason);
    expect(reasons).toEqual([
      "update 505: chat -100555 is not on this source's list",
      'update 506: unknown update type (poll)',
    ]);
    expect((await h.source(id)).cursor).toEqual({ offset: 508 });
  });

  it('backs off on 429 retry_after, and reports 409 (two pollers) and 401 (bad token) as source errors', async () => {
    const id = await h.addSource('bot-errors', {
      kind: 'telegram-bot',
      botToken: TOKEN,
      apiRoot: api.apiRoot,
      longPoll: 0,
    });
    api.fail(429, 'Too Many Requests: retry after 37', { retry_after: 37 });
    expect(await h.poll(id)).toMatchObject({ rateLimited: true });
    const wait = (await h.source(id)).backoff_until!.getTime() - Date.now();
    expect(wait).toBeGreaterThan(30_000);
    expect(wait).toBeLessThanOrEqual(37_000);

    // Past the back-off: the clock moves on 38 s.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 38_000 });
    try {
      api.fail(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
      await expect(h.poll(id)).rejects.toThrow(/another poller or a webhook uses this bot token/);
    } finally {
      vi.useRealTimers();
    }

    const bad = await h.addSource('bot-bad', {
      kind: 'telegram-bot',
      botToken: '123456789:WrongTokenWrongTokenWrongToken',
      apiRoot: api.apiRoot,
      longPoll: 0,
    });
    await expect(h.poll(bad)).rejects.toThrow(/token was refused/);
    expect((await h.source(bad)).last_error).toMatch(/401/);
  });

  it("reads a getUpdates answer in the Bot API's own shape: signature, protected text, a photo with a caption", async () => {
    const id = await h.addSource('bot-fixture', {
      kind: 'telegram-bot',
      botToken: TOKEN,
      apiRoot: api.apiRoot,
      longPoll: 0,
    });
    const answer = JSON.parse(projectFixture('botapi/getUpdates_channel_posts.json').toString()) as {
      ok: boolean;
      result: Record<string, unknown>[];
    };
    expect(answer.ok).toBe(true);
    await saveCursor(h.db, id, { offset: 731420016 });
    api.push(...answer.result);
    expect(await h.poll(id)).toMatchObject({ read: 2, enqueued: 2, quarantined: 0 });
    expect((await h.source(id)).cursor).toEqual({ offset: 731420018 });
    const posts = (await h.enqueued()).filter((p) => p.source === 'bot-fixture');
    expect(posts.map((p) => p.externalId)).toEqual(['88', '89']);
    expect(posts[0]).toMatchObject({
      platform: 'telegram',
      channel: 'leyfield_residents',
      channelTitle: 'Leyfield Residents',
      url: 'https://t.me/leyfield_residents/88',
      author: 'Priya Desai',
      text: 'Library opening hours change from Monday: 9–7 on weekdays, 10–4 on Saturdays.',
      publishedAt: '2026-03-02T09:40:00.000Z',
    });
    expect(posts[1]).toMatchObject({
      text: '£100 to whoever sprays the mosque on Ashgrove Road E10, send pic to @quickcash_e10',
      publishedAt: '2026-03-02T21:32:09.000Z',
      media: [
        {
          kind: 'photo',
          fileName: 'AgACAgQAAx0Cg3kPXQADWWfB0Ly2mYc9Tq1xS0aV8w3nFq2hAAJQwjEbvHcRUkV0AAE1wYpD-0AAgEAAwIAA3kAAzYE',
        },
      ],
    });
    expect(JSON.parse(Buffer.from(posts[1]!.raw.base64, 'base64').toString())).toEqual(answer.result[1]);
  });
});
