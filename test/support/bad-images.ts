import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/**
 * A valid-looking PNG that claims `width` × `height` pixels in a few hundred bytes: the shape of a
 * decompression bomb (the header is honest about its size, the data would inflate to gigabytes).
 */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  // A few rows of zeros; a decoder that believed the header would keep asking for more.
  const idat = deflateSync(Buffer.alloc((width + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const SVG_POSTER = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><text y="50">£100 to whoever</text></svg>',
);

/** A seeded stream of mutations of `valid`: flipped bytes, cuts, spliced garbage. */
export function mutations(valid: Buffer, count: number, seed = 1): Buffer[] {
  let s = seed;
  const rnd = (n: number) => (s = (s * 1103515245 + 12345) >>> 0) % n;
  return Array.from({ length: count }, (_, i) => {
    const b = Buffer.from(valid);
    switch (i % 4) {
      case 0:
        for (let k = 0; k < 1 + rnd(40); k++) b[16 + rnd(b.length - 16)] = rnd(256);
        return b;
      case 1:
        return b.subarray(0, 8 + rnd(b.length - 8));
      case 2:
        return Buffer.concat([
          b.subarray(0, 12 + rnd(200)),
          Buffer.from(Array.from({ length: 500 }, () => rnd(256))),
          b.subarray(b.length / 2),
        ]);
      default: {
        const from = 20 + rnd(b.length - 40);
        b.fill(0, from, Math.min(b.length, from + rnd(2000)));
        return b;
      }
    }
  });
}
