import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The data suite (`npm run test:data`): the classifier on data written by others (HateCheck, Hatemoji,
 * Davidson) and the shipped model retrained with the voices data, all in ../shared/data beside the checkout,
 * never copied into the repository. It fails at start when the data are missing. Pure: no database.
 */
export default defineConfig({
  test: {
    include: ['test/data/**/*.test.ts'],
    globalSetup: ['test/data/global-setup.ts'],
    testTimeout: 180_000,
    env: { LOG_LEVEL: 'silent', HOME: join(tmpdir(), 'vigil-test-home') },
  },
});
