import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../domain/post.js';

/**
 * Image bytes keyed by their SHA-256: a poster reposted in ten channels is stored once, and a stored
 * file's name is its own checksum. A directory by default; anything with these five operations (an
 * S3-compatible bucket, keys `<sha256>`) can stand in for it.
 */
export interface MediaStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  get(sha256: string): Promise<Buffer | undefined>;
  delete(sha256: string): Promise<void>;
  /** Every stored object with when it was written, for the retention sweep. */
  list(): AsyncIterable<{ sha256: string; storedAt: Date }>;
  has(sha256: string): Promise<boolean>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function directoryStore(root: string): MediaStore {
  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${JSON.stringify(sha256.slice(0, 80))}`);
    return join(root, sha256.slice(0, 2), sha256);
  };
  return {
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      const path = pathOf(sha256);
      await mkdir(join(root, sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
      // Written aside and renamed: a reader never sees half a file, and two writers of one image agree.
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, bytes, { mode: 0o600 });
      await rename(tmp, path);
      return { sha256, size: bytes.length };
    },
    async get(sha256) {
      try {
        return await readFile(pathOf(sha256));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async has(sha256) {
      return stat(pathOf(sha256)).then(
        () => true,
        () => false,
      );
    },
    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
    async *list() {
      const dirs = await readdir(root).catch(() => [] as string[]);
      for (const d of dirs) {
        if (!/^[0-9a-f]{2}$/.test(d)) continue;
        for (const name of await readdir(join(root, d)).catch(() => [] as string[])) {
          if (!SHA256.test(name)) continue;
          const s = await stat(join(root, d, name)).catch(() => undefined);
          if (s) yield { sha256: name, storedAt: s.mtime };
        }
      }
    },
  };
}
