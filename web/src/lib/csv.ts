/** "Export what is shown": the CSV text comes from the server's writer (one formula-injection rule). */
import { csvText } from "../../../src/domain/csv";

export type Cell = string | number | boolean | null | undefined;

export function toCsv(rows: Cell[][]): string {
  return csvText(rows);
}

/** Saves text as a file (UTF-8 with BOM so spreadsheet programs detect Chinese text). */
export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8") {
  saveBlob(filename, new Blob(["\uFEFF", text], { type }));
}

/** Hands the browser a file it already has in memory, as a download. */
export function saveBlob(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
