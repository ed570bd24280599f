import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import yauzl from 'yauzl';
import { auditHash } from '../repositories/audit.repository.js';
import { BUNDLE_FORMAT, SIGNATURE_FILES, type FileEntry } from './bundle.js';
import { fingerprintOf } from './signing-key.js';

export interface VerifyResult {
  ok: boolean;
  bundleId?: string;
  fingerprint?: string;
  files: number;
  problems: string[];
}

interface Read {
  size: number;
  sha256: string;
  /** Kept only for the small files the checks read. */
  data?: Buffer;
}

const KEEP = new Set<string>([...SIGNATURE_FILES, 'custody.json']);

/** Bundles up to this size are read into memory at once, which is several times faster for many small files. */
const IN_MEMORY_LIMIT = 256 * 1024 * 1024;

/** Reads every entry of the zip, hashing as it streams. */
async function readZip(path: string): Promise<Map<string, Read>> {
  const open = statSync(path).size <= IN_MEMORY_LIMIT
    ? (cb: (err: Error | null, z: yauzl.ZipFile) => void) => yauzl.fromBuffer(readFileSync(path), { lazyEntries: true }, cb)
    : (cb: (err: Error | null, z: yauzl.ZipFile) => void) => yauzl.open(path, { lazyEntries: true, autoClose: true }, cb);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => open((err, z) => (err ? reject(err) : resolve(z))));
  const entries = new Map<string, Read>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          hash.update(c);
          size += c.length;
          if (KEEP.has(entry.fileName)) chunks.push(c);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, { size, sha256: hash.digest('hex'), ...(KEEP.has(entry.fileName) ? { data: Buffer.concat(chunks) } : {}) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/**
 * Checks a bundle without trusting it: the signature over the manifest (against the enclosed key, or
 * the one given), every listed file's size and SHA-256, files dropped or added, and each custody entry's hash.
 */
export async function verifyBundle(path: string, opts: { publicKeyPem?: string; fingerprint?: string } = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  let entries: Map<string, Read>;
  try {
    entries = await readZip(path);
  } catch (err) {
    return { ok: false, files: 0, problems: [`not a readable zip: ${(err as Error).message}`] };
  }
  const manifestRaw = entries.get('manifest.json')?.data;
  const signature = entries.get('manifest.sig')?.data;
  const keyPem = opts.publicKeyPem ?? entries.get('public-key.pem')?.data?.toString('utf8');
  if (!manifestRaw) return { ok: false, files: 0, problems: ['manifest.json is missing'] };
  let manifest: { format?: string; bundleId?: string; publicKeyFingerprint?: string; files?: FileEntry[] };
  try {
    manifest = JSON.parse(manifestRaw.toString('utf8')) as typeof manifest;
  } catch {
    return { ok: false, files: 0, problems: ['manifest.json is not valid JSON (altered)'] };
  }
  if (manifest.format !== BUNDLE_FORMAT) problems.push(`manifest.json: unknown format ${JSON.stringify(manifest.format)}`);

  let fingerprint: string | undefined;
  if (!signature) problems.push('manifest.sig is missing');
  if (!keyPem) problems.push('public-key.pem is missing');
  if (signature && keyPem) {
    try {
      const key = createPublicKey(keyPem);
      fingerprint = fingerprintOf(key);
      if (!verifySignature(null, manifestRaw, key, signature)) problems.push('signature: manifest.sig does not verify against manifest.json (the manifest or the signature was altered)');
    } catch (err) {
      problems.push(`signature: cannot be checked (${(err as Error).message})`);
    }
  }
  if (opts.fingerprint && fingerprint !== opts.fingerprint.toLowerCase()) problems.push(`signature: signed with key ${fingerprint ?? '?'}, not the expected ${opts.fingerprint}`);
  if (fingerprint && manifest.publicKeyFingerprint !== fingerprint) problems.push('manifest.json: names a different key fingerprint than public-key.pem');

  const listed = new Set<string>();
  for (const f of manifest.files ?? []) {
    listed.add(f.path);
    const got = entries.get(f.path);
    if (!got) problems.push(`dropped: ${f.path} is listed in the manifest but missing`);
    else if (got.sha256 !== f.sha256 || got.size !== f.size) problems.push(`altered: ${f.path} (SHA-256 ${got.sha256}, manifest says ${f.sha256})`);
  }
  for (const name of entries.keys()) {
    if (!listed.has(name) && !(SIGNATURE_FILES as readonly string[]).includes(name)) problems.push(`added: ${name} is not listed in the manifest`);
  }

  const custody = entries.get('custody.json')?.data;
  if (custody) {
    try {
      const { entries: audit } = JSON.parse(custody.toString('utf8')) as { entries: { id: number; at: string; actor: string; actorId: number | null; action: string; entity: string; entityId: string | null; details: Record<string, unknown>; prevHash: string | null; hash: string }[] };
      for (const a of audit) {
        if (auditHash(a.prevHash, a.at, { actor: a.actor, actorId: a.actorId, action: a.action, entity: a.entity, entityId: a.entityId, details: a.details }) !== a.hash) problems.push(`custody: entry ${a.id} does not match its hash`);
      }
    } catch {
      problems.push('custody.json is not valid JSON');
    }
  }
  return { ok: problems.length === 0, ...(manifest.bundleId ? { bundleId: manifest.bundleId } : {}), ...(fingerprint ? { fingerprint } : {}), files: manifest.files?.length ?? 0, problems };
}
