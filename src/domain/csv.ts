/**
 * CSV (RFC 4180), both directions, one module: the server's exports, the web app's "export what is
 * shown", the invitation import and the statistics CLI's data files all read and write through here.
 *
 * Writing: cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading
 * apostrophe: exported free text comes from customers (CSV injection). Plain numbers stay numbers.
 *
 * Reading: quoted fields may hold the delimiter, line breaks and doubled quotes (""); records end
 * with CRLF or LF. Spreadsheet habits are tolerated: a UTF-8 byte-order mark, a trailing line break,
 * blank lines, and ';' or tab as the delimiter when the header row uses it instead of ','. Anything
 * ambiguous (a quote inside an unquoted field, text after a closing quote, an unterminated quote) is
 * an error naming the line, never a guess.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  let text = Array.isArray(value) ? value.join(";") : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export function csvText(rows: unknown[][]): string {
  return rows.map(csvLine).join("");
}

export type CsvRecord = {
  /** 1-based record number: the header is record 1, so it matches a spreadsheet's row number. */
  record: number;
  /** Physical line the record starts on (differs from `record` after multi-line fields). */
  line: number;
  fields: string[];
};

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export type CsvParseOptions = {
  /** Stop with an error once more than this many records (header included) are read. */
  maxRecords?: number;
  /** Delimiter; default: detected from the first line (',' unless it only has ';' or tabs). */
  delimiter?: "," | ";" | "\t";
};

export class CsvTooManyRecordsError extends Error {
  constructor(readonly maxRecords: number) {
    super(`more than ${maxRecords} records`);
  }
}

/** ',' unless the first line (outside quotes) has no comma but semicolons or tabs. */
export function detectDelimiter(text: string): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts] += 1;
  }
  if (counts[","] > 0) return ",";
  if (counts[";"] > 0) return ";";
  if (counts["\t"] > 0) return "\t";
  return ",";
}

export function readCsvRecords(input: string, options: CsvParseOptions = {}): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // State: at the start of a field, inside an unquoted field, or just after a closing quote.
  let fieldStart = true;
  let afterQuote = false;

  const endRecord = () => {
    fields.push(field);
    field = "";
    // A blank line (one empty field) is skipped rather than read as a record.
    if (!(fields.length === 1 && fields[0] === "" && !afterQuote)) {
      if (records.length >= maxRecords) throw new CsvTooManyRecordsError(maxRecords);
      records.push({ record: records.length + 1, line: recordLine, fields });
    }
    fields = [];
    fieldStart = true;
    afterQuote = false;
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (fieldStart && ch === '"') {
      // Quoted field: read to the closing quote, "" being one literal quote.
      const openedOn = line;
      i += 1;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(`a quoted field opened on line ${openedOn} is never closed (unbalanced quotes)`, openedOn);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === "\n") line += 1;
        field += c;
        i += 1;
      }
      fieldStart = false;
      afterQuote = true;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = "";
      fieldStart = true;
      afterQuote = false;
      i += 1;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (afterQuote) throw new CsvSyntaxError(`line ${line}: text after a closing quote; quote the whole field and double any quotes inside it`, line);
    if (ch === '"') throw new CsvSyntaxError(`line ${line}: a quote inside an unquoted field; quote the whole field and double the quote ("")`, line);
    field += ch;
    fieldStart = false;
    i += 1;
  }
  if (!fieldStart || fields.length > 0 || afterQuote) endRecord();
  return records;
}
