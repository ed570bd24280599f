import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): each file starts a PostgreSQL cluster and a Redis of its own on
 * other ports, runs Vigil's workers as separate processes (from dist/, so build first) and removes it all.
 * Files run one at a time: each loads both cores, and their timings are figures.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'silent', HOME: join(tmpdir(), 'vigil-faults-home') },
  },
});
