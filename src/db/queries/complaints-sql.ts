/**
 * Raw D1 statement builders for the complaint batches. Drizzle's batch cannot express "insert only
 * if an earlier statement of this batch wrote nonce N", so these write plain SQL with bound
 * parameters (never interpolated values; table and column names come from this code only).
 */
import { REFERENCE_PLACEHOLDER } from "../../domain/complaints/emails";

/** Value as D1 stores it: Date → epoch ms, boolean → 0/1, objects → JSON text. */
export function driverValue(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" || typeof value === "string") return value;
  return JSON.stringify(value);
}

export type Gate = { sql: string; params: unknown[] };

/** SQL: the complaint (id, nonce: SQL expressions) was written by this request (its nonce is on it). */
const complaintWrittenSql = (id: string, nonce: string) => `EXISTS (SELECT 1 FROM complaints WHERE id = ${id} AND write_nonce = ${nonce})`;

/** True when the complaint row was written by this request (its nonce is on it). */
export function complaintNonceGate(complaintId: string, nonce: string): Gate {
  return { sql: complaintWrittenSql("?", "?"), params: [complaintId, nonce] };
}

/** SQL: the response (id: an SQL expression) is neither deleted nor anonymised. */
const liveResponseSql = (id: string) => `EXISTS (SELECT 1 FROM responses WHERE id = ${id} AND anonymised = 0)`;

/**
 * True while the response is neither deleted nor anonymised: what the follow-up consumer derives from a
 * response it read (its complaint, text scores, webhook message) must not land after the respondent's erasure.
 */
export function liveResponseGate(responseId: string): Gate {
  return { sql: liveResponseSql("?"), params: [responseId] };
}

/** SQL: `value` with `@@REFERENCE@@` replaced by the reference of the complaint `complaintId` (both SQL expressions). */
const withComplaintReference = (value: string, complaintId: string) =>
  `replace(${value}, '${REFERENCE_PLACEHOLDER}', coalesce((SELECT reference FROM complaints WHERE id = ${complaintId}), ''))`;

export const ALWAYS: Gate = { sql: "1 = 1", params: [] };

/**
 * `INSERT INTO table (cols) SELECT ?… WHERE <gate> [ON CONFLICT …]`. Keys of `row` are column names.
 * `upsert`: `ON CONFLICT <upsert>` (a conflict target and DO UPDATE) instead of DO NOTHING.
 */
export function gatedInsert(
  d1: D1Database,
  table: string,
  row: Record<string, unknown>,
  gate: Gate = ALWAYS,
  options: { onConflictDoNothing?: boolean; upsert?: string; returning?: string } = {},
): D1PreparedStatement {
  const columns = Object.keys(row);
  const sqlText =
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.map(() => "?").join(", ")} WHERE ${gate.sql}` +
    (options.upsert ? ` ON CONFLICT ${options.upsert}` : options.onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "") +
    (options.returning ? ` RETURNING ${options.returning}` : "");
  return d1.prepare(sqlText).bind(...columns.map((column) => driverValue(row[column])), ...gate.params.map(driverValue));
}

/** Rows per statement of `rowsInsert` (a follow-up set is 50): one bound JSON value stays far below D1's 2 MB per value. */
const ROWS_PER_STATEMENT = 50;

/**
 * Many rows of one table as few statements — `INSERT INTO table (cols) SELECT … FROM json_each(?) AS j
 * WHERE <gate>`, one bound JSON value per ROWS_PER_STATEMENT rows — since every statement of a D1
 * batch has a fixed cost (docs/scaling.md, seventh pass) and D1 binds at most 100 values per statement.
 * Each row carries `keys` that its gate and its reference substitution read (`key(i)` is the SQL of
 * its i-th key), so every row can be gated on its own response or complaint. All rows have the same
 * columns; no rows, no statements.
 */
function rowsInsert(
  d1: D1Database,
  table: string,
  rows: { row: Record<string, unknown>; keys: unknown[] }[],
  options: {
    gate: (key: (i: number) => string) => string;
    gateParams?: unknown[];
    /** Text columns in which `@@REFERENCE@@` becomes the reference of the complaint whose id is the row's key 0 (`ComplaintRows`). */
    referenceColumns?: string[];
    onConflictDoNothing?: boolean;
    /**
     * `ON CONFLICT <upsert>` (a conflict target and DO UPDATE): rows are inserted in their order, so of
     * several rows for one key the last one written stands, as with one statement per row.
     */
    upsert?: string;
  },
): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!.row);
  const key = (i: number) => `json_extract(j.value, '$[${columns.length + i}]')`;
  const expressions = columns.map((column, i) => {
    const value = `json_extract(j.value, '$[${i}]')`;
    return options.referenceColumns?.includes(column) ? withComplaintReference(value, key(0)) : value;
  });
  const sqlText =
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${expressions.join(", ")} FROM json_each(?) AS j WHERE ${options.gate(key)}` +
    (options.upsert ? ` ORDER BY j.key ON CONFLICT ${options.upsert}` : options.onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "");
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map(({ row, keys }) => [...columns.map((column) => driverValue(row[column])), ...keys]);
    statements.push(d1.prepare(sqlText).bind(JSON.stringify(values), ...(options.gateParams ?? []).map(driverValue)));
  }
  return statements;
}

/** Rows derived from responses, each kept only while its own response is unerased (`liveResponseGate` per row). */
export function liveResponseRowsInsert(
  d1: D1Database,
  table: string,
  rows: { responseId: string; row: Record<string, unknown> }[],
  options: { onConflictDoNothing?: boolean } = {},
): D1PreparedStatement[] {
  return rowsInsert(d1, table, rows.map(({ responseId, row }) => ({ row, keys: [responseId] })), { ...options, gate: (key) => liveResponseSql(key(0)) });
}

/** A row that a new complaint's intake writes gated on that complaint's own write (its nonce). */
export type ComplaintGatedRow = { complaintId: string; nonce: string; row: Record<string, unknown> };

/**
 * The rows that complaints' intakes write after their complaint INSERTs — timeline events, audit rows, notifications,
 * pending text scores — collected per table and written by `rowsInsert`: each row kept only if its
 * complaint was written by that intake (`complaintNonceGate` per row), `referenceColumns` given the
 * complaint's reference as `gatedInsert` does. One intake's rows cost one statement per table, a
 * follow-up set's rows too.
 */
export class ComplaintRows {
  private readonly tables = new Map<string, { table: string; referenceColumns: string[]; onConflictDoNothing: boolean; upsert?: string; rows: ComplaintGatedRow[] }>();

  add(table: string, row: ComplaintGatedRow, options: { referenceColumns?: string[]; onConflictDoNothing?: boolean; upsert?: string } = {}): void {
    const referenceColumns = options.referenceColumns ?? [];
    const onConflictDoNothing = options.onConflictDoNothing ?? false;
    const key = JSON.stringify([table, Object.keys(row.row), referenceColumns, onConflictDoNothing, options.upsert ?? null]);
    let entry = this.tables.get(key);
    if (!entry) this.tables.set(key, (entry = { table, referenceColumns, onConflictDoNothing, upsert: options.upsert, rows: [] }));
    entry.rows.push(row);
  }

  statements(d1: D1Database): D1PreparedStatement[] {
    return [...this.tables.values()].flatMap(({ table, referenceColumns, onConflictDoNothing, upsert, rows }) =>
      rowsInsert(d1, table, rows.map(({ complaintId, nonce, row }) => ({ row, keys: [complaintId, nonce] })), {
        gate: (key) => complaintWrittenSql(key(0), key(1)),
        referenceColumns,
        onConflictDoNothing,
        upsert,
      }),
    );
  }
}

/** `UPDATE table SET col = ?, … [, extra] WHERE <where>`. */
export function updateStatement(
  d1: D1Database,
  table: string,
  set: Record<string, unknown>,
  where: Gate,
  extraSet: string[] = [],
): D1PreparedStatement {
  const columns = Object.keys(set);
  const assignments = [...columns.map((column) => `${column} = ?`), ...extraSet];
  return d1
    .prepare(`UPDATE ${table} SET ${assignments.join(", ")} WHERE ${where.sql}`)
    .bind(...columns.map((column) => driverValue(set[column])), ...where.params.map(driverValue));
}
