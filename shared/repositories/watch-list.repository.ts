import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { valueSlices } from './bind-limit.js';

export interface WatchedSource {
  name: string;
  config: Record<string, unknown>;
}

/**
 * Adds watch-list sources (origin 'api'), or gives those already there the new priority and reason and
 * enables them; a source the config file manages keeps its config. Returns how many were new.
 */
export async function importWatchedSources(
  trx: Transaction<Database>,
  sources: WatchedSource[],
  priority: number,
  reason: string,
): Promise<{ added: number; updated: number }> {
  let added = 0;
  const now = new Date();
  const rows = sources.map((s) => ({
    name: s.name,
    kind: 'telegram-web',
    origin: 'api' as const,
    config: JSON.stringify(s.config),
    enabled: true,
    priority,
    watch_reason: reason,
    updated_at: now,
  }));
  for (const slice of valueSlices(rows)) {
    const result = await trx
      .insertInto('source')
      .values(slice)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ priority, watch_reason: reason, enabled: true, updated_at: now }),
      )
      // xmax is 0 on a row this statement inserted, not on one it updated.
      .returning(sql<boolean>`xmax = 0`.as('inserted'))
      .execute();
    added += result.filter((r) => r.inserted).length;
  }
  return { added, updated: sources.length - added };
}
