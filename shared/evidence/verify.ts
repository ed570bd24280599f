import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { auditHash } from '../repositories/audit.repository.js';
import { DEFAULT_ZIP_LIMITS, readBoundedZip, ZipRefused, type ZipEntryRead, type ZipLimits } from './bounded-zip.js';
import { BUNDLE_FORMAT, SIGNATURE_FILES, type FileEntry } from './bundle.js';
import { fingerprintOf } from './signing-key.js';

/**
 * `verified`: intact, and signed by the key the recipient pinned. `unpinned`: intact and validly signed,
 * but by whatever key the bundle encloses, so anyone could have made it. `not-verified`: a check failed.
 * `refused`: the zip breaks a resource limit and was not judged.
 */
export type Verdict = 'verified' | 'unpinned' | 'not-verified' | 'refused';

export interface VerifyResult {
  /** Every file, the signature (by the enclosed or the given key) and the custody hashes check out; see `verdict` for who signed. */
  ok: boolean;
  verdict: Verdict;
  bundleId?: string;
  fingerprint?: string;
  files: number;
  problems: string[];
}

export interface VerifyOptions {
  publicKeyPem?: string;
  fingerprint?: string;
  limits?: Partial<ZipLimits>;
}

const KEEP = new Set<string>([...SIGNATURE_FILES, 'custody.json']);

const failed = (problems: string[], verdict: Verdict = 'not-verified'): VerifyResult => ({
  ok: false,
  verdict,
  files: 0,
  problems,
});

/** Two entries that unzip to one file: which one a tool keeps varies, so the one checked may not be the one read. */
const duplicateProblem = (names: string[]) =>
  new Set(names).size === 1
    ? `duplicate: ${names[0]} occurs ${names.length} times in the zip; an unzip tool keeps one of them, not necessarily the one checked`
    : `duplicate: ${names.join(', ')} unzip to the same file; an unzip tool keeps one of them, not necessarily the one checked`;

type Manifest = { format?: string; bundleId?: string; publicKeyFingerprint?: string; files?: FileEntry[] };

/** The manifest's signature against the enclosed (or given) key and that key's fingerprint; returns the fingerprint of the key that signed it. */
function checkSignature(
  manifestRaw: Buffer,
  signature: Buffer | undefined,
  keyPem: string | undefined,
  manifest: Manifest,
  opts: VerifyOptions,
  problems: string[],
): string | undefined {
  let fingerprint: string | undefined;
  if (!signature) problems.push('manifest.sig is missing');
  if (!keyPem) problems.push('public-key.pem is missing');
  if (signature && keyPem) {
    try {
      const key = createPublicKey(keyPem);
      fingerprint = fingerprintOf(key);
      if (!verifySignature(null, manifestRaw, key, signature))
        problems.push(
          'signature: manifest.sig does not verify against manifest.json (the manifest or the signature was altered)',
        );
    } catch (err) {
      problems.push(`signature: cannot be checked (${(err as Error).message})`);
    }
  }
  if (opts.fingerprint && fingerprint !== opts.fingerprint.toLowerCase())
    problems.push(`signature: signed with key ${fingerprint ?? '?'}, not the expected ${opts.fingerprint}`);
  if (fingerprint && manifest.publicKeyFingerprint !== fingerprint)
    problems.push('manifest.json: names a different key fingerprint than public-key.pem');
  return fingerprint;
}

/** Every listed file present with its size and SHA-256, images true to their names, and nothing unlisted. */
function checkFiles(files: FileEntry[], entries: Map<string, ZipEntryRead>, problems: string[]): void {
  const listed = new Set<string>();
  for (const f of files) {
    listed.add(f.path);
    const got = entries.get(f.path);
    if (!got) problems.push(`dropped: ${f.path} is listed in the manifest but missing`);
    else if (got.sha256 !== f.sha256 || got.size !== f.size)
      problems.push(`altered: ${f.path} (SHA-256 ${got.sha256}, manifest says ${f.sha256})`);
  }
  // An image is named by its own SHA-256 when exported: a name and content that disagree were swapped or forged.
  for (const f of files) {
    const named = /\/media\/([0-9a-f]{64})\.[a-z]+$/.exec(f.path)?.[1];
    const got = named ? entries.get(f.path) : undefined;
    if (named && got && got.sha256 !== named)
      problems.push(`altered: ${f.path} is named by SHA-256 ${named} but its bytes hash to ${got.sha256}`);
  }
  for (const name of entries.keys()) {
    if (!listed.has(name) && !(SIGNATURE_FILES as readonly string[]).includes(name))
      problems.push(`added: ${name} is not listed in the manifest`);
  }
}

/** Each custody entry's hash recomputed from its fields. */
function checkCustody(custody: Buffer, problems: string[]): void {
  try {
    const { entries: audit } = JSON.parse(custody.toString('utf8')) as {
      entries: {
        id: number;
        at: string;
        actor: string;
        actorId: number | null;
        action: string;
        entity: string;
        entityId: string | null;
        details: Record<string, unknown>;
        prevHash: string | null;
        hash: string;
      }[];
    };
    for (const a of audit) {
      if (
        auditHash(a.prevHash, a.at, {
          actor: a.actor,
          actorId: a.actorId,
          action: a.action,
          entity: a.entity,
          entityId: a.entityId,
          details: a.details,
        }) !== a.hash
      )
        problems.push(`custody: entry ${a.id} does not match its hash`);
    }
  } catch {
    problems.push('custody.json is not valid JSON');
  }
}

/**
 * Checks a bundle without trusting it: the signature over the manifest (against the enclosed key, or
 * the one given), every listed file's size and SHA-256, files dropped or added, and each custody entry's hash.
 */
export async function verifyBundle(path: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  let entries: Map<string, ZipEntryRead>;
  try {
    const read = await readBoundedZip(path, KEEP, { ...DEFAULT_ZIP_LIMITS, ...opts.limits });
    entries = read.entries;
    for (const names of read.duplicates) problems.push(duplicateProblem(names));
  } catch (err) {
    if (err instanceof ZipRefused) return failed([`refused: ${err.message}`], 'refused');
    return failed([`not a readable zip: ${(err as Error).message}`]);
  }
  const manifestRaw = entries.get('manifest.json')?.data;
  const signature = entries.get('manifest.sig')?.data;
  const keyPem = opts.publicKeyPem ?? entries.get('public-key.pem')?.data?.toString('utf8');
  if (!manifestRaw) return failed([...problems, 'manifest.json is missing']);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestRaw.toString('utf8')) as typeof manifest;
  } catch {
    return failed([...problems, 'manifest.json is not valid JSON (altered)']);
  }
  if (manifest.format !== BUNDLE_FORMAT)
    problems.push(`manifest.json: unknown format ${JSON.stringify(manifest.format)}`);

  const fingerprint = checkSignature(manifestRaw, signature, keyPem, manifest, opts, problems);
  checkFiles(manifest.files ?? [], entries, problems);
  const custody = entries.get('custody.json')?.data;
  if (custody) checkCustody(custody, problems);
  const ok = problems.length === 0;
  const pinned = opts.publicKeyPem !== undefined || opts.fingerprint !== undefined;
  return {
    ok,
    verdict: !ok ? 'not-verified' : pinned ? 'verified' : 'unpinned',
    ...(manifest.bundleId ? { bundleId: manifest.bundleId } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    files: manifest.files?.length ?? 0,
    problems,
  };
}
