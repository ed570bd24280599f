import { z } from 'zod';
import { IMAGE_TYPES } from '../media/image-type.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const hash64 = z.string().regex(/^[0-9a-f]{16}$/);

/** One image of a post as Vigil captured and read it: carried to the alert worker with the post, kept as a post_media row. */
export const mediaReadingSchema = z.object({
  sha256,
  size: z.number().int().nonnegative(),
  /** From the magic bytes, never from the sender's header. */
  contentType: z.enum(IMAGE_TYPES),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  phash: hash64,
  dhash: hash64,
  /** The words OCR read, as classified (its own segment); empty when it read none. */
  ocrText: z.string().max(20_000),
  qr: z.string().max(2_000).nullable(),
  /** The media reference it came from (photo, video_thumbnail, image, enclosure). */
  kind: z.string().max(40),
  capture: z.object({
    url: z.string().max(4096),
    fetchedAt: z.iso.datetime({ offset: true }),
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
  }),
});

export type MediaReading = z.infer<typeof mediaReadingSchema>;
export type MediaCapture = MediaReading['capture'];
