import { z } from 'zod';
import { parseDuration } from '../duration.js';

export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like "500ms", "30s", "10m", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

export const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`,
  );

/** A yes/no that may come from an environment variable, where it is a string. */
export const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

/** At most `max` attempts in each `window`. */
export const rateWindow = (max: number, window: number) =>
  z
    .object({
      max: z.coerce.number().int().min(1).max(1_000_000).default(max),
      window: duration.pipe(z.number().min(1_000)).default(window),
    })
    .strict()
    .prefault({});
