import nodemailer from 'nodemailer';
import { DeliveryRefused, type Notifier } from './notifier.js';

/** Plain-text mail over SMTP; the Message-ID carries the idempotency key, so mail systems can drop a repeat. */
export function emailNotifier(config: { smtpUrl: string; from: string; to: string[] }): Notifier {
  const transport = nodemailer.createTransport(config.smtpUrl);
  return async ({ idempotencyKey, message }) => {
    const info = await transport
      .sendMail({
        from: config.from,
        to: config.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${idempotencyKey}@vigil>`,
        headers: { 'X-Vigil-Alert': idempotencyKey },
      })
      .catch((err: unknown) => {
        // An SMTP reply code means the server answered, refusing the message.
        throw typeof (err as { responseCode?: unknown }).responseCode === 'number'
          ? new DeliveryRefused((err as Error).message)
          : err;
      });
    return { messageId: info.messageId, accepted: info.accepted.map(String) };
  };
}
