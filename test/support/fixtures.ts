import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../shared/paths.js';

/** Payloads written for the project in the shapes the real services serve (test/fixtures/README.md): in every clone. */
export const PROJECT_FIXTURES = join(packageRoot(), 'test', 'fixtures');
export const projectFixture = (path: string): Buffer => readFileSync(join(PROJECT_FIXTURES, path));

/** Real captured payloads beside the checkout (../shared/fixtures); a user's clone will not have them. */
export const FIXTURES = join(packageRoot(), '..', 'shared', 'fixtures');
export const hasFixtures = existsSync(FIXTURES);
export const MISSING_FIXTURES = `the real captures are not at ${FIXTURES}: the captures suite (npm run test:captures) needs ../shared/fixtures beside the checkout`;

/** A real capture; only the captures suite (test/captures) reads these. */
export function fixture(path: string): Buffer {
  if (!hasFixtures) throw new Error(MISSING_FIXTURES);
  return readFileSync(join(FIXTURES, path));
}
