import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Executor = Kysely<Database> | Transaction<Database>;

export const listSavedViews = (db: Executor, userId: number) =>
  db
    .selectFrom('saved_view')
    .select(['id', 'name', 'query', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('name')
    .execute();

/** Saves a view under its name, replacing the user's view of that name. */
export const saveView = (db: Executor, userId: number, name: string, query: string) =>
  db
    .insertInto('saved_view')
    .values({ user_id: userId, name, query })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ query }))
    .returning(['id', 'name', 'query', 'created_at'])
    .executeTakeFirstOrThrow();

/** Deletes one of the user's own views; false when the user has no view with that id. */
export async function deleteSavedView(db: Executor, userId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('saved_view').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
