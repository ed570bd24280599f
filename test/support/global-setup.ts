import pg from 'pg';
import { createDb } from '../../shared/db/client.js';
import { migrateToLatest } from '../../shared/db/migrate.js';
import { databaseName, TEST_DATABASE_URL, withDatabase } from './env.js';

/** Migrates the template database once; every test file then copies it (see db.ts). */
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  const name = databaseName(TEST_DATABASE_URL);
  try {
    // Copies left by an interrupted run.
    const stale = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${name}\\_%`,
    ]);
    for (const row of stale.rows)
      await admin.query(`drop database if exists ${pg.escapeIdentifier(row.datname)} with (force)`);
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const db = createDb(TEST_DATABASE_URL, 1);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
