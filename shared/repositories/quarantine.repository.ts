import type { Db } from '../db/client.js';
import { sha256Hex } from '../domain/post.js';
import { jsonb } from '../db/jsonb.js';
import { redactSecrets } from '../redact.js';
import { valueSlices } from './bind-limit.js';
import { countRows } from './count-rows.js';

export interface QuarantineEntry {
  sourceId: number | null;
  stage: string;
  reason: string;
  raw: Uint8Array;
  context: Record<string, unknown>;
}

/** Reasons quote bad input (a parser's message can hold a NUL), and Postgres text refuses NUL. */
const pgText = (s: string): string => s.replace(/\u0000/g, '\ufffd');

/** Records input that could not be processed; the same bytes at the same stage are kept once. */
export async function quarantine(db: Db, entries: QuarantineEntry[]): Promise<number> {
  const values = entries.map((e) => ({
    source_id: e.sourceId,
    stage: e.stage,
    // A fetch error's reason quotes the source URL, credentials and all.
    reason: pgText(redactSecrets(e.reason)),
    raw: Buffer.from(e.raw),
    raw_sha256: sha256Hex(e.raw),
    context: jsonb(e.context),
  }));
  let kept = 0;
  for (const slice of valueSlices(values)) {
    const rows = await db
      .insertInto('quarantine')
      .values(slice)
      .onConflict((oc) => oc.columns(['source_id', 'stage', 'raw_sha256']).doNothing())
      .returning('id')
      .execute();
    kept += rows.length;
  }
  return kept;
}

/** Failed-job payloads are capped: enough to diagnose, not a second copy of the stream. */
const MAX_JOB_BYTES = 1024 * 1024;

export interface FailedJob {
  queue: string;
  jobId: string | undefined;
  jobName: string;
  attempts: number;
  reason: string;
  data: unknown;
}

export async function quarantineFailedJob(db: Db, f: FailedJob): Promise<void> {
  const raw = Buffer.from(JSON.stringify(f.data) ?? 'null');
  await quarantine(db, [
    {
      sourceId: null,
      stage: `job:${f.queue}`,
      reason: f.reason.slice(0, 2000),
      raw: raw.subarray(0, MAX_JOB_BYTES),
      context: {
        queue: f.queue,
        jobId: f.jobId,
        jobName: f.jobName,
        attempts: f.attempts,
        ...(raw.length > MAX_JOB_BYTES ? { truncated: true, size: raw.length } : {}),
      },
    },
  ]);
}

export interface QuarantineFilter {
  sourceId?: number;
  stage?: string;
}

/** Quarantined input, oldest first, with its raw bytes: what an operator reviews before re-driving or discarding it. */
export function listQuarantined(db: Db, f: QuarantineFilter = {}) {
  let query = db.selectFrom('quarantine').selectAll();
  if (f.sourceId !== undefined) query = query.where('source_id', '=', f.sourceId);
  if (f.stage !== undefined) query = query.where('stage', '=', f.stage);
  return query.orderBy('id').execute();
}

/** How many inputs are quarantined, at every stage. */
export const countQuarantined = (db: Db): Promise<number> => countRows(db, 'quarantine');
