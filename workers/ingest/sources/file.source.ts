import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { SourceConfig } from '../../../shared/config/config.js';
import {
  capturePost,
  identifierSchema,
  isoMomentSchema,
  sha256Hex,
  type CapturedPost,
} from '../../../shared/domain/post.js';
import { decodeUtf8, FETCHER, type ReadContext, type ReadResult, type Reject, type SourceReader } from '../source.js';

type FileSourceConfig = Extract<SourceConfig, { kind: 'file' }>;

/** One line of a replay file. `channel` falls back to the source's configured channel. */
const lineSchema = z.object({
  // A whole number is taken as its digits; one past 2^53 is refused, since it was already rounded into another id.
  id: z.preprocess((v) => (Number.isSafeInteger(v) ? String(v) : v), identifierSchema(200, 1)),
  text: z.string(),
  channel: identifierSchema(200, 1).optional(),
  author: identifierSchema(500).optional(),
  date: isoMomentSchema.optional(),
  url: z.string().max(4096).optional(),
});

const cursorSchema = z.object({
  offset: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
  skipping: z.boolean().optional(),
});

/** Bytes read per call: bounds memory, and a line longer than this is refused as oversized. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** An unterminated last line is taken only once the file has been still this long (it may be mid-write). */
const SETTLE_MS = 2_000;
const QUARANTINE_MAX_BYTES = 1024 * 1024;

export const readFileSource: SourceReader<FileSourceConfig> = async (config, ctx) => {
  const path = resolve(config.path);
  const info = await stat(path);
  let cursor = cursorSchema.safeParse(ctx.cursor).data ?? { offset: 0, line: 0 };
  if (info.size < cursor.offset) {
    ctx.log.warn(
      { path, size: info.size, offset: cursor.offset },
      'file shrank since the last read; replaying it from the start',
    );
    cursor = { offset: 0, line: 0 };
  }
  if (info.size === cursor.offset) return { posts: [], rejects: [], cursor, more: false };

  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, info.size - cursor.offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, cursor.offset);
    const chunk = buffer.subarray(0, bytesRead);
    const settled = Date.now() - info.mtimeMs > SETTLE_MS;
    return splitChunk(chunk, cursor, info.size, settled, config, ctx, path);
  } finally {
    await handle.close();
  }
};

function splitChunk(
  chunk: Buffer,
  start: z.infer<typeof cursorSchema>,
  fileSize: number,
  settled: boolean,
  config: FileSourceConfig,
  ctx: ReadContext,
  path: string,
): ReadResult {
  const atSettledEnd = settled && start.offset + chunk.length >= fileSize;
  const posts: CapturedPost[] = [];
  const rejects: Reject[] = [];
  let { line, skipping } = start;
  let pos = 0;
  while (pos < chunk.length) {
    const nl = chunk.indexOf(0x0a, pos);
    if (nl === -1 && !atSettledEnd) {
      if (pos > 0 || chunk.length < CHUNK_BYTES) break;
      // A whole chunk without a newline: refuse the line and skip to its end on later reads.
      if (!skipping) rejects.push(oversized(chunk, line + 1));
      return { posts, rejects, cursor: { offset: start.offset + chunk.length, line, skipping: true }, more: true };
    }
    const end = nl === -1 ? chunk.length : nl;
    const bytes = chunk.subarray(pos, end);
    pos = end + 1;
    line += 1;
    if (skipping) {
      skipping = false;
      continue;
    }
    const result = parseLine(bytes, line, config, ctx, path);
    if (result === null) continue;
    if ('reason' in result) rejects.push(result);
    else posts.push(result);
  }
  const consumed = Math.min(pos, chunk.length);
  const offset = start.offset + consumed;
  return {
    posts,
    rejects,
    cursor: { offset, line, ...(skipping ? { skipping } : {}) },
    more: consumed > 0 && offset < fileSize,
  };
}

function oversized(bytes: Buffer, line: number): Reject {
  return {
    reason: `line ${line} is longer than ${CHUNK_BYTES} bytes`,
    raw: bytes.subarray(0, QUARANTINE_MAX_BYTES),
    context: { line, truncated: true },
  };
}

function parseLine(
  bytes: Buffer,
  line: number,
  config: FileSourceConfig,
  ctx: ReadContext,
  path: string,
): CapturedPost | Reject | null {
  const raw = bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
  if (raw.length === 0) return null;
  const reject = (reason: string): Reject => ({
    reason: `line ${line}: ${reason}`,
    raw: raw.subarray(0, QUARANTINE_MAX_BYTES),
    context: {
      line,
      path,
      ...(raw.length > QUARANTINE_MAX_BYTES ? { truncated: true, size: raw.length, sha256: sha256Hex(raw) } : {}),
    },
  });
  if (raw.length > ctx.maxPostBytes)
    return reject(`${raw.length} bytes exceeds the ${ctx.maxPostBytes}-byte post limit`);
  const text = decodeUtf8(raw);
  if (text === undefined) return reject('not valid UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return reject(`not valid JSON (${(err as Error).message})`);
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject(`${issue?.path.join('.') || 'line'}: ${issue?.message}`);
  }
  const channel = parsed.data.channel ?? config.channel;
  if (!channel) return reject('no "channel" on the line and none configured for the source');
  return capturePost(
    {
      source: ctx.sourceName,
      platform: config.platform,
      channel,
      externalId: String(parsed.data.id),
      url: parsed.data.url ?? null,
      author: parsed.data.author ?? null,
      publishedAt: parsed.data.date ?? null,
      text: parsed.data.text,
    },
    raw,
    'application/json',
    { url: `file://${path}#L${line}`, fetchedAt: new Date().toISOString(), fetcher: FETCHER },
  );
}
