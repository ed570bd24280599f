import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../shared/paths.js';

/** Real captured payloads beside the checkout (../shared/fixtures); a user's clone will not have them. */
export const FIXTURES = join(packageRoot(), '..', 'shared', 'fixtures');
export const hasFixtures = existsSync(FIXTURES);
export const fixture = (path: string): Buffer => readFileSync(join(FIXTURES, path));
