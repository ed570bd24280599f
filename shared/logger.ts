import { pino, type Logger } from 'pino';
import type { Config } from './config/config.js';
import { redactSecrets, redactUrl } from './redact.js';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  '*.botToken',
  'secret',
  '*.secret',
  '*.passwordHash',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'config.alerts',
  'config.evidence',
  '*.keyPassphrase',
  'redisUrl',
  'databaseUrl',
];

/** One root logger per process; modules take children of it. */
export function createLogger(log: Config['log'], env: Config['env'], destination?: pino.DestinationStream): Logger {
  const pretty =
    log.format === 'pretty' || (log.format === 'auto' && env !== 'production' && process.stdout.isTTY === true);
  const options: pino.LoggerOptions = {
    level: log.level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    // Key paths cannot catch a secret inside a string: source URLs with passwords and tokens reach logs in error messages.
    serializers: { err: (err: unknown) => redactDeep(err instanceof Error ? pino.stdSerializers.err(err) : err, 4) },
    formatters: {
      log: (fields) =>
        Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? redactSecrets(v) : v])),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a: unknown) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  if (destination) return pino(options, destination);
  if (pretty)
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  return pino(options);
}

function redactDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth - 1)]));
}

/** Removes credentials from a connection URL before it is logged. */
export function safeUrl(raw: string): string {
  try {
    new URL(raw);
    return redactUrl(raw);
  } catch {
    return '[unparseable url]';
  }
}
