import { Telegram, TelegramError } from 'telegraf';
import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import { capturePost, sha256Hex, type CapturedPost, type MediaRef } from '../../../shared/domain/post.js';
import { FetchError } from '../http-fetcher.js';
import { FETCHER, isoTime, type ReadContext, type Reject, type SourceReader } from '../source.js';

type BotSourceConfig = Extract<SourceConfig, { kind: 'telegram-bot' }>;

const cursorSchema = z.object({ offset: z.number().int().nonnegative() });
const UPDATE_TYPES = ['channel_post', 'edited_channel_post', 'message', 'edited_message'] as const;
const BATCH = 100;

const chatSchema = z
  .object({ id: z.number(), type: z.string(), title: z.string().optional(), username: z.string().optional() })
  .loose();
const messageSchema = z
  .object({
    message_id: z.number().int(),
    date: z.number().int(),
    edit_date: z.number().int().optional(),
    chat: chatSchema,
    from: z
      .object({ id: z.number(), username: z.string().optional(), first_name: z.string().optional() })
      .loose()
      .optional(),
    sender_chat: chatSchema.optional(),
    author_signature: z.string().optional(),
    text: z.string().optional(),
    caption: z.string().optional(),
    reply_to_message: z.object({ message_id: z.number().int() }).loose().optional(),
    forward_origin: z
      .object({
        type: z.string(),
        chat: chatSchema.optional(),
        sender_user: z
          .object({ username: z.string().optional(), first_name: z.string().optional() })
          .loose()
          .optional(),
        sender_user_name: z.string().optional(),
        message_id: z.number().optional(),
      })
      .loose()
      .optional(),
    forward_from_chat: chatSchema.optional(),
    photo: z
      .array(
        z
          .object({
            file_id: z.string(),
            file_unique_id: z.string().optional(),
            width: z.number().optional(),
            height: z.number().optional(),
          })
          .loose(),
      )
      .optional(),
    video: z
      .object({
        file_id: z.string(),
        mime_type: z.string().optional(),
        thumbnail: z.object({ file_id: z.string() }).loose().optional(),
      })
      .loose()
      .optional(),
    document: z
      .object({ file_id: z.string(), file_name: z.string().optional(), mime_type: z.string().optional() })
      .loose()
      .optional(),
    animation: z
      .object({
        file_id: z.string(),
        mime_type: z.string().optional(),
        thumbnail: z.object({ file_id: z.string() }).loose().optional(),
      })
      .loose()
      .optional(),
    media_group_id: z.string().optional(),
    entities: z.array(z.object({ type: z.string(), url: z.string().optional() }).loose()).optional(),
    caption_entities: z.array(z.object({ type: z.string(), url: z.string().optional() }).loose()).optional(),
  })
  .loose();
type Message = z.infer<typeof messageSchema>;

function mediaOf(m: Message): MediaRef[] {
  const media: MediaRef[] = [];
  const largest = m.photo?.at(-1);
  if (largest) media.push({ kind: 'photo', fileName: largest.file_id });
  if (m.video)
    media.push({
      kind: 'video',
      fileName: m.video.file_id,
      ...(m.video.mime_type ? { mimeType: m.video.mime_type } : {}),
    });
  if (m.animation) media.push({ kind: 'animation', fileName: m.animation.file_id });
  if (m.document)
    media.push({
      kind: 'document',
      fileName: m.document.file_name ?? m.document.file_id,
      ...(m.document.mime_type ? { mimeType: m.document.mime_type } : {}),
    });
  // What the media worker fetches with getFile: a poster sent as a file, and the still frame standing for a video.
  if (m.document?.mime_type?.startsWith('image/'))
    media.push({ kind: 'image_document', fileName: m.document.file_id, mimeType: m.document.mime_type });
  const still = m.video?.thumbnail ?? m.animation?.thumbnail;
  if (still) media.push({ kind: 'video_thumbnail', fileName: still.file_id });
  // Hidden links (text_link entities) are not in the text itself; payment bots and channels hide behind them.
  for (const e of [...(m.entities ?? []), ...(m.caption_entities ?? [])])
    if (e.type === 'text_link' && e.url) media.push({ kind: 'link', url: e.url });
  return media;
}

function forwardedFrom(m: Message): string | null {
  const o = m.forward_origin;
  if (o)
    return o.chat
      ? o.chat.username
        ? `@${o.chat.username}`
        : (o.chat.title ?? String(o.chat.id))
      : (o.sender_user?.username ?? o.sender_user?.first_name ?? o.sender_user_name ?? o.type);
  return m.forward_from_chat
    ? m.forward_from_chat.username
      ? `@${m.forward_from_chat.username}`
      : (m.forward_from_chat.title ?? String(m.forward_from_chat.id))
    : null;
}

const allowed = (config: BotSourceConfig, chat: z.infer<typeof chatSchema>) =>
  config.chats.length === 0 ||
  config.chats.some(
    (c) =>
      c === chat.id ||
      (typeof c === 'string' &&
        chat.username !== undefined &&
        c.replace(/^@/, '').toLowerCase() === chat.username.toLowerCase()),
  );

/** The Bot API's refusals, as the source's health sees them. */
function explain(err: TelegramError): Error {
  if (err.code === 429)
    return new FetchError(
      `Bot API 429: ${err.description}`,
      'rate_limited',
      429,
      (err.parameters?.retry_after ?? 30) * 1000,
    );
  if (err.code === 409)
    return new Error(`Bot API 409: another poller or a webhook uses this bot token (${err.description})`);
  if (err.code === 401) return new Error('Bot API 401: the bot token was refused');
  return new Error(`Bot API ${err.code}: ${err.description}`);
}

/** One getUpdates call from `offset`; its errors say what went wrong without the token. */
async function getUpdates(config: BotSourceConfig, ctx: ReadContext, offset: number): Promise<unknown[]> {
  const telegram = new Telegram(config.botToken, { apiRoot: config.apiRoot });
  // telegraf's connections pass the same outbound policy as every source's. Set after construction
  // because telegraf drops an agent given for an http:// apiRoot.
  telegram.options.agent = ctx.fetcher.agentFor(config.apiRoot);
  let updates: unknown[];
  try {
    updates = await telegram.getUpdates(config.longPoll, BATCH, offset, UPDATE_TYPES);
  } catch (err) {
    if (err instanceof TelegramError) throw explain(err);
    // Network and parse errors name the request URL, which holds the token: never let it into logs or the source row.
    throw new Error(`Bot API unreadable: ${(err as Error).message.split(config.botToken).join('<token>')}`);
  }
  if (!Array.isArray(updates))
    throw new Error('Bot API unreadable: getUpdates answered something other than a list of updates');
  return updates;
}

function unknownType(u: Record<string, unknown>): string {
  return `unknown update type (${
    Object.keys(u)
      .filter((k) => k !== 'update_id')
      .join(', ') || 'empty'
  })`;
}

function messagePost(
  config: BotSourceConfig,
  source: string,
  m: Message,
  raw: Buffer,
  fetchedAt: string,
): CapturedPost {
  const channel = m.chat.username?.toLowerCase() ?? String(m.chat.id);
  return capturePost(
    {
      source,
      platform: 'telegram',
      channel,
      channelTitle: m.chat.title ?? null,
      externalId: String(m.message_id),
      url: m.chat.username ? `https://t.me/${m.chat.username}/${m.message_id}` : null,
      author: m.author_signature ?? m.from?.username ?? m.sender_chat?.title ?? m.from?.first_name ?? null,
      publishedAt: isoTime(m.date * 1000),
      editedAt: m.edit_date ? isoTime(m.edit_date * 1000) : null,
      text: m.text ?? m.caption ?? '',
      replyTo: m.reply_to_message ? String(m.reply_to_message.message_id) : null,
      forwardedFrom: forwardedFrom(m),
      media: mediaOf(m),
    },
    raw,
    'application/json',
    {
      url: `${config.apiRoot}/bot<token>/getUpdates`,
      fetchedAt,
      fetcher: `${FETCHER} telegraf`,
      response: { size: raw.length, sha256: sha256Hex(raw) },
    },
  );
}

/**
 * Long-polls getUpdates through telegraf's client. Telegraf's own polling loop confirms a batch even
 * when handling it fails, so Vigil keeps the offset itself: it moves past a batch only after the
 * updates are queued (the cursor is saved after the enqueue), and Telegram keeps them until then.
 */
export const readTelegramBot: SourceReader<BotSourceConfig> = async (config, ctx) => {
  const cursor = cursorSchema.safeParse(ctx.cursor).data;
  const updates = await getUpdates(config, ctx, cursor?.offset ?? 0);
  const posts: CapturedPost[] = [];
  const rejects: Reject[] = [];
  let offset = cursor?.offset ?? 0;
  const fetchedAt = new Date().toISOString();
  for (const update of updates) {
    const raw = Buffer.from(JSON.stringify(update));
    const u = update as Record<string, unknown>;
    const updateId = typeof u.update_id === 'number' ? u.update_id : undefined;
    if (updateId !== undefined) offset = Math.max(offset, updateId + 1);
    const type = UPDATE_TYPES.find((t) => t in u);
    const parsed = type ? messageSchema.safeParse(u[type]) : undefined;
    if (updateId === undefined || !type || !parsed?.success) {
      rejects.push({
        reason: `update ${updateId ?? '?'}: ${!type ? unknownType(u) : `malformed ${type}`}`,
        raw,
        context: { updateId },
      });
      continue;
    }
    const m = parsed.data;
    if (!allowed(config, m.chat)) {
      rejects.push({
        reason: `update ${updateId}: chat ${m.chat.username ? `@${m.chat.username}` : m.chat.id} is not on this source's list`,
        raw,
        context: { updateId, chatId: m.chat.id },
      });
      continue;
    }
    posts.push(messagePost(config, ctx.sourceName, m, raw, fetchedAt));
  }
  // A full batch means more are waiting: read again at once.
  return { posts, rejects, cursor: { offset }, more: updates.length >= BATCH };
};
