import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from '../db/client.js';
import { instanceId } from '../repositories/instance.repository.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the public key's DER (SubjectPublicKeyInfo), hex: what a recipient compares out of band. */
  fingerprint: string;
}

export const KEY_FILE_NAME = 'evidence-ed25519.pem';

/** The configured key file, or this instance's own one under `keyDir`, named by the instance id. */
export const keyFileFor = (evidence: { keyFile?: string | undefined; keyDir: string }, instanceId: string): string =>
  evidence.keyFile ?? join(evidence.keyDir, instanceId, KEY_FILE_NAME);

/** The key file the API and `vigil export` sign with: the configured one, else this instance's own. */
export const signingKeyFile = async (
  db: Db,
  evidence: { keyFile?: string | undefined; keyDir: string },
): Promise<string> => evidence.keyFile ?? keyFileFor(evidence, await instanceId(db));

export const fingerprintOf = (publicKey: KeyObject) =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

function readKey(file: string, passphrase?: string): KeyObject {
  const privateKey = createPrivateKey({
    key: readFileSync(file),
    format: 'pem',
    ...(passphrase ? { passphrase } : {}),
  });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  return privateKey;
}

/**
 * Writes a new key to `file` unless one is there: written whole under a temporary name (mode 0600 from
 * the start) and linked into place, so a crash never leaves half a key and of two processes creating it
 * at once (the API and `vigil export`) one wins and the other reads the winner's key.
 */
function createKey(file: string, passphrase?: string): KeyObject {
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    privateKey.export({ type: 'pkcs8', format: 'pem', ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}) }),
    { mode: 0o600, flag: 'wx' },
  );
  try {
    linkSync(tmp, file);
    return privateKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readKey(file, passphrase);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * The instance's Ed25519 key: read from `file`, or generated on first use and written there (mode 0600,
 * encrypted with the passphrase when one is configured).
 */
export function loadOrCreateSigningKey(file: string, passphrase?: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = readKey(file, passphrase);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    privateKey = createKey(file, passphrase);
  }
  return signingKeyOf(privateKey);
}

/** The key at `file`, or undefined if there is none: for checking signatures, where a new key would prove nothing. */
export function loadSigningKey(file: string, passphrase?: string): SigningKey | undefined {
  try {
    return signingKeyOf(readKey(file, passphrase));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(publicKey),
  };
}
