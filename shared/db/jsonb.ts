/**
 * JSON for a jsonb column. Postgres refuses the NUL character (\u0000) in jsonb and text, and an escaped
 * unpaired surrogate (JSON.stringify writes one as \udxxx); attacker text can carry either, so each
 * becomes U+FFFD here. Raw bytes are kept exactly in bytea columns.
 */
export const jsonb = (value: unknown): string =>
  JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd');
