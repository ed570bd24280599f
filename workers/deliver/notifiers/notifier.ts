import type { AlertMessage } from '../../../shared/alert-message.js';

export interface Delivery {
  alertId: number;
  idempotencyKey: string;
  message: AlertMessage;
}

/** Sends one alert on one channel; throws when the receiver did not take it. Returns a receipt for the record. */
export type Notifier = (d: Delivery) => Promise<Record<string, unknown>>;

/**
 * The receiver answered that it did not take the alert (an HTTP error status, an SMTP rejection, a Bot API
 * error): the attempt's outcome is known. Any other error (a timeout, a dropped connection) leaves open whether
 * the receiver took it, and the next attempt is counted as a possible repeat.
 */
export class DeliveryRefused extends Error {
  override name = 'DeliveryRefused';
}
