import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import { hostQueueName } from '../../shared/queues/queue.catalog.js';

export interface HostLimit {
  perSecond: number;
}

/**
 * One request budget per host shared by every ingest process. Each request first takes a permit: a job in the
 * host's own BullMQ queue, whose global rate limit lets one through per 1/perSecond s whichever process' worker
 * takes it. One per slot rather than perSecond per second: BullMQ's window is fixed, and a full window's worth
 * at its end followed by another at the next one's start would be twice the budget in one second.
 */
export interface HostBudget {
  covers(host: string): boolean;
  /** Resolves when the host's next slot is this caller's; priority 1 goes first (hot sources). */
  acquire(host: string, priority: number): Promise<void>;
  /** A 429: no process gets a permit for the host for `ms` (BullMQ's queue rate limit lives in Redis). */
  pause(host: string, ms: number): Promise<void>;
  /** Milliseconds until the host takes requests again, 0 when it does now. */
  pausedFor(host: string): Promise<number>;
  close(): Promise<void>;
}

interface HostGate {
  queue: Queue;
  events: QueueEvents;
  eventsConnection: Redis;
  worker: Worker;
  slotMs: number;
}

export class HostPaused extends Error {
  constructor(
    readonly host: string,
    readonly ms: number,
  ) {
    super(`${host} is paused for ${ms} ms after a 429`);
    this.name = 'HostPaused';
  }
}

const SLOT_MARGIN = 1.05;
/** A permit is granted within this; past it the host is likely paused for long, and the poll gives up rather than hold a worker. */
const MAX_WAIT_MS = 120_000;

async function redisNow(connection: Redis): Promise<number> {
  const [seconds, micros] = await connection.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** One host's permit queue, its events and the worker that grants permits at the host's pace. */
async function openGate(
  connection: Redis,
  prefix: string,
  host: string,
  limit: HostLimit,
  log: Logger,
): Promise<HostGate> {
  const name = hostQueueName(host);
  // 5% under the budget: a permit's request leaves a few ms after its grant, more when the process is busy,
  // and two such delays meeting must not put a second over the budget.
  const slotMs = Math.max(1, Math.ceil((1000 * SLOT_MARGIN) / limit.perSecond));
  const queue = new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 300, count: 1_000 }, removeOnFail: true },
  });
  // Blocking reads need connections of their own.
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(name, { connection: eventsConnection, prefix });
  // A permit carries its grant time on Redis' clock, the one clock every process shares.
  const worker = new Worker(name, async () => redisNow(connection), { connection, prefix, concurrency: 1 });
  // Every waiting request listens for its permit's completion.
  queue.setMaxListeners(1_000);
  events.setMaxListeners(1_000);
  const onError = (err: Error) => log.warn({ err, host }, 'host budget connection error');
  queue.on('error', onError);
  events.on('error', onError);
  worker.on('error', onError);
  await queue.setGlobalRateLimit(1, slotMs);
  await events.waitUntilReady();
  return { queue, events, eventsConnection, worker, slotMs };
}

export async function createHostBudget(
  connection: Redis,
  prefix: string,
  hosts: Record<string, HostLimit>,
  log: Logger,
): Promise<HostBudget> {
  const gates = new Map<string, HostGate>();
  for (const [host, limit] of Object.entries(hosts))
    gates.set(host, await openGate(connection, prefix, host, limit, log));
  const gate = (host: string) => {
    const g = gates.get(host);
    if (!g) throw new Error(`no budget for host ${host}`);
    return g;
  };

  async function pausedFor(host: string): Promise<number> {
    const g = gate(host);
    const ttl = await g.queue.getRateLimitTtl();
    // A ttl within one slot is the ordinary limiter, not a pause.
    return ttl > g.slotMs ? ttl : 0;
  }

  return {
    covers: (host) => gates.has(host),
    pausedFor,
    async acquire(host, priority) {
      const g = gate(host);
      const paused = await pausedFor(host);
      if (paused > MAX_WAIT_MS) throw new HostPaused(host, paused);
      let wanted = Math.max(1, Math.min(priority, 2_097_152));
      for (;;) {
        const job = await g.queue.add('host.permit', {}, { priority: wanted });
        const grantedAt = Number(await job.waitUntilFinished(g.events, MAX_WAIT_MS + paused));
        // A grant heard late (a busy process, events read in a batch) would go out bunched with later ones: it
        // is used only within one slot of being granted, so no second sees more than about budget + 1 requests.
        if ((await redisNow(connection)) - grantedAt <= g.slotMs) return;
        wanted = 1;
      }
    },
    async pause(host, ms) {
      await gate(host).queue.rateLimit(Math.max(ms, gate(host).slotMs));
    },
    async close() {
      await Promise.allSettled([...gates.values()].map((g) => g.worker.close()));
      await Promise.allSettled([...gates.values()].flatMap((g) => [g.events.close(), g.queue.close()]));
      for (const g of gates.values()) g.eventsConnection.disconnect();
    },
  };
}
