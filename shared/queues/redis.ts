import { Redis } from 'ioredis';

/**
 * Workers wait out a Redis outage (`maxRetriesPerRequest: null`); connections used on HTTP request
 * paths fail fast instead, so the API can answer 503 rather than hang.
 */
export function createRedis(url: string, use: 'worker' | 'request'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: use === 'worker' ? null : 1,
    enableOfflineQueue: use === 'worker',
    connectTimeout: 5_000,
  });
}
