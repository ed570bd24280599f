import { z } from 'zod';

/** The `:id` of a row: a positive integer Postgres and JavaScript both hold exactly. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } },
  required: ['id'],
} as const;

/**
 * A response schema (the output filter, and the docs) from the domain's zod schema, so the two cannot drift.
 * Nothing is `required` in it: a row an older version stored still leaves, as it was written.
 */
export function responseSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'output',
    override: (ctx) => {
      delete ctx.jsonSchema.required;
    },
  });
  delete json.$schema;
  return json;
}
