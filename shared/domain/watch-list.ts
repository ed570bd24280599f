import { sourceSchema } from '../config/config.schema.js';

/**
 * A watch-list file as analysts keep one: a public channel per line, as a t.me link (t.me/name, t.me/s/name,
 * https://t.me/name/123), an @name or a bare name; blank lines and lines starting with '#' are skipped.
 */
export interface WatchListEntry {
  channel: string;
  line: number;
}

export interface WatchListReject {
  line: number;
  text: string;
  reason: string;
}

const CHANNEL = /^[A-Za-z0-9_]{3,64}$/;
const LINK = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me)\/(?:s\/)?([^/?#\s]+)(?:[/?#].*)?$/i;

export function parseWatchList(text: string): { entries: WatchListEntry[]; rejects: WatchListReject[] } {
  const entries: WatchListEntry[] = [];
  const rejects: WatchListReject[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const candidate = LINK.exec(line)?.[1] ?? line.replace(/^@/, '');
    if (!CHANNEL.test(candidate)) {
      rejects.push({
        line: i + 1,
        text: line.slice(0, 200),
        reason: 'not a public channel name or t.me link (letters, digits, "_", 3 to 64)',
      });
      return;
    }
    // Telegram usernames are case-insensitive: one source per channel.
    const key = candidate.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({ channel: candidate, line: i + 1 });
  });
  return { entries, rejects };
}

/**
 * The telegram-web sources for a list's channels, named as a configured source of the same channel would be
 * (`telegram-web-<channel>`), read at least every `maxInterval` when the budget allows.
 */
export const watchedSources = (entries: WatchListEntry[], maxInterval: string | number) =>
  entries.map((e) => ({
    name: `telegram-web-${e.channel}`,
    config: sourceSchema.parse({ kind: 'telegram-web', channel: e.channel, pollInterval: maxInterval }),
  }));
