import type { AlertMessage } from '../../../shared/alert-message.js';

export interface Delivery {
  alertId: number;
  idempotencyKey: string;
  message: AlertMessage;
}

/** Sends one alert on one channel; throws when the receiver did not take it. Returns a receipt for the record. */
export type Notifier = (d: Delivery) => Promise<Record<string, unknown>>;
