import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import yauzl from 'yauzl';

/**
 * What `vigil verify` will read from a bundle it does not trust. The defaults are several times what a
 * 10,000-post campaign needs (20,007 entries, 80 MB uncompressed, report.html 15 MB, best ratio 12:1).
 */
export interface ZipLimits {
  maxEntries: number;
  /** Uncompressed size of any one entry; also bounds what is held in memory (manifest.json, custody.json). */
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Uncompressed to compressed, for any entry over 1 MiB and for the whole zip. Deflate reaches ~1000:1 on filler. */
  maxRatio: number;
  timeoutMs: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 100_000,
  maxEntryBytes: 128 * 2 ** 20,
  maxTotalBytes: 2 ** 30,
  maxRatio: 100,
  timeoutMs: 120_000,
});

/** The bundle breaks a limit: nothing is judged, and the message says which limit and how to raise it. */
export class ZipRefused extends Error {}

export interface ZipEntryRead {
  size: number;
  sha256: string;
  data?: Buffer;
}

export interface ZipRead {
  entries: Map<string, ZipEntryRead>;
  /** Entries that unzip to one file (same name, or one differing in case or `./`), each group's names in zip order. */
  duplicates: string[][];
}

/** Bundles up to this size are read into memory at once, which is several times faster for many small files. */
const IN_MEMORY_LIMIT = 256 * 1024 * 1024;
/** Small entries compress unevenly (a run of spaces, an empty JSON array); their ratio says nothing. */
const RATIO_FLOOR = 2 ** 20;
const LOCAL_HEADER_BYTES = 30;

const mib = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;

/** The name an extractor writes, for spotting two entries that land on one file (case-insensitive file systems included). */
const landsAs = (name: string) =>
  name
    .normalize('NFC')
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, z?: yauzl.ZipFile) =>
      err || !z ? reject(err ?? new Error('no zip')) : resolve(z);
    if (statSync(path).size <= IN_MEMORY_LIMIT) yauzl.fromBuffer(readFileSync(path), { lazyEntries: true }, done);
    else yauzl.open(path, { lazyEntries: true, autoClose: false }, done);
  });
}

/** The central directory, each entry checked against the limits before a byte is inflated. */
function listEntries(zip: yauzl.ZipFile, limits: ZipLimits, deadline: number): Promise<yauzl.Entry[]> {
  if (zip.entryCount > limits.maxEntries)
    throw new ZipRefused(`${zip.entryCount} entries, over the limit of ${limits.maxEntries} (--max-entries)`);
  const list: yauzl.Entry[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve(list));
    zip.on('entry', (entry: yauzl.Entry) => {
      const { fileName: name, uncompressedSize: size, compressedSize } = entry;
      total += size;
      if (size > limits.maxEntryBytes)
        return reject(
          new ZipRefused(
            `${name} inflates to ${mib(size)}, over the per-file limit of ${mib(limits.maxEntryBytes)} (--max-entry-bytes)`,
          ),
        );
      if (total > limits.maxTotalBytes)
        return reject(
          new ZipRefused(`the entries inflate to more than ${mib(limits.maxTotalBytes)} in all (--max-total-bytes)`),
        );
      if (size > RATIO_FLOOR && size > limits.maxRatio * compressedSize)
        return reject(
          new ZipRefused(
            `${name} inflates ${Math.round(size / Math.max(compressedSize, 1))} times its compressed size, over the limit of ${limits.maxRatio} (--max-ratio)`,
          ),
        );
      if (Date.now() > deadline)
        return reject(new ZipRefused(`reading took longer than ${limits.timeoutMs / 1000} s (--timeout)`));
      list.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/**
 * Entries whose data overlap reuse one compressed run many times over (the "better zip bomb": kilobytes
 * that inflate to terabytes), which a zip written by a zip writer never does.
 */
function checkLayout(list: yauzl.Entry[], fileSize: number, limits: ZipLimits): void {
  const byOffset = [...list].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (let i = 1; i < byOffset.length; i++) {
    const a = byOffset[i - 1]!;
    const b = byOffset[i]!;
    if (
      a.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + a.fileNameLength + a.compressedSize >
      b.relativeOffsetOfLocalHeader
    ) {
      throw new ZipRefused(
        `entries ${a.fileName} and ${b.fileName} overlap in the zip (one compressed run read many times over, as zip bombs do)`,
      );
    }
  }
  const total = list.reduce((n, e) => n + e.uncompressedSize, 0);
  if (total > RATIO_FLOOR && total > limits.maxRatio * fileSize)
    throw new ZipRefused(
      `the zip inflates ${Math.round(total / fileSize)} times its size, over the limit of ${limits.maxRatio} (--max-ratio)`,
    );
}

function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  keep: boolean,
  limits: ZipLimits,
  deadline: number,
): Promise<ZipEntryRead> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
        if (keep) chunks.push(c);
        // yauzl stops an entry that inflates past its declared size; the clock is ours to watch.
        if (Date.now() > deadline) {
          stream.destroy();
          reject(new ZipRefused(`reading took longer than ${limits.timeoutMs / 1000} s (--timeout)`));
        }
      });
      stream.on('error', reject);
      stream.on('end', () =>
        resolve({ size, sha256: hash.digest('hex'), ...(keep ? { data: Buffer.concat(chunks) } : {}) }),
      );
    });
  });
}

/**
 * Reads every entry of an untrusted zip, hashing as it streams and keeping the bytes of the entries named
 * in `keep`. Throws ZipRefused, before inflating anything where the central directory already shows it,
 * when the zip breaks a limit.
 */
export async function readBoundedZip(
  path: string,
  keep: ReadonlySet<string>,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<ZipRead> {
  const deadline = Date.now() + limits.timeoutMs;
  const zip = await openZip(path);
  try {
    const list = await listEntries(zip, limits, deadline);
    checkLayout(list, zip.fileSize, limits);
    const entries = new Map<string, ZipEntryRead>();
    const byTarget = new Map<string, string[]>();
    for (const entry of list) {
      if (entry.fileName.endsWith('/')) continue;
      const target = landsAs(entry.fileName);
      byTarget.set(target, [...(byTarget.get(target) ?? []), entry.fileName]);
      entries.set(entry.fileName, await readEntry(zip, entry, keep.has(entry.fileName), limits, deadline));
    }
    return { entries, duplicates: [...byTarget.values()].filter((names) => names.length > 1) };
  } finally {
    zip.close();
  }
}
