import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { send, startFakeServer } from '../support/fake-server.js';
import { offerNumber } from './live-input.js';

export interface Receipt {
  key: string;
  /** The offer's number ("#n" at the end of its text), undefined for anything else. */
  post: number | undefined;
  at: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The alert webhook: records every delivery with its idempotency key and the offer it announces, and
 * answers after `delayMs`, so deliveries are in flight when a deliverer dies.
 */
export async function startWebhookReceiver(delayMs: number) {
  const receipts: Receipt[] = [];
  let open = 0;
  const server = await startFakeServer(async (req, res) => {
    open += 1;
    try {
      const payload = JSON.parse(await readBody(req)) as { post?: { text?: string } };
      receipts.push({
        key: String(req.headers['idempotency-key']),
        post: offerNumber(payload.post?.text ?? ''),
        at: Date.now(),
      });
      await sleep(delayMs);
      send(res, 200, '');
    } finally {
      open -= 1;
    }
  });
  return {
    url: `${server.url}/hook`,
    receipts,
    /** Deliveries received and not yet answered. */
    open: () => open,
    close: server.close,
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
