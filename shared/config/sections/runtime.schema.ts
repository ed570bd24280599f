import { z } from 'zod';
import { duration, url } from './primitives.js';

export const redisSchema = z
  .object({
    url: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    // Braces make a Redis Cluster hash tag: every key of every queue lands in one slot.
    prefix: z
      .string()
      .regex(/^\{[\w:.-]+\}$/, 'expected a hash-tag like "{vigil}"')
      .default('{vigil}'),
  })
  .strict()
  .prefault({});

export const databaseSchema = z
  .object({
    url: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/vigil'),
    poolSize: z.coerce.number().int().min(1).max(200).default(10),
  })
  .strict()
  .prefault({});

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    format: z.enum(['json', 'pretty', 'auto']).default('auto'),
  })
  .strict()
  .prefault({});

export const workersSchema = z
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
  .prefault({});
