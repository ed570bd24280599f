import { z } from 'zod';
import { duration, url } from './primitives.js';

const sourceName = z.string().regex(/^[\w.@-]{1,100}$/, 'letters, digits, "_", "-", ".", "@" only');

/** A JSON Lines file replayed line by line; new lines appended later are picked up. */
const fileSource = z
  .object({
    kind: z.literal('file'),
    name: sourceName.optional(),
    path: z.string().min(1),
    platform: z.string().min(1).default('file'),
    channel: z.string().min(1).optional(),
    pollInterval: duration.default(5_000),
  })
  .strict();

/** A Telegram Desktop export (result.json) that an analyst captured by hand. */
const telegramExportSource = z
  .object({
    kind: z.literal('telegram-export'),
    name: sourceName.optional(),
    path: z.string().min(1),
    pollInterval: duration.default(60_000),
  })
  .strict();

const channelName = z.string().regex(/^[A-Za-z0-9_]{3,64}$/, 'a public channel username (letters, digits, "_")');

/** A public channel's web preview, https://t.me/s/<channel>: no account needed. */
const telegramWebSource = z
  .object({
    kind: z.literal('telegram-web'),
    name: sourceName.optional(),
    channel: channelName,
    baseUrl: url(['http:', 'https:']).default('https://t.me'),
    pollInterval: duration.default(60_000),
    /** Posts to read back on first sight of the channel. */
    backfill: z.number().int().min(0).max(5_000).default(200),
  })
  .strict();

const rssSource = z
  .object({
    kind: z.literal('rss'),
    name: sourceName.optional(),
    url: url(['http:', 'https:']),
    pollInterval: duration.default(300_000),
  })
  .strict();

const mastodonSource = z
  .object({
    kind: z.literal('mastodon'),
    name: sourceName.optional(),
    instance: url(['http:', 'https:']),
    /** A hashtag timeline (without '#'), or the instance's public timeline when absent. */
    hashtag: z
      .string()
      .regex(/^[\p{L}\p{N}_]{1,100}$/u, 'a hashtag without "#"')
      .optional(),
    local: z.boolean().default(false),
    accessToken: z.string().min(1).optional(),
    pollInterval: duration.default(60_000),
  })
  .strict();

/**
 * A bot added to groups or channels (as an administrator, for channel posts). Each poll is one
 * long-poll getUpdates; the offset moves on only after the updates are safely queued.
 */
const telegramBotSource = z
  .object({
    kind: z.literal('telegram-bot'),
    name: sourceName.optional(),
    botToken: z.string().regex(/^\d+:[\w-]{20,}$/, 'a Bot API token like 123456:ABC…'),
    apiRoot: url(['http:', 'https:']).default('https://api.telegram.org'),
    /** Chats whose posts are kept (ids or @usernames); posts from any other chat are quarantined. Empty: all. */
    chats: z.array(z.union([z.number().int(), z.string().min(1)])).default([]),
    /** How long one getUpdates waits for news, in seconds. */
    longPoll: z.number().int().min(0).max(50).default(20),
    pollInterval: duration.default(1_000),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('kind', [
  fileSource,
  telegramExportSource,
  telegramWebSource,
  rssSource,
  mastodonSource,
  telegramBotSource,
]);
