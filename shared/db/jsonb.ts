/**
 * JSON for a jsonb column. Postgres refuses the NUL character (\u0000) in jsonb and text; attacker
 * text can carry it, so it becomes U+FFFD here. Raw bytes are kept exactly in bytea columns.
 */
export const jsonb = (value: unknown): string => JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
