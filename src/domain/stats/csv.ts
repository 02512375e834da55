/**
 * Minimal RFC 4180 CSV reader for survey exports and the reference data sets (quoted headers,
 * doubled quotes, CRLF, a UTF-8 BOM). Pure text in, text cells out: numeric conversion and the
 * missing-value policy are separate (`csvToResponseMatrix`).
 */
import { StatsInputError } from "./errors";
import type { ResponseMatrix } from "./response-matrix";

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string, delimiter = ","): CsvTable {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let inQuotes = false;
  let fieldWasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    record.push(fieldWasQuoted ? field : field.trim());
    field = "";
    fieldWasQuoted = false;
  };
  const endRecord = () => {
    endField();
    // Blank lines (a single empty field) carry no data.
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.trim() !== "") {
        throw new StatsInputError("INVALID_CSV", `line ${records.length + 1}: quote inside an unquoted field`);
      }
      field = "";
      inQuotes = true;
      fieldWasQuoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === "\n") {
      endRecord();
    } else if (ch === "\r") {
      if (text[i + 1] === "\n") i++;
      endRecord();
    } else {
      field += ch;
    }
  }
  if (inQuotes) throw new StatsInputError("INVALID_CSV", "unterminated quoted field at end of input");
  if (field !== "" || record.length > 0) endRecord();
  if (records.length === 0) throw new StatsInputError("INVALID_CSV", "empty CSV: no header row");
  const [header, ...rows] = records;
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new StatsInputError(
        "INVALID_CSV",
        `data row ${index + 1} has ${row.length} fields, header has ${header.length}`,
        { row: index + 1 },
      );
    }
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
