import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The captures suite (`npm run test:captures`): the parsers and sources on real payloads captured from
 * t.me, the Bot API, Mastodon and news feeds, kept beside the checkout in ../shared/fixtures (not in the
 * repository). It fails at start when they are missing. `npm test` covers the same code on test/fixtures.
 */
export default defineConfig({
  test: {
    include: ['test/captures/**/*.test.ts'],
    globalSetup: ['test/captures/global-setup.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent', HOME: join(tmpdir(), 'vigil-test-home') },
  },
});
