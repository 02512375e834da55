/**
 * CSV writing (RFC 4180), for the server's exports and the web app's "export what is shown" alike.
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading apostrophe:
 * exported free text comes from customers (CSV injection). Plain numbers stay numbers.
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
