import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files than this only makes Redis and Postgres contend.
    maxWorkers: 2,
    // Signing keys and audit checkpoints that tests make (default folder under HOME) go to a temporary home, never the user's.
    env: { LOG_LEVEL: 'silent', HOME: join(tmpdir(), 'vigil-test-home') },
  },
});
