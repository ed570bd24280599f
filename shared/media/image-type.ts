/** Raster types Vigil reads and serves; anything else (SVG, HTML, video) is refused by its bytes, whatever its name or header says. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const EXTENSION: Record<ImageType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** The image type the magic bytes say, or undefined: headers and file names are the sender's claim, the bytes are what a decoder reads. */
export function sniffImageType(b: Uint8Array): ImageType | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/** A word for what the bytes look like when they are not an image we read, for the quarantine reason. */
export function describeBytes(b: Uint8Array): string {
  const head = Buffer.from(b.subarray(0, 256)).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')))
    return 'SVG (markup, never read or served as an image)';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'HTML';
  if (startsWith(b, [0x00, 0x00, 0x00]) && head.slice(4, 8) === 'ftyp') return 'an MP4/HEIF container';
  if (b.length === 0) return 'empty';
  return `unknown bytes (starting ${Buffer.from(b.subarray(0, 8)).toString('hex')})`;
}
