import { z } from 'zod';
import { duration, flag } from './primitives.js';

export const ingestSchema = z
  .object({
    batchSize: z.coerce.number().int().min(1).max(500).default(50),
    seenTtl: duration.default(30 * 86_400_000),
    maxPostBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    /** Fetching from loopback and private ranges is refused unless allowed: true for all, "loopback" for 127.0.0.0/8 and ::1 only. */
    allowPrivateNetworks: z.union([z.boolean(), z.literal('loopback')]).default(false),
    fetchTimeout: duration.default(20_000),
    maxResponseBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    perHostInterval: duration.default(1_000),
    /**
     * Requests per second per host, one budget shared by every ingest process (BullMQ global rate limits in
     * Redis); a 429 from the host pauses it for all of them. Keys are hosts as in URLs ("t.me", "host:port").
     * Hosts not listed keep perHostInterval, counted within each process.
     */
    hosts: z
      .record(
        z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'a host name, with ":port" if not the default'),
        z.object({ perSecond: z.coerce.number().min(0.01).max(1_000) }).strict(),
      )
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
  .prefault({});
