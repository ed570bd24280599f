import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { capturePost } from '../../shared/domain/post.js';
import { KEY_FILE_NAME, loadOrCreateSigningKey } from '../../shared/evidence/signing-key.js';
import { packageRoot } from '../../shared/paths.js';
import { instanceId } from '../../shared/repositories/instance.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { tempDir } from '../support/tmp.js';

const TEXT = '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin';
const bin = join(packageRoot(), 'bin', 'vigil.js');

describe('vigil export, keys show and the per-instance signing key', () => {
  let testDb: TestDb;
  let itemId: number;
  let env: Record<string, string>;

  const vigil = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8' });
  const exportArgs = (out: string, ...more: string[]) => [
    'export',
    '--item',
    String(itemId),
    ...more,
    '--out',
    out,
    '--recipient',
    'CST',
    '--purpose',
    'Referral',
  ];

  beforeAll(async () => {
    testDb = await createTestDb();
    const post = capturePost(
      {
        source: 'tme-east',
        platform: 'telegram',
        channel: 'east_watch',
        externalId: '7',
        url: 'https://t.me/east_watch/7',
        text: TEXT,
      },
      Buffer.from(`<p>${TEXT}</p>`),
      'text/html',
      {
        url: 'https://t.me/s/east_watch',
        fetchedAt: new Date(Date.UTC(2025, 0, 10, 21)).toISOString(),
        fetcher: 'vigil/test',
      },
    );
    const [created] = await insertFlagged(testDb.db, [{ post, verdict: classify(TEXT) }]);
    itemId = created!.reviewItemId;
    // No key file configured: keys go where the default puts them, under a HOME of the test's own.
    env = { PATH: process.env.PATH ?? '', HOME: tempDir(), DATABASE_URL: testDb.url };
  });
  afterAll(() => testDb?.drop());

  it('fails naming the item that does not exist, and writes nothing', () => {
    const dir = tempDir();
    const out = join(dir, 'b.zip');
    const result = vigil([
      'export',
      '--item',
      String(itemId),
      '--item',
      '999',
      '--out',
      out,
      '--recipient',
      'CST',
      '--purpose',
      'Referral',
    ]);
    expect(result.stderr).toBe('vigil export: item 999 does not exist; nothing written\n');
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
    expect(
      vigil(['export', '--item', '998', '--item', '999', '--out', out, '--recipient', 'CST', '--purpose', 'Referral'])
        .stderr,
    ).toBe('vigil export: items 998, 999 do not exist; nothing written\n');
  });

  it('refuses a missing folder with a clear message, and keeps an existing bundle unless --force', () => {
    const dir = tempDir();
    const missing = vigil(exportArgs(join(dir, 'no-such-folder', 'b.zip')));
    expect(missing.stderr).toBe(
      `vigil export: folder ${join(dir, 'no-such-folder')} does not exist; create it first\n`,
    );
    expect(missing.status).toBe(2);

    const out = join(dir, 'b.zip');
    writeFileSync(out, 'an earlier bundle');
    const kept = vigil(exportArgs(out));
    expect(kept.stderr).toBe(`vigil export: ${out} already exists; give --force to replace it\n`);
    expect(kept.status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('an earlier bundle');

    const forced = vigil(exportArgs(out, '--force'));
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect(readdirSync(dir)).toEqual(['b.zip']);
  });

  it('keeps the signing key per instance, beside the instance id, mode 0600, and shows it', async () => {
    // A HOME of its own, so the key is made here and now.
    const home = tempDir();
    const run = (args: string[], extra: Record<string, string> = {}) => vigil(args, { HOME: home, ...extra });
    const id = await instanceId(testDb.db);
    const file = join(home, '.local', 'share', 'vigil', id, KEY_FILE_NAME);
    const shown = run(['keys', 'show']);
    expect(shown.stderr).toBe('');
    expect(shown.status).toBe(0);
    const key = loadOrCreateSigningKey(file);
    expect(shown.stdout).toContain(`instance     ${id}\n`);
    expect(shown.stdout).toContain(`key file     ${file} (mode 0600, created now)\n`);
    expect(shown.stdout).toContain(`fingerprint  ${key.fingerprint}\n`);
    expect(shown.stdout).toContain(key.publicKeyPem.trimEnd());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.local', 'share', 'vigil', id)).mode & 0o777).toBe(0o700);

    // Exports sign with that key, and a recipient who pins it gets VERIFIED.
    const out = join(tempDir(), 'b.zip');
    const exported = run(exportArgs(out));
    expect(exported.stdout).toContain(`signing key fingerprint ${key.fingerprint}\n`);
    expect(run(['verify', out, '--fingerprint', key.fingerprint]).status).toBe(0);

    // Another instance run by the same user gets a key of its own. (Test databases are copies of one
    // template, so they share its instance row; a second `vigil migrate` gives a new id.)
    const other = await createTestDb();
    try {
      await sql`update instance set id = gen_random_uuid()`.execute(other.db);
      const otherId = await instanceId(other.db);
      const otherShown = run(['keys', 'show'], { DATABASE_URL: other.url });
      expect(otherShown.stdout).toContain(
        `key file     ${join(home, '.local', 'share', 'vigil', otherId, KEY_FILE_NAME)} (mode 0600, created now)\n`,
      );
      expect(otherShown.stdout).not.toContain(key.fingerprint);
    } finally {
      await other.drop();
    }
    expect(run(['keys', 'show']).stdout).toContain(`key file     ${file} (mode 0600)\n`);
  }, 60_000);

  it('uses evidence.keyFile when it is set', () => {
    const file = join(tempDir(), 'keys', 'mine.pem');
    mkdirSync(join(file, '..'));
    const shown = vigil(['keys', 'show'], { VIGIL_EVIDENCE_KEY_FILE: file });
    expect(shown.stdout).toContain(`fingerprint  ${loadOrCreateSigningKey(file).fingerprint}\n`);
    expect(existsSync(file)).toBe(true);
  });
});
