import { sign, verify, type KeyObject } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import type { Db } from '../db/client.js';
import { auditHashes, auditHead, countAuditUpTo } from '../repositories/audit.repository.js';
import { instanceId } from '../repositories/instance.repository.js';
import { signingKeyFile, type SigningKey } from './signing-key.js';

export const CHECKPOINT_FORMAT = 'vigil-audit-checkpoint/1';
export const CHECKPOINT_FILE_NAME = 'audit-checkpoints.jsonl';

/**
 * The audit log's head at one moment, signed with the instance's evidence key and kept outside the table.
 * The chain alone cannot show that its newest rows were deleted, or that a row was edited and every hash
 * after it recomputed; a head recorded elsewhere can, as long as the table must still hold it.
 */
export interface AuditCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  instanceId: string;
  lastId: number;
  hash: string;
  rows: number;
  headAt: string;
  takenAt: string;
  keyFingerprint: string;
  /** Ed25519 over the RFC 8785 JSON of every other field, base64. */
  signature: string;
}

/** Any pino-like logger (the process's, or a Fastify request's). */
export interface CheckpointLog {
  info(obj: object, msg: string): void;
}

const signedBytes = (cp: Omit<AuditCheckpoint, 'signature'>) => Buffer.from(canonicalize(cp) ?? '');

/** The configured checkpoint file, or one beside the instance's signing key. */
export const auditCheckpointFile = async (
  db: Db,
  config: {
    audit: { checkpointFile?: string | undefined };
    evidence: { keyFile?: string | undefined; keyDir: string };
  },
): Promise<string> =>
  config.audit.checkpointFile ?? join(dirname(await signingKeyFile(db, config.evidence)), CHECKPOINT_FILE_NAME);

/** Signs the current head; undefined while the log is empty (there is nothing to anchor yet). */
export async function signHead(db: Db, key: SigningKey): Promise<AuditCheckpoint | undefined> {
  const head = await auditHead(db);
  if (!head) return undefined;
  const body = {
    format: CHECKPOINT_FORMAT,
    instanceId: await instanceId(db),
    lastId: head.lastId,
    hash: head.hash,
    rows: head.rows,
    headAt: head.at.toISOString(),
    takenAt: new Date().toISOString(),
    keyFingerprint: key.fingerprint,
  } as const;
  return { ...body, signature: sign(null, signedBytes(body), key.privateKey).toString('base64') };
}

export function checkpointSignatureOk(cp: AuditCheckpoint, publicKey: KeyObject): boolean {
  const { signature, ...body } = cp;
  try {
    return verify(null, signedBytes(body), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The file's last line, read from its end: the file grows for as long as the instance lives. */
function lastLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 8192);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8').trimEnd().split('\n').pop() || undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends the checkpoint to the file (JSON Lines, mode 0600, never rewritten) and logs it, so a copy lives
 * wherever the logs are shipped. A head already recorded as the file's last line is not written again.
 */
export function recordCheckpoint(file: string, cp: AuditCheckpoint, log: CheckpointLog): void {
  const last = lastLine(file);
  const previous = last ? (JSON.parse(last) as Partial<AuditCheckpoint>) : undefined;
  if (previous?.lastId === cp.lastId && previous.hash === cp.hash && previous.instanceId === cp.instanceId) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // One write() with O_APPEND: lines from several processes never interleave.
  appendFileSync(file, `${JSON.stringify(cp)}\n`, { mode: 0o600, flag: 'a' });
  log.info({ auditCheckpoint: cp }, 'audit checkpoint');
}

/** Signs the head and records it; what the job scheduler and the writes that matter call. */
export async function takeCheckpoint(
  db: Db,
  opts: { key: SigningKey; file: string; log: CheckpointLog },
): Promise<AuditCheckpoint | undefined> {
  const cp = await signHead(db, opts.key);
  if (cp) recordCheckpoint(opts.file, cp, opts.log);
  return cp;
}

/** The checkpoints of a file (one per line; a bundle's checkpoint.json is a one-line file too); undefined if it does not exist. */
export function readCheckpoints(file: string): { line: number; text: string }[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '');
}

const isCheckpoint = (v: unknown): v is AuditCheckpoint => {
  const c = v as Partial<AuditCheckpoint> | null;
  return (
    !!c &&
    c.format === CHECKPOINT_FORMAT &&
    Number.isSafeInteger(c.lastId) &&
    Number.isSafeInteger(c.rows) &&
    typeof c.hash === 'string' &&
    typeof c.signature === 'string' &&
    typeof c.instanceId === 'string' &&
    typeof c.takenAt === 'string'
  );
};

export interface CheckpointCheck {
  /** Checkpoints whose signature is good and whose head the table still holds. */
  matched: number;
  /** The newest good checkpoint, matched or not. */
  newest?: AuditCheckpoint;
  /** The table no longer holds what a good checkpoint recorded. */
  tampered: string[];
  /** Checkpoints that cannot be trusted: unreadable, badly signed, or another instance's. */
  invalid: string[];
}

/**
 * Checks every checkpoint: its signature by this instance's key, and that the table still holds its head
 * with the same hash (and, for the newest, as many rows up to it). A deleted head means the newest rows (or
 * all rows) were deleted; a different hash means rows were rewritten and the chain recomputed.
 */
export async function verifyCheckpoints(
  db: Db,
  lines: { line: number; text: string }[],
  publicKey: KeyObject,
  where: string,
): Promise<CheckpointCheck> {
  const tampered: string[] = [];
  const invalid: string[] = [];
  const valid: { line: number; cp: AuditCheckpoint }[] = [];
  const instance = await instanceId(db);
  for (const { line, text } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!isCheckpoint(value)) invalid.push(`${where}:${line}: not a checkpoint`);
    else if (!checkpointSignatureOk(value, publicKey))
      invalid.push(
        `${where}:${line}: checkpoint of entry ${value.lastId} has a bad signature (forged or altered; not signed by this instance's key)`,
      );
    else if (value.instanceId !== instance)
      invalid.push(`${where}:${line}: checkpoint of instance ${value.instanceId}, not this one (${instance})`);
    else valid.push({ line, cp: value });
  }
  const stored = await auditHashes(db, [...new Set(valid.map((v) => v.cp.lastId))]);
  let matched = 0;
  for (const { line, cp } of valid) {
    const hash = stored.get(cp.lastId);
    if (hash === undefined)
      tampered.push(
        `${where}:${line}: entry ${cp.lastId}, the head checkpointed at ${cp.takenAt} (${cp.rows} entries), is gone: the newest entries or the whole log were deleted`,
      );
    else if (hash !== cp.hash)
      tampered.push(
        `${where}:${line}: entry ${cp.lastId} no longer has the hash checkpointed at ${cp.takenAt}: entries were rewritten and the chain recomputed`,
      );
    else matched += 1;
  }
  const newest = valid.reduce<AuditCheckpoint | undefined>(
    (a, v) => (!a || v.cp.lastId > a.lastId ? v.cp : a),
    undefined,
  );
  if (newest && stored.get(newest.lastId) === newest.hash) {
    const rows = await countAuditUpTo(db, newest.lastId);
    if (rows !== newest.rows)
      tampered.push(
        `${where}: ${rows} entries up to entry ${newest.lastId}, but ${newest.rows} were checkpointed at ${newest.takenAt}: entries were deleted`,
      );
  }
  return { matched, tampered, invalid, ...(newest ? { newest } : {}) };
}
