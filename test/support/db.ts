import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../../shared/db/client.js';
import { databaseName, TEST_DATABASE_URL, withDatabase } from './env.js';

export interface TestDb {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh copy of the migrated template database, for one test file. */
export async function createTestDb(): Promise<TestDb> {
  const name = `${databaseName(TEST_DATABASE_URL)}_${randomBytes(4).toString('hex')}`;
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(
          `create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(databaseName(TEST_DATABASE_URL))}`,
        );
        return;
      } catch (err) {
        // Another file copying the template at the same moment holds it briefly.
        if (attempt > 20 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = withDatabase(TEST_DATABASE_URL, name);
  const db = createDb(url, 5);
  // Each copy is an install of its own: a copied instance id would share one signing key and one audit
  // checkpoint file among test files running side by side, and one file's checkpoint would read as another's tampering.
  await sql`update instance set id = gen_random_uuid()`.execute(db);
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
    },
  };
}
