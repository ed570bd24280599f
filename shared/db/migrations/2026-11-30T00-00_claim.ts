import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations use Kysely<any> and never import application types.
export async function up(db: Kysely<any>): Promise<void> {
  // Labels stay free text[] on classification (no check constraint: a new label needs no migration). The
  // campaign keeps the union of its items' labels, so matching can see at once whether it holds an offer
  // or a claim without reading its items.
  await db.schema
    .alterTable('campaign')
    .addColumn('labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await sql`
    update campaign set labels = coalesce((
      select array_agg(distinct l.label order by l.label)
      from review_item ri
      join classification c on c.id = ri.classification_id
      cross join lateral unnest(c.labels) as l(label)
      where ri.campaign_id = campaign.id
    ), '{}')
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('labels').execute();
}
