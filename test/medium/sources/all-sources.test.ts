import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../../cli/runtime.js';
import { loadConfig } from '../../../shared/config/config.js';
import { DEMO_EXPORT } from '../../../shared/paths.js';
import { createApiToken, createUser } from '../../../shared/repositories/user.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { startFakeBotApi } from '../../support/fake-bot-api.js';
import { send, startFakeServer, type FakeServer } from '../../support/fake-server.js';
import { renderChannelPage } from '../../support/fake-tme.js';
import { testLog } from '../../support/log.js';
import { testPrefix } from '../../support/redis.js';
import { tempDir } from '../../support/tmp.js';
import { waitFor } from '../../support/wait.js';
import { closeRuntimeTest } from '../../support/runtime-test.js';
import { listItems } from '../../../shared/repositories/review-item.repository.js';

const OFFER = (where: string) => `£100 to anyone who sprays the mosque in ${where}, send a pic to @payday_admin`;

describe('every source kind at once, into the same queues', () => {
  let testDb: TestDb;
  let runtime: Runtime;
  let web: FakeServer;
  let bot: Awaited<ReturnType<typeof startFakeBotApi>>;
  const prefix = testPrefix();
  const token = '987654321:AAFakeTokenForVigilTestsOnly_0123456';

  beforeAll(async () => {
    testDb = await createTestDb();
    bot = await startFakeBotApi(token);
    const chat = { id: -1001, title: 'Bot Chat', type: 'channel', username: 'bot_chat' };
    bot.push({ update_id: 1, channel_post: { message_id: 5, chat, date: 1736543645, text: OFFER('B6') } });
    web = await startFakeServer((_req, res, url) => {
      if (url.pathname === '/s/east_watch')
        return send(
          res,
          200,
          renderChannelPage(
            'east_watch',
            [
              { id: 10, text: 'weather is grim' },
              { id: 11, text: OFFER('E10') },
            ],
            null,
          ),
        );
      if (url.pathname === '/s/gone_private') return send(res, 302, '', { location: 'https://t.me/gone_private' });
      if (url.pathname === '/feed.xml') {
        return send(
          res,
          200,
          `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item><title>${OFFER('SE25')}</title><guid>r-1</guid><link>https://feed.example/1</link></item></channel></rss>`,
          { 'content-type': 'application/rss+xml' },
        );
      }
      if (url.pathname === '/api/v1/timelines/tag/hoot') {
        const s = {
          id: '900',
          created_at: '2026-08-01T13:00:00.000Z',
          uri: 'https://m.example/s/900',
          url: 'https://m.example/@x/900',
          content: `<p>${OFFER('CR7')}</p>`,
          account: { acct: 'x' },
          media_attachments: [],
        };
        return send(res, 200, JSON.stringify([s]), { 'content-type': 'application/json' });
      }
      send(res, 404, 'not found');
    });
    const dir = tempDir();
    const jsonl = join(dir, 'posts.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ id: 'f-1', text: OFFER('N16'), channel: 'replay_chan' })}\n`);
    utimesSync(jsonl, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(
      join(dir, 'vigil.config.yaml'),
      [
        'ingest: { allowPrivateNetworks: loopback, perHostInterval: 0ms }',
        'sources:',
        `  - { kind: file, name: jsonl, path: "${jsonl}", pollInterval: 300ms }`,
        `  - { kind: telegram-export, name: export, path: "${DEMO_EXPORT()}", pollInterval: 300ms }`,
        `  - { kind: telegram-web, name: web, channel: east_watch, baseUrl: "${web.url}", pollInterval: 300ms }`,
        `  - { kind: telegram-web, name: private, channel: gone_private, baseUrl: "${web.url}", pollInterval: 300ms }`,
        `  - { kind: rss, name: feed, url: "${web.url}/feed.xml", pollInterval: 300ms }`,
        `  - { kind: mastodon, name: masto, instance: "${web.url}", hashtag: hoot, pollInterval: 300ms }`,
        `  - { kind: telegram-bot, name: bot, botToken: "${token}", apiRoot: "${bot.apiRoot}", longPoll: 1, pollInterval: 300ms }`,
      ].join('\n'),
    );
    runtime = await startRuntime(
      loadConfig({ DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir),
      testLog,
      ['api', 'ingest', 'classify', 'alert'],
      { listen: false },
    );
  });

  afterAll(() => closeRuntimeTest(runtime, [web, bot], testDb, prefix));

  it('flags the offer from each source, while a failing source is reported and the others keep running', async () => {
    const bySource = async () => {
      const counts: Record<string, number> = {};
      for (const { post } of await listItems(testDb.db, { limit: 1_000, offset: 0 }))
        if (post.sourceName !== null) counts[post.sourceName] = (counts[post.sourceName] ?? 0) + 1;
      return counts;
    };
    const counts = await waitFor(
      async () => {
        const c = await bySource();
        return ['jsonl', 'export', 'web', 'feed', 'masto', 'bot'].every((s) => c[s]) ? c : undefined;
      },
      'an item from every working source',
      20_000,
    );
    expect(counts).toEqual({ jsonl: 1, export: 9, web: 1, feed: 1, masto: 1, bot: 1 });

    // Source names and errors are behind sign-in (/healthz gives counts only).
    const user = await createUser(testDb.db, 'auditor@example.org', 'auditor', null);
    const authorization = `Bearer ${await createApiToken(testDb.db, user.id, 'health')}`;
    const health = (await runtime.app!.inject({ method: 'GET', url: '/api/health', headers: { authorization } })).json<{
      status: string;
      sources: { name: string; healthy: boolean; lastError: string | null }[];
    }>();
    expect(health.status).toBe('degraded');
    expect(health.sources.find((s) => s.name === 'private')).toMatchObject({
      healthy: false,
      lastError: expect.stringMatching(/no public preview/),
    });
    expect(
      health.sources
        .filter((s) => s.healthy)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['bot', 'export', 'feed', 'jsonl', 'masto', 'web']);
  });
});
