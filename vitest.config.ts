import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite runs on its own (vitest.faults.config.ts, `npm run test:faults`): minutes, and whole machines' worth of processes.
    // The captures and data suites (vitest.captures.config.ts, vitest.data.config.ts) need files beside the checkout that a clone lacks.
    exclude: [...configDefaults.exclude, 'test/faults/**', 'test/captures/**', 'test/data/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files than this only makes Redis and Postgres contend.
    maxWorkers: 2,
    // Signing keys and audit checkpoints that tests make (default folder under HOME) go to a temporary home, never the user's.
    env: { LOG_LEVEL: 'silent', HOME: join(tmpdir(), 'vigil-test-home') },
  },
});
