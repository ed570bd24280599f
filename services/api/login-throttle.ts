import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../shared/config/config.js';
import { sha256Hex } from '../../shared/domain/post.js';

type Limit = Config['login']['perIp'];

/**
 * Login attempts counted three ways by @fastify/rate-limit's Redis store (every API process shares the
 * counts): per address, per account whatever the address, and for all logins together. The per-account
 * count is what stops guesses spread over many addresses; the overall one bounds the scrypt work guesses
 * can cost. Answers the seconds to wait when a limit is used up. Checked in that order, and an attempt
 * refused by one is not counted by the next, so a blocked address cannot run an account's count up.
 */
export function loginThrottle(
  app: FastifyInstance,
  limits: Config['login'],
): (request: FastifyRequest<{ Body: { email: string } }>) => Promise<number | undefined> {
  const limiter = (limit: Limit, key: (request: FastifyRequest) => string) =>
    app.createRateLimit({ max: limit.max, timeWindow: limit.window, keyGenerator: key });
  const checks = [
    limiter(limits.perIp, (r) => `login:ip:${normalizeIP(r.ip)}`),
    // Hashed: the key is the account's name as typed (lower case, as the lookup matches it), not kept in Redis as such.
    limiter(limits.perAccount, (r) => `login:account:${sha256Hex((r.body as { email: string }).email.toLowerCase())}`),
    limiter(limits.global, () => 'login:all'),
  ];
  return async (request) => {
    for (const check of checks) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) return Math.max(1, result.ttlInSeconds);
    }
    return undefined;
  };
}
