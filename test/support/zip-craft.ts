import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * Hand-made zips for the shapes no zip writer produces (bombs, overlapping entries, duplicate names):
 * what `vigil verify` must refuse. Not a zip library; it writes only what these tests need.
 */
export interface CraftEntry {
  name: string;
  /** The bytes as stored: deflated unless `stored`. */
  data: Buffer;
  /** Declared uncompressed size. */
  size: number;
  stored?: boolean;
  /** Point this entry's central record at an earlier entry's local header (overlapping entries). */
  sameAs?: number;
}

export const deflated = (name: string, data: Buffer): CraftEntry => ({
  name,
  data: deflateRawSync(data),
  size: data.length,
});

/** `mib` MiB of zeros as one deflate stream of about 1 KB per MiB, built without inflating anything. */
export function zeros(mib: number): Buffer {
  // A sync flush ends each piece on a byte boundary without marking it final, so copies chain into one stream.
  const piece = deflateRawSync(Buffer.alloc(2 ** 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array<Buffer>(mib).fill(piece), deflateRawSync(Buffer.alloc(0))]);
}

export function craftZip(entries: CraftEntry[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  const crcs = entries.map((e) => (e.stored ? crc32(e.data) : 0));
  entries.forEach((e, i) => {
    if (e.sameAs !== undefined) return offsets.push(offsets[e.sameAs]!);
    offsets.push(at);
    const name = Buffer.from(e.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(e.stored ? 0 : 8, 8);
    header.writeUInt16LE(0x21, 12);
    header.writeUInt32LE(crcs[i]!, 14);
    header.writeUInt32LE(e.data.length, 18);
    header.writeUInt32LE(e.size, 22);
    header.writeUInt16LE(name.length, 26);
    parts.push(header, name, e.data);
    at += header.length + name.length + e.data.length;
  });
  const central: Buffer[] = entries.map((e, i) => {
    const name = Buffer.from(e.name);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0x0800, 8);
    record.writeUInt16LE(e.stored ? 0 : 8, 10);
    record.writeUInt16LE(0x21, 14);
    record.writeUInt32LE(crcs[i]!, 16);
    record.writeUInt32LE(e.data.length, 20);
    record.writeUInt32LE(e.size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offsets[i]!, 42);
    return Buffer.concat([record, name]);
  });
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(at, 16);
  return Buffer.concat([...parts, cd, end]);
}
