import { z } from 'zod';
import { duration, flag, rateWindow, url } from './primitives.js';

export const httpSchema = z
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
  .prefault({});

/**
 * Password guessing is throttled three ways, counted in Redis so every API process shares the counts: per
 * address, per account whatever the address (so spreading guesses over many addresses does not help), and
 * for all logins together (which bounds the scrypt work that guesses can cost).
 */
export const loginSchema = z
  .object({
    perIp: rateWindow(10, 60_000),
    perAccount: rateWindow(10, 15 * 60_000),
    global: rateWindow(100, 60_000),
  })
  .strict()
  .prefault({});

/** Evidence exports running at once (each reads, hashes and zips many posts): per user and over all API processes. */
export const exportsSchema = z
  .object({
    perUser: z.coerce.number().int().min(1).max(100).default(2),
    global: z.coerce.number().int().min(1).max(1_000).default(4),
  })
  .strict()
  .prefault({});

export const metricsSchema = z
  .object({
    /** Series named by source (`vigil_source_up{source=…}`); off by default, since the names are the watch-list. */
    perSource: flag.default(false),
    /** When set, /metrics answers only `Authorization: Bearer <token>`. */
    token: z.string().min(16, 'at least 16 characters').optional(),
  })
  .strict()
  .prefault({});

export const bullBoardSchema = z
  .object({
    /**
     * Read-only by default: admins see queues and failed jobs, and re-drive with `vigil jobs retry`. When
     * false, admins may also retry, promote, clean, pause and empty from the board, each audited; adding
     * or editing jobs stays off either way (it would forge captured posts).
     */
    readOnly: flag.default(true),
  })
  .strict()
  .prefault({});
