import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('near_miss')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_key', 'text', (c) => c.notNull().unique())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('near_miss','uncovered_language')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('published_at', 'timestamptz')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('classifier_version', 'text', (c) => c.notNull())
    .addColumn('labels', sql`text[]`, (c) => c.notNull())
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('incitement','not')`))
    .addColumn('decided_label', 'text', (c) => c.check(sql`decided_label in ('bounty_offer','call_to_action','claim')`))
    .addColumn('decided_by', 'integer', (c) => c.references('app_user.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    // An incitement names its label; a 'not' names none.
    .addCheckConstraint('near_miss_decision_label_check', sql`(decision = 'incitement') = (decided_label is not null)`)
    .execute();
  // Retention deletes by age; the count bound deletes the oldest undecided; the desk lists newest first.
  await db.schema.createIndex('near_miss_created_idx').on('near_miss').column('created_at').execute();
  await db.schema
    .createIndex('near_miss_undecided_idx')
    .on('near_miss')
    .columns(['created_at', 'id'])
    .where(sql.ref('decision'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('near_miss').ifExists().execute();
}
