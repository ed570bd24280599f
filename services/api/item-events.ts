import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../shared/db/client.js';
import { queueHead } from '../../shared/repositories/review-queue.repository.js';

export type QueueHead = Awaited<ReturnType<typeof queueHead>>;

/**
 * One watcher of the queue per API process, however many desks listen: items are written by the alert
 * workers in other processes, so the head is read from Postgres every `everyMs` while anyone listens, and
 * each change is passed to every listener.
 */
export function queueWatcher(db: Db, log: FastifyBaseLogger, everyMs = 2_000) {
  const listeners = new Set<(head: QueueHead) => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: QueueHead | undefined;

  const tick = async () => {
    try {
      const head = await queueHead(db);
      if (last && head.newest === last.newest && head.new === last.new) return;
      last = head;
      for (const listener of listeners) listener(head);
    } catch (err) {
      log.warn({ err }, 'queue head unavailable');
    }
  };

  return {
    subscribe(listener: (head: QueueHead) => void): () => void {
      listeners.add(listener);
      if (last) listener(last);
      if (!timer) {
        timer = setInterval(() => void tick(), everyMs);
        void tick();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearInterval(timer);
          timer = undefined;
          last = undefined;
        }
      };
    },
    close(): void {
      clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
