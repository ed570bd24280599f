import type { FastifyRequest } from 'fastify';
import type { Queues } from '../../shared/queues/queues.js';

/**
 * After an audit write that matters (a decision), asks the alert worker, which owns checkpoints, for one now
 * rather than at its next period. A burst of decisions collapses into one job while it waits.
 */
export async function requestAuditCheckpoint(queues: Queues | undefined, request: FastifyRequest): Promise<void> {
  if (!queues) return;
  try {
    await queues.enqueue('audit.checkpoint', {}, { deduplication: { id: 'audit-checkpoint' } });
  } catch (err) {
    // The decision is committed and answered either way; the scheduled checkpoint takes it within `audit.checkpointEvery`.
    request.log.warn({ err }, 'audit checkpoint not queued');
  }
}
