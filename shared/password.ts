import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import PQueue from 'p-queue';

const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), which file reads,
 * zlib (evidence exports) and DNS lookups share. Two derivations at a time leave the rest of the pool free
 * however many logins arrive: the others wait here, not in the pool's queue ahead of everyone else's work.
 */
export const SCRYPT_CONCURRENCY = 2;
const pool = new PQueue({ concurrency: SCRYPT_CONCURRENCY });
let derivations = 0;

/** How much scrypt work has been asked for: a seam for tests (both login paths cost one derivation). */
export const passwordWork = () => ({ derivations, running: pool.pending, waiting: pool.size });

const derive = (password: string, salt: Buffer, o: ScryptOptions) =>
  pool.add(
    () => {
      derivations++;
      return new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, o, (err, key) => (err ? reject(err) : resolve(key))),
      );
    },
    { throwOnTimeout: true },
  );

const format = (salt: Buffer, key: Buffer) =>
  ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');

/** "scrypt$N$r$p$salt$hash": the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return format(salt, await derive(password, salt, PARAMS));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Random salt and key under the current parameters: matches no password, costs what a real check costs. */
const DUMMY_HASH = format(randomBytes(16), randomBytes(KEY_LENGTH));

/**
 * A login's password check. An unknown account (or one without a password) is checked against a dummy hash,
 * so both cost one scrypt derivation and the answer's timing does not tell which accounts exist.
 */
export async function verifyLogin(password: string, stored: string | null | undefined): Promise<boolean> {
  const ok = await verifyPassword(password, stored || DUMMY_HASH);
  return Boolean(stored) && ok;
}

/** A random secret for a session cookie or an API token. */
export const newSecret = (prefix = '') => `${prefix}${randomBytes(32).toString('base64url')}`;
