import type { Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // The posts just before and after a flagged one in its channel, as the source showed them.
  await db.schema.alterTable('post').addColumn('context', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('post').dropColumn('context').execute();
}
