import type { Migration } from 'kysely';
import * as initial from './2026-11-21T00-00_initial.js';

/** Every migration, by ISO-dated name; the Migrator runs them in name order. */
export const migrations: Record<string, Migration> = {
  '2026-11-21T00-00_initial': initial,
};
