import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, listAudit, type AuditEntry } from '../../../shared/repositories/audit.repository.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('audit repository: listAudit', () => {
  let testDb: TestDb;
  const entries: AuditEntry[] = [
    { actor: 'user:ana@example.org', action: 'item.view', entity: 'review_item', entityId: '1' },
    { actor: 'user:ana@example.org', action: 'item.confirm', entity: 'review_item', entityId: '1' },
    { actor: 'user:ben@example.org', action: 'item.dismiss', entity: 'review_item', entityId: '2' },
    { actor: 'user:ben@example.org', action: 'incident.unlink', entity: 'incident', entityId: '1' },
  ];
  beforeAll(async () => {
    testDb = await createTestDb();
    for (const e of entries) await testDb.db.transaction().execute((trx) => appendAudit(trx, e));
  });
  afterAll(() => testDb?.drop());

  const actions = (f?: Parameters<typeof listAudit>[1]) =>
    listAudit(testDb.db, f).then((rows) => rows.map((r) => r.action));

  it('lists the whole log oldest first, or the entries every filter given matches', async () => {
    expect(await actions()).toEqual(['item.view', 'item.confirm', 'item.dismiss', 'incident.unlink']);
    expect(await actions({ entity: 'review_item', entityId: '1' })).toEqual(['item.view', 'item.confirm']);
    // An entity id alone matches it under every entity.
    expect(await actions({ entityId: '1' })).toEqual(['item.view', 'item.confirm', 'incident.unlink']);
    expect(await actions({ actor: 'user:ben@example.org' })).toEqual(['item.dismiss', 'incident.unlink']);
    expect(await actions({ actions: ['item.confirm', 'item.dismiss'], actor: 'user:ana@example.org' })).toEqual([
      'item.confirm',
    ]);
    expect(await actions({ actions: [] })).toEqual([]);
  });
});
