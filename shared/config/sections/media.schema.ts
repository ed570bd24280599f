import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { duration, flag } from './primitives.js';

/** Images of posts (photos, video thumbnails, Mastodon attachments, feed enclosures): captured, read (OCR, QR), hashed. */
export const mediaSchema = z
  .object({
    /** Off: posts with images are classified on their text alone and no image is downloaded. */
    enabled: flag.default(true),
    /** The content-addressed store (files named by SHA-256, mode 0600); only flagged posts' images stay in it. */
    storeDir: z
      .string()
      .min(1)
      .default(join(homedir(), '.local', 'share', 'vigil', 'media')),
    /** Images larger than this are refused, not truncated. */
    maxBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
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
  .prefault({});
