import { describe, expect, it } from 'vitest';
import { saveCursor } from '../../../shared/repositories/source.repository.js';
import { startFakeBotApi } from '../../support/fake-bot-api.js';
import { fixture } from '../../support/fixtures.js';
import { useIngestHarness } from '../../support/ingest-harness.js';

const TOKEN = '123456789:AAFakeTokenForVigilTestsOnly_0123456';

describe('telegram-bot source on a real captured update', () => {
  const { h, server: api } = useIngestHarness(() => startFakeBotApi(TOKEN));

  it('reads a real captured channel_post update', async () => {
    const id = await h.addSource('bot-real', {
      kind: 'telegram-bot',
      botToken: TOKEN,
      apiRoot: api.apiRoot,
      longPoll: 0,
    });
    const real = JSON.parse(fixture('botapi/telegramphp_channel_post_update.json').toString()) as Record<
      string,
      unknown
    >;
    await saveCursor(h.db, id, { offset: real.update_id as number });
    api.push(real);
    expect(await h.poll(id)).toMatchObject({ read: 1, enqueued: 1 });
    const post = (await h.enqueued()).find((p) => p.source === 'bot-real')!;
    expect(post).toMatchObject({
      channel: '-1001794755993',
      channelTitle: 'Canal Teste',
      externalId: '13',
      text: 'Tfhhgcfg',
      publishedAt: '2022-09-02T14:13:07.000Z',
    });
  });
});
