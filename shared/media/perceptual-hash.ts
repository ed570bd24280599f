/**
 * Perceptual hashes of an image's greyscale pixels: near-identical images (re-encoded, resized, lightly
 * cropped) get hashes a few bits apart, unrelated ones about half of their 64 bits apart.
 */

const N = 32;
const LOW = 8;
const COS = Array.from({ length: LOW }, (_, u) =>
  Array.from({ length: N }, (__, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N))),
);

const toHex = (bits: boolean[]) => {
  let out = 0n;
  for (const b of bits) out = (out << 1n) | (b ? 1n : 0n);
  return out.toString(16).padStart(16, '0');
};

/** pHash: the 8×8 lowest frequencies of a 32×32 DCT, each above or below their median (DC left out of the median). */
export function phashOf(grey32: Uint8Array): string {
  if (grey32.length !== N * N) throw new Error(`phash wants ${N}×${N} greyscale pixels, got ${grey32.length}`);
  const coeffs: number[] = [];
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < N; y++) {
        const cy = COS[u]![y]!;
        for (let x = 0; x < N; x++) sum += grey32[y * N + x]! * cy * COS[v]![x]!;
      }
      coeffs.push(sum);
    }
  }
  const sorted = coeffs.slice(1).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  return toHex(coeffs.map((c) => c > median));
}

/** dHash: whether each pixel of a 9×8 greyscale thumbnail is brighter than its right neighbour. */
export function dhashOf(grey9x8: Uint8Array): string {
  if (grey9x8.length !== 72) throw new Error(`dhash wants 9×8 greyscale pixels, got ${grey9x8.length}`);
  const bits: boolean[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits.push(grey9x8[y * 9 + x]! > grey9x8[y * 9 + x + 1]!);
  return toHex(bits);
}

export function hexHamming(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

/**
 * pHash bits at or below which two images are one poster. Measured by test/unit/perceptual-hash.test.ts on
 * generated posters: copies re-encoded (JPEG 40–90 %, WebP, greyscale), resized (50–150 %), cropped by 5 %
 * or letterboxed stay within 0–6 bits; unrelated images differ by 14 or more (14: two different offers on
 * one poster template; photos and flyers 20+, median 32). Atlos uses 15, which would join those two offers.
 */
export const IMAGE_NEAR_DUPLICATE_BITS = 10;
