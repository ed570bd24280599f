import { sql, type RawBuilder } from 'kysely';

/**
 * Postgres binds at most 65,535 parameters to one statement (the count is a 16-bit field of its wire
 * protocol; past it pg sends a count that wraps and the statement fails on every retry). Reads are
 * unbounded in size, so multi-row writes go in slices under the limit and lists go as one array.
 */
const MAX_PARAMETERS = 65_535;
/** Left for the parameters a statement binds besides its rows (a source id, a conflict clause). */
const HEADROOM = 535;

/** Rows in slices that each bind at most the limit when every row binds `perRow` parameters. */
export function bindSlices<T>(rows: T[], perRow: number): T[][] {
  const size = Math.max(1, Math.floor((MAX_PARAMETERS - HEADROOM) / perRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Row objects for `.values()` in slices, each row binding one parameter per column it sets. */
export const valueSlices = <T extends object>(rows: T[]): T[][] =>
  bindSlices(
    rows,
    rows.reduce((most, r) => Math.max(most, Object.keys(r).length), 1),
  );

/** `= any($1::text[])`: a list of any length bound as a single parameter, where `in (…)` binds one each. */
export const anyText = (values: readonly string[]): RawBuilder<string> => sql<string>`any(${values}::text[])`;

/** `= any($1::bigint[])`, for ids. */
export const anyId = (values: readonly number[]): RawBuilder<number> => sql<number>`any(${values}::bigint[])`;
