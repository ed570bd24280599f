import { createWriteStream, existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { parseDuration } from '../shared/config/duration.js';
import { createDb } from '../shared/db/client.js';
import { auditCheckpointFile } from '../shared/evidence/audit-checkpoint.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../shared/evidence/bounded-zip.js';
import { exportSelection, NothingToExport, writeBundle } from '../shared/evidence/bundle.js';
import { directoryStore } from '../shared/media/media-store.js';
import { loadOrCreateSigningKey, signingKeyFile } from '../shared/evidence/signing-key.js';
import { verifyBundle, type Verdict } from '../shared/evidence/verify.js';
import { createLogger } from '../shared/logger.js';
import { findUserByEmail } from '../shared/repositories/user.repository.js';
import { UsageError } from './admin.command.js';

/** `vigil verify` exit codes; 2 is a usage error, as for every command. */
export const VERIFY_EXIT: Record<Verdict, number> = { verified: 0, 'not-verified': 1, unpinned: 3, refused: 4 };

/** Checks the output path before anything is read or audited: its folder must exist, and a bundle there is kept unless --force. */
function outputPath(out: string, force: boolean): string {
  const path = resolve(out);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new UsageError(`export: folder ${folder} does not exist; create it first`);
  if (existsSync(path) && !force) throw new UsageError(`export: ${path} already exists; give --force to replace it`);
  return path;
}

/** Moves the finished bundle into place; without --force a file that appeared meanwhile is not replaced. */
function place(partial: string, path: string, force: boolean): void {
  if (force) return renameSync(partial, path);
  try {
    linkSync(partial, path);
    rmSync(partial);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UsageError(`export: ${path} appeared while exporting; kept it and discarded the new bundle`);
    // File systems without hard links (FAT and exFAT drives, some network shares).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
    if (existsSync(path))
      throw new UsageError(`export: ${path} appeared while exporting; kept it and discarded the new bundle`);
    renameSync(partial, path);
  }
}

/** `vigil export`'s flags, checked: items or a campaign, an output file, a recipient and a purpose. */
function exportArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      item: { type: 'string', multiple: true },
      campaign: { type: 'string' },
      out: { type: 'string' },
      recipient: { type: 'string' },
      purpose: { type: 'string' },
      as: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  const itemIds = (values.item ?? []).map(Number);
  if (
    (itemIds.length === 0) === (values.campaign === undefined) ||
    itemIds.some((n) => !Number.isSafeInteger(n) || n < 1)
  )
    throw new UsageError('export: give --item ID (repeatable) or --campaign ID');
  if (!values.out) throw new UsageError('export: give --out FILE.zip');
  if (!values.recipient || !values.purpose)
    throw new UsageError('export: say who receives it and why: --recipient "…" --purpose "…"');
  return { values: { ...values, out: values.out, recipient: values.recipient, purpose: values.purpose }, itemIds };
}

/** `vigil export`: writes the bundle to a temporary name beside the target and moves it there when complete. */
export async function runExport(args: string[], config: Readonly<Config>): Promise<number> {
  const { values, itemIds } = exportArgs(args);
  const force = values.force === true;
  const out = outputPath(values.out, force);
  const selection = values.campaign !== undefined ? { campaignId: Number(values.campaign) } : { itemIds };
  const db = createDb(config.database.url, 3);
  const partial = `${out}.${process.pid}.partial`;
  try {
    const user = values.as ? await findUserByEmail(db, values.as) : undefined;
    if (values.as && !user) throw new UsageError(`export: no active user ${values.as}`);
    await exportSelection(db, selection);
    const key = loadOrCreateSigningKey(await signingKeyFile(db, config.evidence), config.evidence.keyPassphrase);
    const stream = createWriteStream(partial);
    const checkpoints = { file: await auditCheckpointFile(db, config), log: createLogger(config.log, config.env) };
    const result = await writeBundle(
      db,
      {
        ...selection,
        createdBy: user ? `user:${user.email}` : `cli:${userInfo().username}`,
        createdById: user?.id ?? null,
        recipient: values.recipient,
        purpose: values.purpose,
      },
      key,
      stream,
      checkpoints,
      directoryStore(config.media.storeDir),
    );
    await finished(stream);
    place(partial, out, force);
    process.stdout.write(
      `wrote ${out}: bundle ${result.bundleId}, ${result.items} item(s), ${result.files} files\nmanifest SHA-256 ${result.manifestSha256}\nsigning key fingerprint ${key.fingerprint}\n`,
    );
    return 0;
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof NothingToExport) throw new UsageError(`export: ${err.message}; nothing written`);
    throw err;
  } finally {
    await db.destroy();
  }
}

const SIZE_UNIT = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 } as const;

/** "500M", "2G", "1048576": bytes, in binary multiples. */
function parseSize(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  if (!match) throw new UsageError(`verify: ${flag} expects a size like 512M or 2G, got ${JSON.stringify(value)}`);
  return Math.round(Number(match[1]) * SIZE_UNIT[match[2]!.toLowerCase() as keyof typeof SIZE_UNIT]);
}

function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`verify: ${flag} expects a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function limitsFrom(values: Record<string, string | undefined>): ZipLimits {
  const limits = { ...DEFAULT_ZIP_LIMITS };
  if (values['max-entries']) limits.maxEntries = parseCount('--max-entries', values['max-entries']);
  if (values['max-entry-bytes']) limits.maxEntryBytes = parseSize('--max-entry-bytes', values['max-entry-bytes']);
  if (values['max-total-bytes']) limits.maxTotalBytes = parseSize('--max-total-bytes', values['max-total-bytes']);
  if (values['max-ratio']) limits.maxRatio = parseCount('--max-ratio', values['max-ratio']);
  if (values.timeout) {
    const ms = parseDuration(values.timeout);
    if (ms === undefined || ms < 1)
      throw new UsageError(
        `verify: --timeout expects a duration like 30s or 5m, got ${JSON.stringify(values.timeout)}`,
      );
    limits.timeoutMs = ms;
  }
  return limits;
}

/** `vigil verify`: needs no database and no configuration. */
export async function runVerify(args: string[]): Promise<number> {
  const text = { type: 'string' } as const;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'public-key': text,
      fingerprint: text,
      'max-entries': text,
      'max-entry-bytes': text,
      'max-total-bytes': text,
      'max-ratio': text,
      timeout: text,
    },
  });
  if (positionals.length !== 1) throw new UsageError('verify: give one FILE.zip');
  const file = positionals[0]!;
  const result = await verifyBundle(file, {
    ...(values['public-key'] ? { publicKeyPem: readFileSync(values['public-key'], 'utf8') } : {}),
    ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}),
    limits: limitsFrom(values),
  });
  const list = () => result.problems.map((p) => `  - ${p}`).join('\n');
  switch (result.verdict) {
    case 'verified':
      process.stdout.write(
        `VERIFIED: bundle ${result.bundleId}: signature good by the pinned key ${result.fingerprint}, all ${result.files} files match the manifest, custody entries intact\n`,
      );
      break;
    case 'unpinned':
      process.stdout.write(
        `INTACT, SIGNER NOT CHECKED: bundle ${result.bundleId}: all ${result.files} files match the manifest and custody entries are intact, and the manifest is signed by the key inside the bundle, fingerprint\n  ${result.fingerprint}\n` +
          `Anyone can sign a bundle with a key of their own. Compare this fingerprint with the one the sender gave you through another channel (\`vigil keys show\` prints it), then run again with --fingerprint to verify.\n`,
      );
      break;
    case 'refused':
      process.stdout.write(
        `REFUSED: ${file} was not checked, it breaks a limit of what verify reads (raise it with the option named if you trust the bundle's size):\n${list()}\n`,
      );
      break;
    case 'not-verified':
      process.stdout.write(`NOT VERIFIED: ${file}\n${list()}\n`);
      break;
  }
  return VERIFY_EXIT[result.verdict];
}
