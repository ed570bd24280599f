import type { Config } from '../shared/config/config.js';
import type { Db } from '../shared/db/client.js';
import { auditCheckpointFile, readCheckpoints, verifyCheckpoints } from '../shared/evidence/audit-checkpoint.js';
import { loadSigningKey, signingKeyFile } from '../shared/evidence/signing-key.js';
import { verifyAuditChain } from '../shared/repositories/audit.repository.js';

/** At most this many problems are named; the rest are counted. */
const MAX_NAMED = 20;

/**
 * `vigil audit verify [--checkpoints FILE]`: the hash chain, then every signed checkpoint of its head (the
 * instance's checkpoint file, or FILE, such as a bundle's checkpoint.json). Exit 1 naming what failed.
 */
export async function runAuditVerify(
  db: Db,
  config: Readonly<Config>,
  checkpointsFile: string | undefined,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const chain = await verifyAuditChain(db);
  const lines: string[] = [];
  let failed = false;
  if (!chain.ok) {
    lines.push(
      `AUDIT LOG TAMPERED: entry ${chain.broken!.id}: ${chain.broken!.reason} (${chain.checked} entries before it check out)`,
    );
    failed = true;
  }
  const file = checkpointsFile ?? (await auditCheckpointFile(db, config));
  const checkpoints = readCheckpoints(file);
  let summary: string;
  if (!checkpoints?.length) {
    if (checkpointsFile) throw new Error(`${file}: no checkpoints in it`);
    summary = `WARNING: no checkpoints at ${file}, so only the chain was checked: deleting the newest entries (or all of them) would not show. The alert worker writes them every ${config.audit.checkpointEvery / 1000}s once the log has entries.`;
  } else {
    const keyFile = await signingKeyFile(db, config.evidence);
    const key = loadSigningKey(keyFile, config.evidence.keyPassphrase);
    if (!key) throw new Error(`cannot check the checkpoints in ${file}: no signing key at ${keyFile}`);
    const result = await verifyCheckpoints(db, checkpoints, key.privateKey, file);
    for (const t of result.tampered.slice(0, MAX_NAMED)) lines.push(`AUDIT LOG TAMPERED: ${t}`);
    for (const c of result.invalid.slice(0, MAX_NAMED)) lines.push(`CHECKPOINT INVALID: ${c}`);
    const more = Math.max(0, result.tampered.length - MAX_NAMED) + Math.max(0, result.invalid.length - MAX_NAMED);
    if (more) lines.push(`… and ${more} more`);
    failed ||= result.tampered.length > 0 || result.invalid.length > 0;
    summary = `${result.matched} of ${checkpoints.length} checkpoint(s) in ${file} match${result.newest ? ` (newest: entry ${result.newest.lastId} of ${result.newest.takenAt})` : ''}`;
  }
  if (!failed) lines.unshift(`audit log intact: ${chain.checked} entries, every hash and link checks out`);
  lines.push(summary);
  out.write(`${lines.join('\n')}\n`);
  return failed ? 1 : 0;
}
