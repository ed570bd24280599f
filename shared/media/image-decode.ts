import sharp from 'sharp';
import { describeBytes, sniffImageType, type ImageType } from './image-type.js';
import { dhashOf, phashOf } from './perceptual-hash.js';

/** An image that can never be read: it is quarantined with this reason, never retried. */
export class BadImage extends Error {
  override name = 'BadImage';
  constructor(
    message: string,
    /** What was received, when it is known where the error is raised (for the quarantine). */
    readonly bytes?: Buffer,
  ) {
    super(message);
  }
}

export interface ImageLimits {
  /** Decoded pixels allowed (width × height): a 40 KB PNG can claim 50,000 × 50,000 and need 10 GB. */
  maxPixels: number;
}

export interface DecodedImage {
  type: ImageType;
  width: number;
  height: number;
  phash: string;
  dhash: string;
  /** Greyscale PNG for OCR, its longest side at most OCR_SIDE. */
  forOcr: Buffer;
  /** RGBA pixels for the QR reader, longest side at most QR_SIDE. */
  forQr: { data: Uint8ClampedArray; width: number; height: number };
}

const OCR_SIDE = 2000;
const QR_SIDE = 1200;

/** sharp's message names the decoder's complaint ("VipsJpeg: Premature end of input file"); keep it short. */
const why = (err: unknown) =>
  String((err as Error).message ?? err)
    .split('\n')[0]!
    .slice(0, 300);

/**
 * Checks an image's bytes and header before decoding it, then decodes it once per use. The type comes
 * from the magic bytes; dimensions from the header are checked against the pixel limit before any pixel
 * is decoded; truncated or corrupt data fails the decode (failOn 'truncated') instead of yielding half a picture.
 */
export async function decodeImage(bytes: Buffer, limits: ImageLimits): Promise<DecodedImage> {
  const type = sniffImageType(bytes);
  if (!type) throw new BadImage(`wrong type: ${describeBytes(bytes)}`);
  const open = () =>
    sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated', animated: false, sequentialRead: true });
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // The header alone, read without sharp's own limit so an oversized image is named as such below.
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'truncated' }).metadata();
  } catch (err) {
    throw new BadImage(`malformed ${type}: ${why(err)}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new BadImage(`malformed ${type}: no dimensions in the header`);
  if (width * height > limits.maxPixels)
    throw new BadImage(
      `decompression bomb: ${width}×${height} is ${width * height} pixels, over the ${limits.maxPixels}-pixel limit`,
    );
  try {
    // One full decode, flattened onto white (a transparent poster reads as the page it was made on).
    const base = await open().rotate().flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
    const pixels = () =>
      sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } });
    const grey32 = await pixels().greyscale().resize(32, 32, { fit: 'fill' }).raw().toBuffer();
    const grey9 = await pixels().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
    const forOcr = await pixels()
      .greyscale()
      .resize(OCR_SIDE, OCR_SIDE, { fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 1 })
      .toBuffer();
    const qr = await pixels()
      .resize(QR_SIDE, QR_SIDE, { fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      type,
      width,
      height,
      phash: phashOf(new Uint8Array(grey32.buffer, grey32.byteOffset, grey32.length).slice(0, 1024)),
      dhash: dhashOf(new Uint8Array(grey9.buffer, grey9.byteOffset, grey9.length).slice(0, 72)),
      forOcr,
      forQr: {
        data: new Uint8ClampedArray(qr.data.buffer, qr.data.byteOffset, qr.data.length),
        width: qr.info.width,
        height: qr.info.height,
      },
    };
  } catch (err) {
    throw new BadImage(`undecodable ${type}: ${why(err)}`);
  }
}
