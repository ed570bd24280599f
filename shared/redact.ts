/**
 * Credentials out of text that leaves the process or the database: source errors (stored, shown on
 * /api/health and /api/sources), failed-job reasons (Bull Board, quarantine) and log lines. Source URLs
 * carry secrets in three places: userinfo (`https://user:pass@host`), query parameters (`?access_token=`)
 * and, for the Bot API, the path (`/bot123:ABC…/getUpdates`).
 */

export const REDACTED = '[redacted]';

/** Query or fragment parameters whose value is a credential: `token`, `api_key`, `X-Amz-Signature`, `sig`… */
const SECRET_PARAM =
  /^(?:.*[_.-])?(?:token|key|apikey|secret|password|passwd|pwd|pass|sig|signature|auth|authorization|credential|credentials|session|sessionid|sid|jwt)$/i;

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i;
// A value stops at punctuation that, in a sentence, follows the URL rather than belongs to it (encoded, it would be %2C…).
const PARAM = /([?&#;])([^=&#;\s]+)=([^&#;\s,)'"]*)/g;
/** A Telegram bot token: in a Bot API path (`/bot<token>/`), or anywhere in a message (telegraf quotes it). */
const BOT_TOKEN = /(?:(?<=\/bot)|\b)\d{5,}:[A-Za-z0-9_-]{30,}/g;

/** One URL with its password, token-like query parameters and bot token replaced; the rest is left as written. */
export function redactUrl(url: string): string {
  return url
    .replace(USERINFO, (_, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      // A userinfo without a password is often a token used as the user name (`https://<token>@host`).
      return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:${REDACTED}` : REDACTED}@`;
    })
    .replace(PARAM, (whole, sep: string, name: string) =>
      SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole,
    )
    .replace(BOT_TOKEN, REDACTED);
}

/** Every URL inside free text (an error message, a stack) redacted, and any bare bot token. */
export function redactSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl).replace(BOT_TOKEN, REDACTED);
}

/** Redacts an error's message and stack in place, so whoever stores or shows it later (BullMQ, pino) gets the clean text. */
export function redactError<T>(err: T): T {
  if (err instanceof Error) {
    const message = redactSecrets(err.message);
    if (message !== err.message) err.message = message;
    if (err.stack) err.stack = redactSecrets(err.stack);
    if (err.cause !== undefined && err.cause !== err) redactError(err.cause);
  }
  return err;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
