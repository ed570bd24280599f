import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../shared/config/config.js';
import { createDb } from '../shared/db/client.js';
import { KEY_FILE_NAME, loadOrCreateSigningKey, signingKeyFile } from '../shared/evidence/signing-key.js';
import { instanceId } from '../shared/repositories/instance.repository.js';
import { UsageError } from './admin.command.js';

/** Where every instance of one OS user kept its key before keys were per instance. */
const SHARED_KEY_FILE = join(homedir(), '.config', 'vigil', KEY_FILE_NAME);

/**
 * `vigil keys show`: this instance's evidence signing key, creating it if no export has yet, so the
 * fingerprint can go to recipients (through another channel than the bundles) before the first bundle does.
 */
export async function runKeys(args: string[], config: Readonly<Config>): Promise<number> {
  if (args[0] !== 'show' || args.length > 1) throw new UsageError('keys: the only subcommand is `keys show`');
  const db = createDb(config.database.url, 1);
  try {
    const id = await instanceId(db);
    const file = await signingKeyFile(db, config.evidence);
    const existed = existsSync(file);
    const key = loadOrCreateSigningKey(file, config.evidence.keyPassphrase);
    const mode = statSync(file).mode & 0o777;
    const lines = [
      `instance     ${id}`,
      `key file     ${file} (mode ${mode.toString(8).padStart(4, '0')}${existed ? '' : ', created now'}${config.evidence.keyPassphrase ? ', encrypted' : ''})`,
      `fingerprint  ${key.fingerprint}`,
      '',
      'Give recipients this fingerprint through another channel than the bundles; they check a bundle with',
      `  vigil verify BUNDLE.zip --fingerprint ${key.fingerprint}`,
      'or with openssl as its VERIFY.md says. The public key:',
      '',
      key.publicKeyPem.trimEnd(),
    ];
    if (mode & 0o077)
      lines.push('', `warning: ${file} can be read by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
    if (!config.evidence.keyFile && existsSync(SHARED_KEY_FILE)) {
      lines.push(
        '',
        `note: ${SHARED_KEY_FILE} is the key this user's instances shared before keys were per instance. If recipients pinned its fingerprint, set evidence.keyFile (VIGIL_EVIDENCE_KEY_FILE) to it on the one instance that should keep it; otherwise delete it.`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
