import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditVerify } from '../../cli/audit.command.js';
import { classify } from '../../shared/classifier/index.js';
import { loadConfig, type Config } from '../../shared/config/config.js';
import type { Db } from '../../shared/db/client.js';
import { capturePost } from '../../shared/domain/post.js';
import {
  auditCheckpointFile,
  CHECKPOINT_FILE_NAME,
  readCheckpoints,
  takeCheckpoint,
  type AuditCheckpoint,
} from '../../shared/evidence/audit-checkpoint.js';
import { writeBundle } from '../../shared/evidence/bundle.js';
import { loadOrCreateSigningKey, signingKeyFile, type SigningKey } from '../../shared/evidence/signing-key.js';
import { appendAudit, listAudit, verifyAuditChain } from '../../shared/repositories/audit.repository.js';
import { instanceId } from '../../shared/repositories/instance.repository.js';
import { insertFlagged } from '../../shared/repositories/review-item.repository.js';
import { startRuntime } from '../../cli/runtime.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { forgeAuditChain, truncateAuditLog } from '../support/db-faults.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { tempDir } from '../support/tmp.js';

const TEXT = '£100 to anyone who sprays the mosque on Leyton High Road E10. Send a pic to @payday_admin';

/** Every tampering runs inside a transaction that is rolled back, so each case starts from the same log. */
class Rollback extends Error {}

describe('audit log checkpoints: signed heads kept outside the table', () => {
  let testDb: TestDb;
  let config: Readonly<Config>;
  let key: SigningKey;
  let file: string;
  const lines: string[] = [];
  const log = { info: (obj: object, msg: string) => void lines.push(JSON.stringify({ ...obj, msg })) };

  const append = (db: Db, action: string) =>
    db.transaction().execute((trx) =>
      appendAudit(trx, {
        actor: 'user:analyst@example.org',
        actorId: null,
        action,
        entity: 'review_item',
        entityId: '1',
        details: { reason: action },
      }),
    );

  /** `vigil audit verify` on the log as `tamper` leaves it; the tampering is rolled back afterwards. */
  async function verifyAfter(
    tamper: (db: Db) => Promise<unknown>,
    checkpoints?: string,
  ): Promise<{ code: number; out: string }> {
    let result = { code: -1, out: '' };
    await testDb.db
      .transaction()
      .execute(async (trx) => {
        await tamper(trx);
        let out = '';
        const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) });
        const code = await runAuditVerify(trx, config, checkpoints, sink);
        result = { code, out };
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
    return result;
  }

  beforeAll(async () => {
    testDb = await createTestDb();
    config = loadConfig({ DATABASE_URL: testDb.url, VIGIL_EVIDENCE_KEY_DIR: tempDir() }, tempDir());
    key = loadOrCreateSigningKey(await signingKeyFile(testDb.db, config.evidence));
    file = await auditCheckpointFile(testDb.db, config);
    for (const action of ['item.view', 'item.confirm', 'item.note', 'item.assign', 'item.view'])
      await append(testDb.db, action);
    await takeCheckpoint(testDb.db, { key, file, log });
    // Entries after the newest checkpoint are expected: the log keeps growing between checkpoints.
    await append(testDb.db, 'item.view');
  });
  afterAll(() => testDb?.drop());

  it('writes the head, signed, to a 0600 JSON Lines file beside the key and to the log, once per head', async () => {
    expect(file).toBe(join(config.evidence.keyDir, await instanceId(testDb.db), CHECKPOINT_FILE_NAME));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [cp] = readCheckpoints(file)!.map((l) => JSON.parse(l.text) as AuditCheckpoint);
    expect(cp).toMatchObject({
      format: 'vigil-audit-checkpoint/1',
      lastId: 5,
      rows: 5,
      keyFingerprint: key.fingerprint,
      signature: expect.any(String),
    });
    expect(lines.map((l) => JSON.parse(l) as { msg: string; auditCheckpoint: AuditCheckpoint })).toEqual([
      { msg: 'audit checkpoint', auditCheckpoint: cp },
    ]);
    // The same head again adds no line (entry 6, written since, is set aside for this).
    const before = readFileSync(file, 'utf8');
    await testDb.db
      .transaction()
      .execute(async (trx) => {
        await truncateAuditLog(trx, 6);
        await takeCheckpoint(trx, { key, file, log });
        throw new Rollback();
      })
      .catch(() => undefined);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('verifies an untampered log', async () => {
    const { code, out } = await verifyAfter(async () => undefined);
    expect(out).toBe(
      `audit log intact: 6 entries, every hash and link checks out\n1 of 1 checkpoint(s) in ${file} match (newest: entry 5 of ${(JSON.parse(readFileSync(file, 'utf8')) as AuditCheckpoint).takenAt})\n`,
    );
    expect(code).toBe(0);
  });

  it('detects the newest entries deleted, which the chain alone does not', async () => {
    const { code, out } = await verifyAfter(async (db) => {
      await truncateAuditLog(db, 4);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
    });
    expect(code).toBe(1);
    expect(out).toMatch(
      /^AUDIT LOG TAMPERED: .*:1: entry 5, the head checkpointed at \S+ \(5 entries\), is gone: the newest entries or the whole log were deleted$/m,
    );
  });

  it('detects every entry deleted', async () => {
    const { code, out } = await verifyAfter(async (db) => {
      await truncateAuditLog(db);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 0 });
    });
    expect(code).toBe(1);
    expect(out).toContain('entry 5, the head checkpointed at');
    expect(out).not.toContain('audit log intact');
  });

  it('detects an entry edited and the chain recomputed after it', async () => {
    const { code, out } = await verifyAfter(async (db) => {
      await forgeAuditChain(db, 2, { reason: 'rewritten' });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 6 });
    });
    expect(code).toBe(1);
    expect(out).toMatch(
      /^AUDIT LOG TAMPERED: .*:1: entry 5 no longer has the hash checkpointed at \S+: entries were rewritten and the chain recomputed$/m,
    );
  });

  it('reports a forged checkpoint: altered after signing, or signed by another key', async () => {
    const good = readFileSync(file, 'utf8').trim();
    const cp = JSON.parse(good) as AuditCheckpoint;
    const other = loadOrCreateSigningKey(join(tempDir(), 'other.pem'));
    const otherFile = join(tempDir(), 'other.jsonl');
    await takeCheckpoint(testDb.db, { key: other, file: otherFile, log: { info: () => undefined } });
    const forged = join(tempDir(), 'forged.jsonl');
    writeFileSync(
      forged,
      `${good}\n${JSON.stringify({ ...cp, lastId: 3, hash: 'f'.repeat(64) })}\n${readFileSync(otherFile, 'utf8')}`,
    );
    const { code, out } = await verifyAfter(async () => undefined, forged);
    expect(code).toBe(1);
    expect(out).toContain(
      `CHECKPOINT INVALID: ${forged}:2: checkpoint of entry 3 has a bad signature (forged or altered; not signed by this instance's key)`,
    );
    expect(out).toContain(`CHECKPOINT INVALID: ${forged}:3: checkpoint of entry 6 has a bad signature`);
    expect(out).toContain(`1 of 3 checkpoint(s) in ${forged} match`);
  });

  it('is taken by the alert role on a BullMQ job scheduler, into the configured file', async () => {
    const prefix = testPrefix();
    const configured = join(tempDir(), 'elsewhere', 'checkpoints.jsonl');
    const env = {
      DATABASE_URL: testDb.url,
      REDIS_URL: TEST_REDIS_URL,
      VIGIL_QUEUE_PREFIX: prefix,
      VIGIL_EVIDENCE_KEY_DIR: config.evidence.keyDir,
      VIGIL_AUDIT_CHECKPOINT_FILE: configured,
    };
    const runtime = await startRuntime(loadConfig(env, tempDir()), testLog, ['alert'], { listen: false });
    try {
      // The scheduler's first run comes at once.
      const [cp] = await waitFor(
        async () => readCheckpoints(configured)?.map((l) => JSON.parse(l.text) as AuditCheckpoint),
        'a checkpoint in the configured file',
      );
      expect(cp).toMatchObject({ lastId: 6, rows: 6, keyFingerprint: key.fingerprint });
      expect(statSync(configured).mode & 0o777).toBe(0o600);
    } finally {
      await runtime.close();
      await dropPrefix(prefix);
    }
  });

  it('puts the head in every evidence bundle (checkpoint.json, in the manifest), which verify accepts on its own', async () => {
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
      { url: 'https://t.me/s/east_watch', fetchedAt: new Date().toISOString(), fetcher: 'vigil/test' },
    );
    const [created] = await insertFlagged(testDb.db, [{ post, verdict: classify(TEXT) }]);
    const bundleFile = join(tempDir(), 'b.zip');
    const out = createWriteStream(bundleFile);
    await writeBundle(
      testDb.db,
      {
        itemIds: [created!.reviewItemId],
        createdBy: 'user:analyst@example.org',
        createdById: null,
        recipient: 'CST',
        purpose: 'Referral',
      },
      key,
      out,
      { file, log },
    );
    await finished(out);
    const dir = tempDir();
    execFileSync('unzip', ['-q', bundleFile, '-d', dir]);
    const inBundle = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as AuditCheckpoint;
    const [exportEntry] = await listAudit(testDb.db, { actions: ['evidence.export'] });
    expect(inBundle).toMatchObject({ lastId: exportEntry!.id, hash: exportEntry!.hash });
    expect(
      (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] }).files.map(
        (f) => f.path,
      ),
    ).toContain('checkpoint.json');
    // The file got the export's head and the head after the bundle was sealed.
    const heads = readCheckpoints(file)!.map((l) => (JSON.parse(l.text) as AuditCheckpoint).lastId);
    expect(heads.slice(-2)).toEqual([exportEntry!.id, exportEntry!.id + 1]);
    expect((await verifyAfter(async () => undefined, join(dir, 'checkpoint.json'))).code).toBe(0);
    const truncated = await verifyAfter((db) => truncateAuditLog(db, exportEntry!.id), join(dir, 'checkpoint.json'));
    expect(truncated.code).toBe(1);
    expect(truncated.out).toContain(`entry ${exportEntry!.id}, the head checkpointed at`);
  });
});
