import { createHmac } from 'node:crypto';
import { DeliveryRefused, type Notifier } from './notifier.js';

const TIMEOUT_MS = 10_000;

/** Hex HMAC-SHA256 over "<timestamp>.<body>", so a receiver can check both origin and freshness. */
export const webhookSignature = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function webhookNotifier(config: { url: string; secret: string }): Notifier {
  return async ({ idempotencyKey, message }) => {
    const body = JSON.stringify(message.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        'x-vigil-timestamp': timestamp,
        'x-vigil-signature': `sha256=${webhookSignature(config.secret, timestamp, body)}`,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The status line is the receiver's acknowledgement: returned at once, so the row is marked sent as soon after it as can be.
    void res.body?.cancel().catch(() => undefined);
    if (!res.ok) throw new DeliveryRefused(`webhook answered ${res.status}`);
    return { status: res.status };
  };
}
