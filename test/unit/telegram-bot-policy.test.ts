import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceSchema } from '../../shared/config/config.schema.js';
import type { SourceConfig } from '../../shared/config/config.js';
import { createFetcher, type FetchPolicy } from '../../workers/ingest/http-fetcher.js';
import { readTelegramBot } from '../../workers/ingest/sources/telegram-bot.source.js';
import { startFakeBotApi } from '../support/fake-bot-api.js';
import { readContext } from '../support/read-context.js';

const TOKEN = '123456789:AAFakeTokenForVigilPolicyOnly_01234';
type BotConfig = Extract<SourceConfig, { kind: 'telegram-bot' }>;

/** telegraf's client goes through the same outbound policy as every other source: its connections are checked too. */
describe('telegram-bot source under the outbound-request policy', () => {
  let api: Awaited<ReturnType<typeof startFakeBotApi>>;
  beforeAll(async () => {
    api = await startFakeBotApi(TOKEN);
  });
  afterAll(() => api?.close());

  const config = (apiRoot: string) =>
    sourceSchema.parse({ kind: 'telegram-bot', botToken: TOKEN, apiRoot, longPoll: 0 }) as BotConfig;
  const read = (apiRoot: string, policy: Partial<FetchPolicy>) =>
    readTelegramBot(
      config(apiRoot),
      readContext({
        fetcher: createFetcher({
          timeoutMs: 5_000,
          maxBytes: 1024 * 1024,
          perHostIntervalMs: 0,
          allowPrivateNetworks: false,
          ...policy,
        }),
      }),
    );
  const port = () => new URL(api.apiRoot).port;

  it('refuses an apiRoot on loopback unless private networks are allowed, and never names the token', async () => {
    api.offsets.length = 0;
    const err = await read(api.apiRoot, {}).then(
      () => new Error('read succeeded'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/refusing 127\.0\.0\.1.*loopback/);
    expect(err.message).not.toContain(TOKEN.split(':')[1]);
    expect(api.offsets).toEqual([]);
  });

  it('checks the addresses a host name resolves to, through the same DNS seam, and connects to the checked one', async () => {
    const calls: string[] = [];
    const resolve = async (hostname: string) => {
      calls.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    api.offsets.length = 0;
    await expect(read(`http://localhost:${port()}`, { resolve })).rejects.toThrow(/refusing localhost.*loopback/);
    expect(api.offsets).toEqual([]);

    api.push({
      update_id: 1,
      channel_post: {
        message_id: 5,
        chat: { id: -100123, type: 'channel', username: 'east_watch' },
        date: 1736543645,
        text: 'hello',
      },
    });
    const result = await read(`http://localhost:${port()}`, { resolve, allowPrivateNetworks: 'loopback' });
    expect(result.posts.map((p) => p.text)).toEqual(['hello']);
    expect(calls).toEqual(['localhost', 'localhost']);
  });
});
