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

/** True when the complaint row was written by this request (its nonce is on it). */
export function complaintNonceGate(complaintId: string, nonce: string): Gate {
  return { sql: "EXISTS (SELECT 1 FROM complaints WHERE id = ? AND write_nonce = ?)", params: [complaintId, nonce] };
}

/**
 * True while the response is neither deleted nor anonymised: what the follow-up consumer derives from a
 * response it read (its complaint, text scores, webhook message) must not land after the respondent's erasure.
 */
export function liveResponseGate(responseId: string): Gate {
  return { sql: "EXISTS (SELECT 1 FROM responses WHERE id = ? AND anonymised = 0)", params: [responseId] };
}

export const ALWAYS: Gate = { sql: "1 = 1", params: [] };

/**
 * `INSERT INTO table (cols) SELECT ?… WHERE <gate> [ON CONFLICT DO NOTHING]`. Keys of `row` are
 * column names.
 */
export function gatedInsert(
  d1: D1Database,
  table: string,
  row: Record<string, unknown>,
  gate: Gate = ALWAYS,
  options: {
    onConflictDoNothing?: boolean;
    returning?: string;
    /** Text columns in which `@@REFERENCE@@` is replaced by the complaint's reference (assigned earlier in the batch). */
    templateReference?: { complaintId: string; columns: string[] };
  } = {},
): D1PreparedStatement {
  const columns = Object.keys(row);
  const templated = new Set(options.templateReference?.columns ?? []);
  const expressions: string[] = [];
  const params: (string | number | null)[] = [];
  for (const column of columns) {
    if (templated.has(column)) {
      expressions.push(`replace(?, '${REFERENCE_PLACEHOLDER}', coalesce((SELECT reference FROM complaints WHERE id = ?), ''))`);
      params.push(driverValue(row[column]), options.templateReference!.complaintId);
    } else {
      expressions.push("?");
      params.push(driverValue(row[column]));
    }
  }
  const sqlText =
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${expressions.join(", ")} WHERE ${gate.sql}` +
    (options.onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "") +
    (options.returning ? ` RETURNING ${options.returning}` : "");
  return d1.prepare(sqlText).bind(...params, ...gate.params.map(driverValue));
}

/** The SELECT list reading `columns` from each element (a JSON array) of `json_each(?) AS j`. */
const jsonRowColumns = (columns: string[]) => columns.map((_, i) => `json_extract(j.value, '$[${i}]')`).join(", ");

/**
 * `INSERT INTO table (cols) SELECT … FROM json_each(?) WHERE <gate>`: several rows of one table under
 * one gate as a single statement (a statement of a batch has a fixed cost in D1). Every row must have
 * the same columns. Null when there are none.
 */
export function gatedInsertRows(d1: D1Database, table: string, rows: Record<string, unknown>[], gate: Gate = ALWAYS): D1PreparedStatement | null {
  if (rows.length === 0) return null;
  const columns = Object.keys(rows[0]!);
  const values = rows.map((row) => columns.map((column) => driverValue(row[column])));
  return d1
    .prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${jsonRowColumns(columns)} FROM json_each(?) AS j WHERE ${gate.sql}`)
    .bind(JSON.stringify(values), ...gate.params.map(driverValue));
}

/**
 * Many rows derived from responses as ONE statement (`INSERT … SELECT … FROM json_each(?)`), each row
 * gated like `liveResponseGate` on its own response: a set's rows cost one statement instead of one
 * each (every statement of a batch has a fixed cost in D1, docs/scaling.md), in a single bound value
 * (D1 allows 100 per statement). Every row must have the same columns. Null when there are none.
 */
export function liveResponseRowsInsert(
  d1: D1Database,
  table: string,
  rows: { responseId: string; row: Record<string, unknown> }[],
  options: { onConflictDoNothing?: boolean } = {},
): D1PreparedStatement | null {
  if (rows.length === 0) return null;
  const columns = Object.keys(rows[0]!.row);
  const values = rows.map(({ responseId, row }) => [...columns.map((column) => driverValue(row[column])), responseId]);
  const sqlText =
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${jsonRowColumns(columns)}
     FROM json_each(?1) AS j
     WHERE EXISTS (SELECT 1 FROM responses WHERE id = json_extract(j.value, '$[${columns.length}]') AND anonymised = 0)` +
    (options.onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "");
  return d1.prepare(sqlText).bind(JSON.stringify(values));
}

/** A row that a new complaint's intake writes gated on that complaint's own write (its nonce). */
export type ComplaintGatedRow = { complaintId: string; nonce: string; row: Record<string, unknown> };

/**
 * The rows of several complaints' intakes for one table — written by their batch after every
 * complaint INSERT — as one statement instead of one each: each row is kept only if its complaint
 * was written by that intake (`complaintNonceGate`), and `templated` columns get the complaint's
 * reference for `@@REFERENCE@@`, as `gatedInsert` does for one row.
 */
export class ComplaintRowsOfSet {
  private readonly tables = new Map<string, { table: string; templated: string[]; onConflictDoNothing: boolean; rows: ComplaintGatedRow[] }>();

  add(table: string, row: ComplaintGatedRow, options: { templated?: string[]; onConflictDoNothing?: boolean } = {}): void {
    const templated = options.templated ?? [];
    const onConflictDoNothing = options.onConflictDoNothing ?? false;
    const key = JSON.stringify([table, Object.keys(row.row), templated, onConflictDoNothing]);
    let entry = this.tables.get(key);
    if (!entry) this.tables.set(key, (entry = { table, templated, onConflictDoNothing, rows: [] }));
    entry.rows.push(row);
  }

  /** The statements, ≤ ROWS_PER_STATEMENT rows each (one bound JSON value stays far below D1's 2 MB). */
  statements(d1: D1Database): D1PreparedStatement[] {
    const out: D1PreparedStatement[] = [];
    for (const { table, templated, onConflictDoNothing, rows } of this.tables.values()) {
      const columns = Object.keys(rows[0]!.row);
      const idAt = columns.length;
      const expressions = columns.map((column, i) =>
        templated.includes(column)
          ? `replace(json_extract(j.value, '$[${i}]'), '${REFERENCE_PLACEHOLDER}', coalesce((SELECT reference FROM complaints WHERE id = json_extract(j.value, '$[${idAt}]')), ''))`
          : `json_extract(j.value, '$[${i}]')`,
      );
      const sqlText =
        `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${expressions.join(", ")} FROM json_each(?) AS j
         WHERE EXISTS (SELECT 1 FROM complaints WHERE id = json_extract(j.value, '$[${idAt}]') AND write_nonce = json_extract(j.value, '$[${idAt + 1}]'))` +
        (onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "");
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const values = rows.slice(i, i + ROWS_PER_STATEMENT).map(({ complaintId, nonce, row }) => [...columns.map((column) => driverValue(row[column])), complaintId, nonce]);
        out.push(d1.prepare(sqlText).bind(JSON.stringify(values)));
      }
    }
    return out;
  }
}

const ROWS_PER_STATEMENT = 25;

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
