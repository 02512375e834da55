/**
 * CSV as a table for the statistics (survey exports, the reference data sets): the project's one
 * CSV reader (../csv.ts) with the header's names trimmed and every row as wide as the header. Text
 * cells out: numeric conversion and the missing-value policy are separate (`csvToResponseMatrix`).
 */
import { CsvSyntaxError, readCsvRecords } from "../csv";
import { StatsInputError } from "./errors";
import type { ResponseMatrix } from "./response-matrix";

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string, delimiter: "," | ";" | "\t" = ","): CsvTable {
  let records;
  try {
    records = readCsvRecords(text, { delimiter });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new StatsInputError("INVALID_CSV", error.message, { line: error.line });
    throw error;
  }
  if (records.length === 0) throw new StatsInputError("INVALID_CSV", "empty CSV: no header row");
  const [headerRecord, ...rowRecords] = records;
  const header = headerRecord.fields.map((name) => name.trim());
  const rows = rowRecords.map(({ fields }, index) => {
    if (fields.length !== header.length) {
      throw new StatsInputError(
        "INVALID_CSV",
        `data row ${index + 1} has ${fields.length} fields, header has ${header.length}`,
        { row: index + 1 },
      );
    }
    return fields;
  });
  return { header, rows };
}

/**
 * Numeric matrix of the chosen columns. A cell equal to one of `missingTokens` (after trimming)
 * becomes null; any other non-numeric cell, including an empty one, is an error that names the
 * row and column, because silently dropping it would change the analysis.
 */
export function csvToResponseMatrix(
  table: CsvTable,
  columns: readonly string[],
  options: { missingTokens?: readonly string[] } = {},
): ResponseMatrix {
  const missingTokens = new Set(options.missingTokens ?? []);
  const positions = columns.map((column) => table.header.indexOf(column));
  const absent = columns.filter((_, k) => positions[k] < 0);
  if (absent.length > 0) {
    throw new StatsInputError("UNKNOWN_ITEM", `column(s) not in the CSV header: ${absent.join(", ")}`, { items: absent });
  }
  const rows = table.rows.map((row, r) =>
    positions.map((position, c) => {
      const cell = row[position].trim();
      if (missingTokens.has(cell)) return null;
      const value = cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(value)) {
        const hint = missingTokens.size === 0 ? " (pass a missing-value marker if this means 'no answer')" : "";
        throw new StatsInputError(
          "NON_NUMERIC_VALUE",
          `row ${r + 1}, column "${columns[c]}": ${cell === "" ? "empty cell" : `"${cell}" is not a number`}${hint}`,
          { row: r + 1, column: columns[c], cell },
        );
      }
      return value;
    }),
  );
  return { itemIds: [...columns], rows };
}
