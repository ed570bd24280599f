import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

/** How many rows a whole table holds. Postgres answers count(*) as bigint, which pg gives as a string. */
export async function countRows(db: Kysely<Database> | Transaction<Database>, table: keyof Database): Promise<number> {
  const { n } = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}
