import { sourceSchema } from '../../shared/config/config.schema.js';
import type { Db } from '../../shared/db/client.js';
import { findSourceByName } from '../../shared/repositories/source.repository.js';
import type { Fetcher } from '../ingest/http-fetcher.js';

export interface BotFile {
  /** Where the bytes are (holds the bot token: never logged or stored). */
  url: string;
  /** The same with the token replaced by `<token>`, for capture metadata and logs. */
  shown: string;
  token: string;
}

/**
 * A Bot API file id as a download URL: getFile through the guarded fetcher, for the telegram-bot source that
 * captured the post (its token and API root, from the source row). Undefined when the post came from
 * another kind of source (a Telegram Desktop export names files it does not carry).
 */
export async function botFileUrl(
  db: Db,
  fetcher: Fetcher,
  sourceName: string,
  fileId: string,
): Promise<BotFile | undefined> {
  const row = await findSourceByName(db, sourceName);
  const parsed = row ? sourceSchema.safeParse(row.config) : undefined;
  if (!parsed?.success || parsed.data.kind !== 'telegram-bot') return undefined;
  const { botToken: token, apiRoot } = parsed.data;
  const root = apiRoot.replace(/\/+$/, '');
  const hide = (s: string) => s.split(token).join('<token>');
  let body: Buffer;
  try {
    body = (
      await fetcher.get(`${root}/bot${token}/getFile?file_id=${encodeURIComponent(fileId)}`, { accept: [400, 404] })
    ).body;
  } catch (err) {
    (err as Error).message = hide((err as Error).message);
    throw err;
  }
  let answer: { ok?: boolean; result?: { file_path?: string }; description?: string };
  try {
    answer = JSON.parse(body.toString('utf8')) as typeof answer;
  } catch {
    throw new Error('Bot API getFile answered something other than JSON');
  }
  const path = answer.result?.file_path;
  if (!answer.ok || !path)
    throw new Error(
      `Bot API getFile refused file ${fileId.slice(0, 80)}: ${hide(answer.description ?? 'no file_path')}`,
    );
  const url = `${root}/file/bot${token}/${path.split('/').map(encodeURIComponent).join('/')}`;
  return { url, shown: hide(url), token };
}
