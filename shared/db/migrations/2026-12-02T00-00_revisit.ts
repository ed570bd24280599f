import type { Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // What the revisit planner reads (priority, posting rate) and what it decided (interval, tier), per source.
  await db.schema
    .alterTable('source')
    .addColumn('priority', 'smallint', (c) => c.notNull().defaultTo(1))
    .addColumn('watch_reason', 'text')
    .addColumn('posts_per_hour', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('revisit_ms', 'integer')
    .addColumn('tier', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('source')
    .dropColumn('priority')
    .dropColumn('watch_reason')
    .dropColumn('posts_per_hour')
    .dropColumn('revisit_ms')
    .dropColumn('tier')
    .execute();
}
