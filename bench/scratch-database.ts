import pg from 'pg';
import type { Redis } from 'ioredis';
import { createDb, type Db } from '../shared/db/client.js';
import { migrateToLatest } from '../shared/db/migrate.js';

export interface ScratchDatabase {
  db: Db;
  url: string;
  /** Closes the pool and drops the database (BENCH_KEEP=1 keeps it, to look at query plans). */
  drop(): Promise<void>;
}

/** A migrated database of a benchmark's own, beside the one `DATABASE_URL` names, so a run never touches real data. */
export async function scratchDatabase(bench: string, poolSize = 5): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `vigil_bench_${bench}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), poolSize);
  const drop = async () => {
    await db.destroy();
    if (process.env.BENCH_KEEP) console.log(`kept ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    await migrateToLatest(db);
  } catch (err) {
    await drop();
    throw err;
  }
  return { db, url: url.toString(), drop };
}

/** Deletes a benchmark's Redis keys (everything under its prefix) from the Redis `redis` is connected to. */
export async function dropRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
