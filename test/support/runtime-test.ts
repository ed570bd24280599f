import type { Runtime } from '../../cli/runtime.js';
import { loadConfig, type Config } from '../../shared/config/config.js';
import type { TestDb } from './db.js';
import { TEST_REDIS_URL } from './env.js';
import { dropPrefix } from './redis.js';

/**
 * Closes what a test of a whole runtime started, in order: the runtime (its workers use the rest), the fake
 * servers, the database copy, the Redis prefix. Any of them may be missing when the setup failed part way.
 */
export async function closeRuntimeTest(
  runtime: Runtime | undefined,
  servers: ({ close(): Promise<unknown> } | undefined)[],
  testDb: TestDb | undefined,
  prefix: string,
): Promise<void> {
  await runtime?.close();
  for (const server of servers) await server?.close();
  await testDb?.drop();
  await dropPrefix(prefix);
}

/** A runtime's config for a test: its database copy and Redis prefix, quiet logs, and the config file in `dir`. */
export const testConfig = (databaseUrl: string, prefix: string, dir: string): Config =>
  loadConfig(
    { DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
    dir,
  );
