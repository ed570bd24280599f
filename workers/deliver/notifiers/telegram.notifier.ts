import { Telegram, TelegramError } from 'telegraf';
import { DeliveryRefused, type Notifier } from './notifier.js';

export const ACK_PREFIX = 'ack:';

/** Posts to the duty chat as plain text (no parse mode: the post is attacker-controlled), with Acknowledge / Open buttons. */
export function telegramNotifier(config: { botToken: string; chatId: number | string; apiRoot: string }): Notifier {
  const telegram = new Telegram(config.botToken, { apiRoot: config.apiRoot });
  return async ({ alertId, message }) => {
    const sent = await telegram
      .sendMessage(config.chatId, message.text.slice(0, 4000), {
        link_preview_options: { is_disabled: true },
        reply_markup: {
          inline_keyboard: [
            [
              { text: 'Acknowledge', callback_data: `${ACK_PREFIX}${alertId}` },
              { text: 'Open', url: String(message.payload.itemUrl) },
            ],
          ],
        },
      })
      .catch((err: unknown) => {
        // A Bot API error is the server's answer: the message was not posted.
        throw err instanceof TelegramError ? new DeliveryRefused(err.message) : err;
      });
    return { chatId: sent.chat.id, messageId: sent.message_id };
  };
}
