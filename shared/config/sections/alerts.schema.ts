import { z } from 'zod';
import { duration, url } from './primitives.js';

const alertChannel = z.enum(['telegram', 'email', 'webhook']);
const severity = z.enum(['low', 'medium', 'high', 'critical']);

export const alertsSchema = z
  .object({
    telegram: z
      .object({
        botToken: z.string().min(1),
        chatId: z.union([z.number().int(), z.string().min(1)]),
        apiRoot: url(['http:', 'https:']).default('https://api.telegram.org'),
      })
      .strict()
      .optional(),
    email: z
      .object({ smtpUrl: url(['smtp:', 'smtps:']), from: z.string().min(3), to: z.array(z.string().min(3)).min(1) })
      .strict()
      .optional(),
    webhook: z
      .object({ url: url(['http:', 'https:']), secret: z.string().min(16) })
      .strict()
      .optional(),
    rules: z
      .array(
        z
          .object({
            minSeverity: severity,
            channels: z.array(alertChannel).min(1),
            /** Only items naming one of these postcode districts or areas ("E10", "SE"); absent: anywhere. */
            postcodes: z
              .array(
                z
                  .string()
                  .regex(/^[A-Za-z]{1,2}(?:\d{1,2}[A-Za-z]?)?$/, 'a postcode area or district like "E" or "E10"'),
              )
              .optional(),
            /** Only items from these sources (by name); absent: any source. */
            sources: z.array(z.string().min(1)).optional(),
          })
          .strict(),
      )
      .default([]),
    escalation: z
      .object({ after: duration, channels: z.array(alertChannel).min(1) })
      .strict()
      .optional(),
    /** Non-critical alerts wait until quiet hours end; critical ones never wait. */
    quietHours: z
      .object({
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        timeZone: z
          .string()
          .refine((tz) => {
            try {
              new Intl.DateTimeFormat('en-GB', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          }, 'an IANA time zone like "Europe/London"')
          .default('Europe/London'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const check = (channels: string[], path: (string | number)[]) =>
      channels.forEach((channel, i) => {
        if (!alerts[channel as 'telegram' | 'email' | 'webhook'])
          ctx.addIssue({
            code: 'custom',
            path: [...path, i],
            message: `channel "${channel}" is used but alerts.${channel} is not configured`,
          });
      });
    alerts.rules.forEach((rule, i) => check(rule.channels, ['rules', i, 'channels']));
    if (alerts.escalation) check(alerts.escalation.channels, ['escalation', 'channels']);
  });
