import type { Db } from '../db/client.js';

/** This instance's id, written once by its migration. */
export const instanceId = async (db: Db): Promise<string> => (await db.selectFrom('instance').select('id').executeTakeFirstOrThrow()).id;
