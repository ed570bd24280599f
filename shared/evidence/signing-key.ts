import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the public key's DER (SubjectPublicKeyInfo), hex: what a recipient compares out of band. */
  fingerprint: string;
}

export const fingerprintOf = (publicKey: KeyObject) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

/**
 * The instance's Ed25519 key: read from `file`, or generated on first use and written there (mode 0600,
 * encrypted with the passphrase when one is configured).
 */
export function loadOrCreateSigningKey(file: string, passphrase?: string): SigningKey {
  let privateKey: KeyObject;
  if (existsSync(file)) {
    privateKey = createPrivateKey({ key: readFileSync(file), format: 'pem', ...(passphrase ? { passphrase } : {}) });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  } else {
    ({ privateKey } = generateKeyPairSync('ed25519'));
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem', ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}) });
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey) };
}
