import { createWriteStream, readFileSync, renameSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Config } from '../shared/config/config.js';
import { createDb } from '../shared/db/client.js';
import { NothingToExport, writeBundle } from '../shared/evidence/bundle.js';
import { loadOrCreateSigningKey } from '../shared/evidence/signing-key.js';
import { verifyBundle } from '../shared/evidence/verify.js';
import { findUserByEmail } from '../shared/repositories/user.repository.js';
import { UsageError } from './admin.command.js';

/** `vigil export`: writes the bundle to a temporary name and renames it when complete. */
export async function runExport(args: string[], config: Readonly<Config>): Promise<number> {
  const { values } = parseArgs({ args, options: { item: { type: 'string', multiple: true }, campaign: { type: 'string' }, out: { type: 'string' }, recipient: { type: 'string' }, purpose: { type: 'string' }, as: { type: 'string' } } });
  const itemIds = (values.item ?? []).map(Number);
  if ((itemIds.length === 0) === (values.campaign === undefined) || itemIds.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new UsageError('export: give --item ID (repeatable) or --campaign ID');
  if (!values.out) throw new UsageError('export: give --out FILE.zip');
  if (!values.recipient || !values.purpose) throw new UsageError('export: say who receives it and why: --recipient "…" --purpose "…"');
  const db = createDb(config.database.url, 3);
  try {
    const user = values.as ? await findUserByEmail(db, values.as) : undefined;
    if (values.as && !user) throw new UsageError(`export: no active user ${values.as}`);
    const key = loadOrCreateSigningKey(config.evidence.keyFile, config.evidence.keyPassphrase);
    const partial = `${values.out}.partial`;
    const result = await writeBundle(
      db,
      { ...(values.campaign !== undefined ? { campaignId: Number(values.campaign) } : { itemIds }), createdBy: user ? `user:${user.email}` : `cli:${userInfo().username}`, createdById: user?.id ?? null, recipient: values.recipient, purpose: values.purpose },
      key,
      createWriteStream(partial),
    );
    renameSync(partial, values.out);
    process.stdout.write(`wrote ${values.out}: bundle ${result.bundleId}, ${result.items} item(s), ${result.files} files\nmanifest SHA-256 ${result.manifestSha256}\nsigning key fingerprint ${key.fingerprint}\n`);
    return 0;
  } catch (err) {
    if (err instanceof NothingToExport) throw new UsageError(`export: ${err.message}`);
    throw err;
  } finally {
    await db.destroy();
  }
}

/** `vigil verify`: needs no database and no configuration. */
export async function runVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'public-key': { type: 'string' }, fingerprint: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('verify: give one FILE.zip');
  const result = await verifyBundle(positionals[0]!, { ...(values['public-key'] ? { publicKeyPem: readFileSync(values['public-key'], 'utf8') } : {}), ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}) });
  if (result.ok) {
    process.stdout.write(`VERIFIED: bundle ${result.bundleId}: signature good (key ${result.fingerprint}), all ${result.files} files match the manifest, custody entries intact\n`);
    return 0;
  }
  process.stdout.write(`NOT VERIFIED: ${positionals[0]}\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return 1;
}
