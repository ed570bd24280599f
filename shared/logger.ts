import { pino, type Logger } from 'pino';
import type { Config } from './config/config.js';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const REDACT = [
  'password', '*.password', 'token', '*.token', '*.botToken', 'secret', '*.secret', '*.passwordHash',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie',
  'config.alerts', 'config.evidence', '*.keyPassphrase', 'redisUrl', 'databaseUrl',
];

/** One root logger per process; modules take children of it. */
export function createLogger(log: Config['log'], env: Config['env'], destination?: pino.DestinationStream): Logger {
  const pretty = log.format === 'pretty' || (log.format === 'auto' && env !== 'production' && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level: log.level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(options);
}

/** Removes credentials from a connection URL before it is logged. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '[unparseable url]';
  }
}
