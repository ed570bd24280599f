import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "500ms", "30s", "10m", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`);

/** A yes/no that may come from an environment variable, where it is a string. */
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

/** At most `max` attempts in each `window`. */
const rateWindow = (max: number, window: number) =>
  z.object({ max: z.coerce.number().int().min(1).max(1_000_000).default(max), window: duration.pipe(z.number().min(1_000)).default(window) }).strict().prefault({});

const sourceName = z.string().regex(/^[\w.@-]{1,100}$/, 'letters, digits, "_", "-", ".", "@" only');

/** A JSON Lines file replayed line by line; new lines appended later are picked up. */
const fileSource = z
  .object({
    kind: z.literal('file'),
    name: sourceName.optional(),
    path: z.string().min(1),
    platform: z.string().min(1).default('file'),
    channel: z.string().min(1).optional(),
    pollInterval: duration.default(5_000),
  })
  .strict();

/** A Telegram Desktop export (result.json) that an analyst captured by hand. */
const telegramExportSource = z
  .object({
    kind: z.literal('telegram-export'),
    name: sourceName.optional(),
    path: z.string().min(1),
    pollInterval: duration.default(60_000),
  })
  .strict();

const channelName = z.string().regex(/^[A-Za-z0-9_]{3,64}$/, 'a public channel username (letters, digits, "_")');

/** A public channel's web preview, https://t.me/s/<channel>: no account needed. */
const telegramWebSource = z
  .object({
    kind: z.literal('telegram-web'),
    name: sourceName.optional(),
    channel: channelName,
    baseUrl: url(['http:', 'https:']).default('https://t.me'),
    pollInterval: duration.default(60_000),
    /** Posts to read back on first sight of the channel. */
    backfill: z.number().int().min(0).max(5_000).default(200),
  })
  .strict();

const rssSource = z
  .object({
    kind: z.literal('rss'),
    name: sourceName.optional(),
    url: url(['http:', 'https:']),
    pollInterval: duration.default(300_000),
  })
  .strict();

const mastodonSource = z
  .object({
    kind: z.literal('mastodon'),
    name: sourceName.optional(),
    instance: url(['http:', 'https:']),
    /** A hashtag timeline (without '#'), or the instance's public timeline when absent. */
    hashtag: z.string().regex(/^[\p{L}\p{N}_]{1,100}$/u, 'a hashtag without "#"').optional(),
    local: z.boolean().default(false),
    accessToken: z.string().min(1).optional(),
    pollInterval: duration.default(60_000),
  })
  .strict();

/**
 * A bot added to groups or channels (as an administrator, for channel posts). Each poll is one
 * long-poll getUpdates; the offset moves on only after the updates are safely queued.
 */
const telegramBotSource = z
  .object({
    kind: z.literal('telegram-bot'),
    name: sourceName.optional(),
    botToken: z.string().regex(/^\d+:[\w-]{20,}$/, 'a Bot API token like 123456:ABC…'),
    apiRoot: url(['http:', 'https:']).default('https://api.telegram.org'),
    /** Chats whose posts are kept (ids or @usernames); posts from any other chat are quarantined. Empty: all. */
    chats: z.array(z.union([z.number().int(), z.string().min(1)])).default([]),
    /** How long one getUpdates waits for news, in seconds. */
    longPoll: z.number().int().min(0).max(50).default(20),
    pollInterval: duration.default(1_000),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('kind', [fileSource, telegramExportSource, telegramWebSource, rssSource, mastodonSource, telegramBotSource]);

const alertChannel = z.enum(['telegram', 'email', 'webhook']);
const severity = z.enum(['low', 'medium', 'high', 'critical']);

const alertsSchema = z
  .object({
    telegram: z
      .object({ botToken: z.string().min(1), chatId: z.union([z.number().int(), z.string().min(1)]), apiRoot: url(['http:', 'https:']).default('https://api.telegram.org') })
      .strict()
      .optional(),
    email: z
      .object({ smtpUrl: url(['smtp:', 'smtps:']), from: z.string().min(3), to: z.array(z.string().min(3)).min(1) })
      .strict()
      .optional(),
    webhook: z.object({ url: url(['http:', 'https:']), secret: z.string().min(16) }).strict().optional(),
    rules: z
      .array(
        z
          .object({
            minSeverity: severity,
            channels: z.array(alertChannel).min(1),
            /** Only items naming one of these postcode districts or areas ("E10", "SE"); absent: anywhere. */
            postcodes: z.array(z.string().regex(/^[A-Za-z]{1,2}(?:\d{1,2}[A-Za-z]?)?$/, 'a postcode area or district like "E" or "E10"')).optional(),
            /** Only items from these sources (by name); absent: any source. */
            sources: z.array(z.string().min(1)).optional(),
          })
          .strict(),
      )
      .default([]),
    escalation: z.object({ after: duration, channels: z.array(alertChannel).min(1) }).strict().optional(),
    /** Non-critical alerts wait until quiet hours end; critical ones never wait. */
    quietHours: z
      .object({
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        timeZone: z.string().refine((tz) => {
          try {
            new Intl.DateTimeFormat('en-GB', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'an IANA time zone like "Europe/London"').default('Europe/London'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const check = (channels: string[], path: (string | number)[]) =>
      channels.forEach((channel, i) => {
        if (!alerts[channel as 'telegram' | 'email' | 'webhook']) ctx.addIssue({ code: 'custom', path: [...path, i], message: `channel "${channel}" is used but alerts.${channel} is not configured` });
      });
    alerts.rules.forEach((rule, i) => check(rule.channels, ['rules', i, 'channels']));
    if (alerts.escalation) check(alerts.escalation.channels, ['escalation', 'channels']);
  });

export const configSchema = z
  .object({
    env: z.enum(['development', 'production', 'test']).default('development'),
    redis: z
      .object({
        url: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
        // Braces make a Redis Cluster hash tag: every key of every queue lands in one slot.
        prefix: z.string().regex(/^\{[\w:.-]+\}$/, 'expected a hash-tag like "{vigil}"').default('{vigil}'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({ url: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/vigil'), poolSize: z.coerce.number().int().min(1).max(200).default(10) })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.coerce.number().int().min(0).max(65535).default(3000),
        publicUrl: url(['http:', 'https:']).optional(),
        /** The whole request, headers and body, must arrive within this; a client that trickles its body is cut off. */
        requestTimeout: duration.pipe(z.number().min(1_000)).default(30_000),
        /** A connection idle this long is closed (an export that keeps writing is not idle). */
        connectionTimeout: duration.pipe(z.number().min(1_000)).default(120_000),
      })
      .strict()
      .prefault({}),
    /**
     * Password guessing is throttled three ways, counted in Redis so every API process shares the counts: per
     * address, per account whatever the address (so spreading guesses over many addresses does not help), and
     * for all logins together (which bounds the scrypt work that guesses can cost).
     */
    login: z
      .object({
        perIp: rateWindow(10, 60_000),
        perAccount: rateWindow(10, 15 * 60_000),
        global: rateWindow(100, 60_000),
      })
      .strict()
      .prefault({}),
    /** Evidence exports running at once (each reads, hashes and zips many posts): per user and over all API processes. */
    exports: z
      .object({
        perUser: z.coerce.number().int().min(1).max(100).default(2),
        global: z.coerce.number().int().min(1).max(1_000).default(4),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), format: z.enum(['json', 'pretty', 'auto']).default('auto') })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        batchSize: z.coerce.number().int().min(1).max(500).default(50),
        seenTtl: duration.default(30 * 86_400_000),
        maxPostBytes: z.coerce.number().int().min(1024).default(256 * 1024),
        /** Fetching from loopback and private ranges is refused unless allowed: true for all, "loopback" for 127.0.0.0/8 and ::1 only. */
        allowPrivateNetworks: z.union([z.boolean(), z.literal('loopback')]).default(false),
        fetchTimeout: duration.default(20_000),
        maxResponseBytes: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
        perHostInterval: duration.default(1_000),
        /**
         * Requests per second per host, one budget shared by every ingest process (BullMQ global rate limits in
         * Redis); a 429 from the host pauses it for all of them. Keys are hosts as in URLs ("t.me", "host:port").
         * Hosts not listed keep perHostInterval, counted within each process.
         */
        hosts: z
          .record(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'a host name, with ":port" if not the default'), z.object({ perSecond: z.coerce.number().min(0.01).max(1_000) }).strict())
          .default({ 't.me': { perSecond: 1 } }),
        /**
         * How often each source is read: sources on a budgeted host share its budget in proportion to
         * √(risk × posts per hour), within [minInterval, the source's pollInterval]; a source with a flagged post
         * in the last `hotFor` is hot and read every minInterval. `adaptive: false` reads each every pollInterval.
         */
        revisit: z
          .object({
            adaptive: flag.default(true),
            minInterval: duration.pipe(z.number().min(100)).default(60_000),
            hotFor: duration.default(3 * 86_400_000),
            /** The posting rate is averaged over about this long (an exponential average, updated at every poll). */
            rateWindow: duration.pipe(z.number().min(1_000)).default(86_400_000),
            /** The share of the budget planned for; the rest absorbs pagination and retries. */
            utilisation: z.coerce.number().min(0.1).max(1).default(0.8),
            /** Each source's interval is stretched or shrunk by up to this fraction, fixed per source, so polls spread out. */
            jitter: z.coerce.number().min(0).max(0.5).default(0.1),
          })
          .strict()
          .prefault({}),
        /**
         * Where `file` and `telegram-export` sources added through the API may read (they must resolve inside it,
         * symbolic links followed). Unset: such sources come from the config file only.
         */
        importDir: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    evidence: z
      .object({
        /**
         * The instance's Ed25519 signing key (PKCS#8 PEM), created on first use; keep it outside the repository.
         * Unset: `<keyDir>/<instance id>/evidence-ed25519.pem`, so two instances run by one user never share a key.
         */
        keyFile: z.string().min(1).optional(),
        /** Where per-instance keys live when keyFile is unset (one folder per instance id, mode 0700). */
        keyDir: z.string().min(1).default(join(homedir(), '.local', 'share', 'vigil')),
        /** Encrypts the key file at rest (AES-256) when set. */
        keyPassphrase: z.string().min(12).optional(),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /**
         * Signed checkpoints of the audit log's head, JSON Lines, appended to and never rewritten (mode 0600).
         * Unset: `audit-checkpoints.jsonl` beside the evidence signing key. Keep it off the database's host if you can.
         */
        checkpointFile: z.string().min(1).optional(),
        /** How often the alert worker checkpoints the head (besides after exports and decisions). */
        checkpointEvery: duration.pipe(z.number().min(1_000)).default(60_000),
      })
      .strict()
      .prefault({}),
    workers: z
      .object({
        /**
         * How long a job stays locked to a worker without renewal. Running jobs renew it every half of this, and
         * lapsed locks are looked for as often, so a killed worker's jobs run again within about 1.5× this.
         */
        lockDuration: duration.pipe(z.number().min(1_000)).default(10_000),
        /**
         * On SIGINT/SIGTERM, running jobs get this long to finish; the rest are abandoned (their locks lapse and
         * another worker retries them) and the process exits at most 10 s later whatever it was waiting for.
         */
        shutdownGrace: duration.pipe(z.number().min(0)).default(25_000),
        /**
         * How often each process re-asserts the job schedulers it owns (source polls, the outbox sweep and other
         * chores) and re-creates configured sources whose rows are missing; also done on every Redis reconnect.
         */
        schedulerResync: duration.pipe(z.number().min(100)).default(10_000),
      })
      .strict()
      .prefault({}),
    /** Unflagged posts kept for analysts (near misses, samples of uncovered languages): bounded, so Vigil never keeps all it reads. */
    incidents: z
      .object({
        /** An act reported this many days or fewer after a campaign's first offer may be linked to it. */
        linkWindowDays: z.coerce.number().int().min(1).max(3_650).default(60),
      })
      .strict()
      .prefault({}),
    nearMiss: z
      .object({
        /** Past this many rows the oldest undecided are deleted; decided ones stay until retention (they are training data). */
        maxRows: z.coerce.number().int().min(0).max(1_000_000).default(5_000),
        /** Rows older than this are deleted, decided or not. */
        retentionDays: z.coerce.number().int().min(1).max(3_650).default(30),
        /** Posts kept per uncovered language per (UTC) day; every one is still counted in the metrics. */
        uncoveredSamplePerDay: z.coerce.number().int().min(0).max(10_000).default(20),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** Series named by source (`vigil_source_up{source=…}`); off by default, since the names are the watch-list. */
        perSource: flag.default(false),
        /** When set, /metrics answers only `Authorization: Bearer <token>`. */
        token: z.string().min(16, 'at least 16 characters').optional(),
      })
      .strict()
      .prefault({}),
    bullBoard: z
      .object({
        /**
         * Read-only by default: admins see queues and failed jobs, and re-drive with `vigil jobs retry`. When
         * false, admins may also retry, promote, clean, pause and empty from the board, each audited; adding
         * or editing jobs stays off either way (it would forge captured posts).
         */
        readOnly: flag.default(true),
      })
      .strict()
      .prefault({}),
    /** Images of posts (photos, video thumbnails, Mastodon attachments, feed enclosures): captured, read (OCR, QR), hashed. */
    media: z
      .object({
        /** Off: posts with images are classified on their text alone and no image is downloaded. */
        enabled: flag.default(true),
        /** The content-addressed store (files named by SHA-256, mode 0600); only flagged posts' images stay in it. */
        storeDir: z.string().min(1).default(join(homedir(), '.local', 'share', 'vigil', 'media')),
        /** Images larger than this are refused, not truncated. */
        maxBytes: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
        /** Decoded pixels allowed (width × height); a "decompression bomb" claims far more. */
        maxPixels: z.coerce.number().int().min(10_000).default(40_000_000),
        fetchTimeout: duration.default(20_000),
        /** Images read per post; a 10-photo album is common, 100 is not a poster. */
        maxPerPost: z.coerce.number().int().min(1).max(20).default(10),
        /** Tesseract threads per media worker process: OCR takes at most this many cores. */
        ocrWorkers: z.coerce.number().int().min(1).max(16).default(1),
        ocrTimeout: duration.default(30_000),
        /** Stored images no flagged post keeps are deleted by the retention job once older than this (a job in flight holds them until then). */
        orphanGrace: duration.default(3_600_000),
      })
      .strict()
      .prefault({}),
    // The bundled demo runs only while no sources are configured; `demo: false` turns it off entirely.
    demo: z.boolean().default(true),
    sources: z.array(sourceSchema).default([]),
    alerts: alertsSchema.prefault({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type SourceKind = SourceConfig['kind'];
