import { z } from 'zod';

export const incidentsSchema = z
  .object({
    /** An act reported this many days or fewer after a campaign's first offer may be linked to it. */
    linkWindowDays: z.coerce.number().int().min(1).max(3_650).default(60),
  })
  .strict()
  .prefault({});

/** Unflagged posts kept for analysts (near misses, samples of uncovered languages): bounded, so Vigil never keeps all it reads. */
export const nearMissSchema = z
  .object({
    /** Past this many rows the oldest undecided are deleted; decided ones stay until retention (they are training data). */
    maxRows: z.coerce.number().int().min(0).max(1_000_000).default(5_000),
    /** Rows older than this are deleted, decided or not. */
    retentionDays: z.coerce.number().int().min(1).max(3_650).default(30),
    /** Posts kept per uncovered language per (UTC) day; every one is still counted in the metrics. */
    uncoveredSamplePerDay: z.coerce.number().int().min(0).max(10_000).default(20),
  })
  .strict()
  .prefault({});
