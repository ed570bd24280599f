import type { SourceConfig, SourceKind } from '../../shared/config/config.js';
import type { SourceReader } from './source.js';
import { readFileSource } from './sources/file.source.js';
import { readMastodon } from './sources/mastodon.source.js';
import { readRss } from './sources/rss.source.js';
import { readTelegramBot } from './sources/telegram-bot.source.js';
import { readTelegramExport } from './sources/telegram-export.source.js';
import { readTelegramWeb } from './sources/telegram-web.source.js';

/** One reader per source kind; a kind without one is a compile error. */
export const sourceReaders: { [K in SourceKind]: SourceReader<Extract<SourceConfig, { kind: K }>> } = {
  file: readFileSource,
  'telegram-export': readTelegramExport,
  'telegram-web': readTelegramWeb,
  rss: readRss,
  mastodon: readMastodon,
  'telegram-bot': readTelegramBot,
};

export function readerFor(config: SourceConfig): SourceReader {
  return sourceReaders[config.kind] as SourceReader;
}
