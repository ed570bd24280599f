import { hasFixtures, MISSING_FIXTURES } from '../support/fixtures.js';

/** The captures suite is about the real payloads: without them it fails, never passes by skipping. */
export default function setup(): void {
  if (!hasFixtures) throw new Error(MISSING_FIXTURES);
}
