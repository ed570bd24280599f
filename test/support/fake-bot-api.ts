import type { IncomingMessage } from 'node:http';
import { send, startFakeServer } from './fake-server.js';

const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
};

/**
 * A local Bot API: getUpdates honours offset and limit and holds the request open (long poll) until
 * an update arrives or its timeout passes, as Telegram does. `fail` makes the next call answer an error.
 */
export async function startFakeBotApi(token: string) {
  const updates: Record<string, unknown>[] = [];
  const waiting = new Set<() => void>();
  const offsets: number[] = [];
  /** Every call other than getUpdates, with its JSON body: what the bot sent. */
  const calls: { method: string; body: Record<string, unknown> }[] = [];
  let messageId = 1000;
  let failNext: { code: number; description: string; parameters?: Record<string, unknown> } | undefined;

  /** Files getFile knows, by file id: served at /file/bot<token>/<file_path> as Telegram's file server does. */
  const files = new Map<string, { path: string; body: Buffer; type: string }>();

  const server = await startFakeServer(async (req, res, url) => {
    if (url.pathname.startsWith(`/file/bot${token}/`)) {
      const f = [...files.values()].find((x) => `/file/bot${token}/${x.path}` === url.pathname);
      return f
        ? send(res, 200, f.body, { 'content-type': f.type })
        : send(res, 404, JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
    }
    if (!url.pathname.startsWith(`/bot${token}/`)) {
      return send(res, 401, JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }), {
        'content-type': 'application/json',
      });
    }
    const method = url.pathname.slice(`/bot${token}/`.length);
    const body = await readJson(req);
    if (failNext) {
      const f = failNext;
      failNext = undefined;
      return send(
        res,
        f.code,
        JSON.stringify({
          ok: false,
          error_code: f.code,
          description: f.description,
          ...(f.parameters ? { parameters: f.parameters } : {}),
        }),
        { 'content-type': 'application/json' },
      );
    }
    if (method === 'getMe')
      return send(
        res,
        200,
        JSON.stringify({
          ok: true,
          result: {
            id: Number(token.split(':')[0]),
            is_bot: true,
            first_name: 'Vigil test',
            username: 'vigil_test_bot',
          },
        }),
      );
    if (method !== 'getUpdates') calls.push({ method, body });
    if (method === 'sendMessage') {
      messageId += 1;
      return send(
        res,
        200,
        JSON.stringify({
          ok: true,
          result: {
            message_id: messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: body.chat_id, type: 'supergroup', title: 'Duty' },
            text: body.text,
          },
        }),
      );
    }
    if (method === 'answerCallbackQuery') return send(res, 200, JSON.stringify({ ok: true, result: true }));
    if (method === 'getFile') {
      const id = typeof body.file_id === 'string' ? body.file_id : (url.searchParams.get('file_id') ?? '');
      const f = files.get(id);
      if (!f)
        return send(
          res,
          400,
          JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }),
          { 'content-type': 'application/json' },
        );
      return send(
        res,
        200,
        JSON.stringify({
          ok: true,
          result: { file_id: id, file_unique_id: `u${id.slice(-8)}`, file_size: f.body.length, file_path: f.path },
        }),
        { 'content-type': 'application/json' },
      );
    }
    if (method !== 'getUpdates')
      return send(res, 404, JSON.stringify({ ok: false, error_code: 404, description: 'Not Found: method not found' }));
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    offsets.push(offset);
    const pending = () => updates.filter((u) => (u.update_id as number) >= offset).slice(0, limit);
    if (pending().length === 0 && Number(body.timeout ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => resolve();
        waiting.add(wake);
        setTimeout(
          () => {
            waiting.delete(wake);
            resolve();
          },
          Number(body.timeout) * 1000,
        ).unref();
      });
    }
    send(res, 200, JSON.stringify({ ok: true, result: pending() }), { 'content-type': 'application/json' });
  });

  return {
    apiRoot: server.url,
    offsets,
    calls,
    /** Makes a file downloadable by id, as if a channel had posted it. */
    addFile(fileId: string, path: string, body: Buffer, type = 'application/octet-stream') {
      files.set(fileId, { path, body, type });
    },
    push(...items: Record<string, unknown>[]) {
      updates.push(...items);
      for (const wake of waiting) wake();
      waiting.clear();
    },
    fail(code: number, description: string, parameters?: Record<string, unknown>) {
      failNext = { code, description, ...(parameters ? { parameters } : {}) };
    },
    close: server.close,
  };
}
