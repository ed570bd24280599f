import { z } from 'zod';

/** The `:id` of a row: a positive integer Postgres and JavaScript both hold exactly. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } },
  required: ['id'],
} as const;

/** A JSON schema as `responseSchemaOf` gives it; `properties` is there for an object's. */
export interface ResponseSchema {
  [keyword: string]: unknown;
  properties?: Record<string, unknown>;
}

type JsonSchemaNode = Record<string, unknown>;

/**
 * `anyOf: [X, {type: 'null'}]`, zod's nullable, as X with `type: [X's type, 'null']`. The serializer picks an
 * `anyOf` branch by validating the value against each; a stored value that fails a check (an older row, a label
 * an older classifier gave) would then fail the whole answer, where a type list just writes it.
 */
function collapseNullable(node: JsonSchemaNode): void {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return;
  const isNull = (b: JsonSchemaNode) => b.type === 'null' && Object.keys(b).length === 1;
  const [a, b] = branches as JsonSchemaNode[];
  const other = isNull(a!) ? b! : isNull(b!) ? a! : undefined;
  if (!other || typeof other.type !== 'string') return;
  delete node.anyOf;
  Object.assign(node, other, { type: [other.type, 'null'] });
  if (Array.isArray(other.enum)) node.enum = other.enum.concat(null);
}

/**
 * A response schema (the output filter, and the docs) from the domain's zod schema, so the two cannot drift.
 * Nothing is `required` in it: a row an older version stored still leaves, as it was written.
 */
export function responseSchemaOf(schema: z.ZodType): ResponseSchema {
  const json: ResponseSchema = z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'output',
    override: (ctx) => {
      delete ctx.jsonSchema.required;
      collapseNullable(ctx.jsonSchema);
    },
  });
  delete json.$schema;
  return json;
}
