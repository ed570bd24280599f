import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import { capturePost, sha256Hex, type CapturedPost, type MediaRef } from '../../../shared/domain/post.js';
import { decodeUtf8, FETCHER, isoTime, type ReadContext, type Reject, type SourceReader } from '../source.js';

type ExportSourceConfig = Extract<SourceConfig, { kind: 'telegram-export' }>;

/** Exports above this size are refused rather than parsed into memory. */
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

// Telegram Desktop writes text either as a string or as parts: plain strings and {type, text} entities.
const textSchema = z.union([
  z.string(),
  z.array(z.union([z.string(), z.object({ type: z.string(), text: z.string() }).loose()])),
]);

const messageSchema = z
  .object({
    id: z.number().int(),
    type: z.string(),
    date: z.string().optional(),
    date_unixtime: z.string().regex(/^\d+$/).optional(),
    edited_unixtime: z.string().regex(/^\d+$/).optional(),
    from: z.string().nullable().optional(),
    forwarded_from: z.string().nullable().optional(),
    reply_to_message_id: z.number().int().optional(),
    text: textSchema.default(''),
    photo: z.string().optional(),
    file: z.string().optional(),
    media_type: z.string().optional(),
    mime_type: z.string().optional(),
  })
  .loose();

const chatSchema = z
  .object({
    name: z.string().nullable().optional(),
    type: z.string().optional(),
    id: z.number().int().optional(),
    messages: z.array(z.unknown()),
  })
  .loose();
/** A single-chat export has the chat at the top; a full-account export lists chats under `chats.list`. */
const exportSchema = z.union([
  chatSchema,
  z.object({ chats: z.object({ list: z.array(chatSchema) }).loose() }).loose(),
]);

const cursorSchema = z.object({ sha256: z.string() });

export const flattenText = (text: z.infer<typeof textSchema>): string =>
  typeof text === 'string' ? text : text.map((part) => (typeof part === 'string' ? part : part.text)).join('');

const unixToIso = (seconds: string | undefined): string | null => (seconds ? isoTime(Number(seconds) * 1000) : null);

function mediaOf(m: z.infer<typeof messageSchema>): MediaRef[] {
  const media: MediaRef[] = [];
  if (m.photo) media.push({ kind: 'photo', fileName: m.photo });
  if (m.file)
    media.push({ kind: m.media_type ?? 'file', fileName: m.file, ...(m.mime_type ? { mimeType: m.mime_type } : {}) });
  return media;
}

type ExportFile = { path: string; size: number; sha256: string };

/** One chat's messages as posts; malformed or oversized ones as rejects. */
function readChat(
  chat: z.infer<typeof chatSchema>,
  file: ExportFile,
  ctx: ReadContext,
  { posts, rejects }: { posts: CapturedPost[]; rejects: Reject[] },
): void {
  const channel = chat.id !== undefined ? String(chat.id) : (chat.name ?? 'unknown');
  for (const [index, item] of chat.messages.entries()) {
    const raw = Buffer.from(JSON.stringify(item));
    const message = messageSchema.safeParse(item);
    if (!message.success) {
      rejects.push({
        reason: `message #${index} of chat ${channel}: ${message.error.issues[0]?.message}`,
        raw,
        context: { file, index },
      });
      continue;
    }
    const m = message.data;
    if (m.type !== 'message') continue; // service messages (joins, pins, title changes) are not posts
    if (raw.length > ctx.maxPostBytes) {
      rejects.push({
        reason: `message ${m.id} is ${raw.length} bytes, over the ${ctx.maxPostBytes}-byte limit`,
        raw: raw.subarray(0, 1024 * 1024),
        context: { file, id: m.id },
      });
      continue;
    }
    posts.push(toPost(m, raw, channel, chat.name ?? null, file, ctx));
  }
}

export const readTelegramExport: SourceReader<ExportSourceConfig> = async (config, ctx) => {
  const path = resolve(config.path);
  const info = await stat(path);
  if (info.size > MAX_EXPORT_BYTES)
    throw new Error(`${path} is ${info.size} bytes; exports above ${MAX_EXPORT_BYTES} bytes are refused`);
  const bytes = await readFile(path);
  const fileSha = sha256Hex(bytes);
  if (cursorSchema.safeParse(ctx.cursor).data?.sha256 === fileSha)
    return { posts: [], rejects: [], cursor: ctx.cursor, more: false };

  const cursor = { sha256: fileSha };
  const whole = (reason: string): { posts: CapturedPost[]; rejects: Reject[]; cursor: typeof cursor; more: false } => ({
    posts: [],
    rejects: [{ reason, raw: bytes.subarray(0, 1024 * 1024), context: { path, size: info.size, sha256: fileSha } }],
    cursor,
    more: false,
  });
  const text = decodeUtf8(bytes);
  if (text === undefined) return whole('export is not valid UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return whole(`export is not valid JSON (${(err as Error).message})`);
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) return whole('not a Telegram Desktop export: no "messages" and no "chats.list"');

  const chats =
    'messages' in parsed.data
      ? [parsed.data as z.infer<typeof chatSchema>]
      : (parsed.data as { chats: { list: z.infer<typeof chatSchema>[] } }).chats.list;
  const file = { path, size: info.size, sha256: fileSha };
  const posts: CapturedPost[] = [];
  const rejects: Reject[] = [];
  for (const chat of chats) readChat(chat, file, ctx, { posts, rejects });
  return { posts, rejects, cursor, more: false };
};

function toPost(
  m: z.infer<typeof messageSchema>,
  raw: Buffer,
  channel: string,
  title: string | null,
  file: { path: string; size: number; sha256: string },
  ctx: ReadContext,
): CapturedPost {
  return capturePost(
    {
      source: ctx.sourceName,
      platform: 'telegram',
      channel,
      channelTitle: title,
      externalId: String(m.id),
      author: m.from ?? null,
      // date_unixtime is UTC; `date` is the exporting machine's local time without a zone.
      publishedAt: unixToIso(m.date_unixtime),
      editedAt: unixToIso(m.edited_unixtime),
      text: flattenText(m.text),
      replyTo: m.reply_to_message_id !== undefined ? String(m.reply_to_message_id) : null,
      forwardedFrom: m.forwarded_from ?? null,
      media: mediaOf(m),
    },
    raw,
    'application/json',
    // The raw bytes are the message re-serialised; the export file's own hash lets its original be checked.
    { url: `file://${file.path}#message=${m.id}`, fetchedAt: new Date().toISOString(), fetcher: FETCHER, file },
  );
}
