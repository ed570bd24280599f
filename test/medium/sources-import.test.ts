import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSources } from '../../cli/sources.command.js';
import { UsageError } from '../../cli/admin.command.js';
import { loadConfig } from '../../shared/config/config.js';
import { createQueues, type Queues } from '../../shared/queues/queues.js';
import { createRedis } from '../../shared/queues/redis.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { testLog } from '../support/log.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { tempDir } from '../support/tmp.js';
import { listAuditAfter } from '../../shared/repositories/audit.repository.js';
import { findSourceByName, listSources } from '../../shared/repositories/source.repository.js';

describe('vigil sources import', () => {
  let testDb: TestDb;
  let queues: Queues;
  let connection: ReturnType<typeof createRedis>;
  const prefix = testPrefix();
  const dir = tempDir();
  const config = () =>
    loadConfig({ DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix }, dir);
  const out = () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    return lines;
  };

  beforeAll(async () => {
    testDb = await createTestDb();
    connection = createRedis(TEST_REDIS_URL, 'worker');
    queues = createQueues(connection, prefix, testLog);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await queues.close();
    connection.disconnect();
    await dropPrefix(prefix);
    await testDb?.drop();
  });

  it('adds every channel of a list, however written, skips what is not one, audits it and schedules them all', async () => {
    const file = join(dir, 'watch.txt');
    writeFileSync(
      file,
      [
        '# from the partner organisation',
        'https://t.me/east_watch',
        't.me/s/Payday_Bounties',
        '@grove_lane_news',
        'plainname',
        'https://t.me/east_watch/123',
        '',
        'not a channel!',
        'https://t.me/ab',
      ].join('\n'),
    );
    const lines = out();
    expect(await runSources(['import', file, '--reason', 'partner list, Nov 2026', '--priority', '3'], config())).toBe(
      0,
    );
    vi.restoreAllMocks();
    expect(lines.join('')).toMatch(
      /imported 4 channels from watch.txt \(4 new, 0 updated, 2 lines skipped\); 4 sources scheduled/,
    );
    expect(lines.join('')).toMatch(/watch.txt:8: skipped "not a channel!"/);
    const rows = (await listSources(testDb.db)).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(rows.map((r) => r.name)).toEqual([
      'telegram-web-Payday_Bounties',
      'telegram-web-east_watch',
      'telegram-web-grove_lane_news',
      'telegram-web-plainname',
    ]);
    expect(
      rows.every(
        (r) => r.origin === 'api' && r.priority === 3 && r.watch_reason === 'partner list, Nov 2026' && r.enabled,
      ),
    ).toBe(true);
    expect(await queues.byName.ingest.getJobSchedulersCount()).toBe(4);
    const audit = (await listAuditAfter(testDb.db, 0, 1_000)).filter((a) => a.action === 'sources.import');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toMatch(/^cli:/);
    expect(audit[0]!.details).toMatchObject({ added: 4, updated: 0, skipped: 2, priority: 3 });
  });

  it('re-importing gives existing channels the new priority and reason without adding them twice', async () => {
    const file = join(dir, 'urgent.txt');
    writeFileSync(file, 'east_watch\nnew_channel_x\n');
    const lines = out();
    expect(await runSources(['import', file, '--reason', 'offers seen this week', '--priority', '5'], config())).toBe(
      0,
    );
    vi.restoreAllMocks();
    expect(lines.join('')).toMatch(/2 channels .* \(1 new, 1 updated, 0 lines skipped\); 5 sources scheduled/);
    const east = await findSourceByName(testDb.db, 'telegram-web-east_watch');
    expect(east).toMatchObject({ priority: 5, watch_reason: 'offers seen this week' });
  });

  it('refuses a missing reason, a bad priority and an unreadable file', async () => {
    await expect(runSources(['import', join(dir, 'watch.txt'), '--priority', '2'], config())).rejects.toThrow(
      UsageError,
    );
    await expect(
      runSources(['import', join(dir, 'watch.txt'), '--reason', 'why not', '--priority', '9'], config()),
    ).rejects.toThrow(/priority/);
    await expect(runSources(['import', join(dir, 'nope.txt'), '--reason', 'why not'], config())).rejects.toThrow(
      /cannot read/,
    );
  });
});
