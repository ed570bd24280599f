import type { ImageType } from '../../shared/media/image-type.js';

/** One image for a reading thread (image-read-pool.ts → image-reader.ts); a thread reads one at a time. */
export interface ReadRequest {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
  /** The post's language (ISO 639-1, from its caption), when known: OCR reads with that language's model. */
  language?: string;
}

/** What an image is, without its text: sent before OCR starts, so an OCR that overruns still leaves the evidence. */
export interface ImageFacts {
  sha256: string;
  type: ImageType;
  width: number;
  height: number;
  phash: string;
  dhash: string;
  qr: string | null;
}

export type ThreadMessage =
  | { kind: 'ready' }
  /** ms: decode, hashes and QR; then OCR alone (what `npm run bench:media` reports). */
  | { kind: 'facts'; id: number; facts: ImageFacts; ms: number }
  | { kind: 'text'; id: number; text: string; ms: number }
  /** Bytes that can never be read (BadImage): quarantined with this reason. */
  | { kind: 'bad'; id: number; reason: string }
  /** Anything else that went wrong (the job fails and is retried, as when it ran on the main thread). */
  | { kind: 'failed'; id: number; error: string };
