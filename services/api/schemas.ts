/** The `:id` of a row: a positive integer Postgres and JavaScript both hold exactly. */
export const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } }, required: ['id'] } as const;
