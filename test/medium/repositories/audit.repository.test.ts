import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, listAudit, type AuditEntry } from '../../../shared/repositories/audit.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('audit repository', () => {
  let testDb: TestDb;
  const entries: AuditEntry[] = [
    { actor: 'user:ana@example.org', action: 'item.confirm', entity: 'review_item', entityId: '1' },
    { actor: 'cli:root', action: 'user.disable', entity: 'app_user', entityId: '7' },
    { actor: 'user:ana@example.org', action: 'bullboard.retry', entity: 'job', entityId: '1' },
    { actor: 'user:ben@example.org', action: 'item.dismiss', entity: 'review_item', entityId: '2' },
    // Wildcards in a value are matched as themselves, never as patterns.
    { actor: 'cli_x', action: 'bullboardXretry', entity: 'job', entityId: '3' },
  ];
  beforeAll(async () => {
    testDb = await createTestDb();
    for (const e of entries) await testDb.db.transaction().execute((trx) => appendAudit(trx, e));
  });
  afterAll(() => testDb?.drop());

  const actions = async (f: Parameters<typeof listAudit>[1]) => (await listAudit(testDb.db, f)).map((a) => a.action);

  it('lists entries oldest first, narrowed by every filter given', async () => {
    expect(await actions({})).toEqual(entries.map((e) => e.action));
    expect(await actions({ entity: 'review_item' })).toEqual(['item.confirm', 'item.dismiss']);
    expect(await actions({ entityIds: ['1', '3'] })).toEqual(['item.confirm', 'bullboard.retry', 'bullboardXretry']);
    expect(await actions({ entity: 'review_item', entityIds: ['1'] })).toEqual(['item.confirm']);
    expect(await actions({ actions: ['item.dismiss'] })).toEqual(['item.dismiss']);
    expect(await actions({ actor: 'user:ben@example.org' })).toEqual(['item.dismiss']);
    expect(await actions({ actions: ['item.confirm', 'item.dismiss'], actor: 'user:ana@example.org' })).toEqual([
      'item.confirm',
    ]);
    expect(await actions({ actions: [] })).toEqual([]);
    expect(await actions({ actorPrefix: 'user:', entity: 'job' })).toEqual(['bullboard.retry']);
    expect(await actions({ entityIds: [] })).toEqual([]);
  });

  it('matches action and actor prefixes literally', async () => {
    expect(await actions({ actionPrefix: 'bullboard.' })).toEqual(['bullboard.retry']);
    expect(await actions({ actorPrefix: 'cli:' })).toEqual(['user.disable']);
    expect(await actions({ actorPrefix: 'cli_' })).toEqual(['bullboardXretry']);
    expect(await actions({ actionPrefix: '%' })).toEqual([]);
  });
});
