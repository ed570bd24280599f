import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // One row: this instance's identity. The database is what an instance is (every process of it, on any
  // host, reads the same row), so per-instance files such as the evidence signing key are named by it.
  await db.schema
    .createTable('instance')
    .addColumn('singleton', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`singleton`),
    )
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('instance').defaultValues().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance').execute();
}
