/**
 * A minimal XLSX writer: one worksheet of strings and numbers, the header row bold and frozen.
 * An .xlsx file is a zip of SpreadsheetML parts (ECMA-376); the parts here are the smallest set
 * Excel, LibreOffice and Numbers open without repair. Strings are inline (`t="inlineStr"`), so no
 * shared-string table is needed, and — unlike CSV — text is never read as a formula.
 * The zip is fflate's, method 0 (STORE) with CRC-32, which every unzip accepts.
 */

import { strToU8, zipSync } from "fflate";

export type XlsxCell = string | number | boolean | null | undefined;

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** XML text: escapes markup and drops characters XML 1.0 forbids (most C0 controls). */
export function xmlText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function cellXml(ref: string, value: XlsxCell, style: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "number" && Number.isFinite(value)) return `<c r="${ref}"${style}><v>${value}</v></c>`;
  if (typeof value === "boolean") return `<c r="${ref}"${style} t="b"><v>${value ? 1 : 0}</v></c>`;
  // Excel caps a cell at 32,767 characters.
  const text = String(value).slice(0, 32_767);
  return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xmlText(text)}</t></is></c>`;
}

/** The worksheet up to its first row; rows (sheetRowXml) and SHEET_TAIL follow. */
export const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>`;
export const SHEET_TAIL = "</sheetData></worksheet>";

/** One row; `rowNumber` counts from 1, row 1 (the header) bold. */
export function sheetRowXml(row: XlsxCell[], rowNumber: number): string {
  const style = rowNumber === 1 ? ' s="1"' : "";
  return `<row r="${rowNumber}">${row.map((value, c) => cellXml(`${columnName(c)}${rowNumber}`, value, style)).join("")}</row>`;
}

/** Rows a worksheet holds (Excel's limit, header included). */
export const MAX_SHEET_ROWS = 1_048_576;

function sheetXml(header: string[], rows: XlsxCell[][]): string {
  const out: string[] = [SHEET_HEAD, sheetRowXml(header, 1)];
  rows.forEach((row, r) => out.push(sheetRowXml(row, r + 2)));
  out.push(SHEET_TAIL);
  return out.join("");
}

/** Sheet names: at most 31 characters, none of []:*?/\ . */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, "_").slice(0, 31) || "Sheet1";
}

/** Every part but the worksheet (which is the last part, written whole or streamed). */
export function xlsxFixedParts(sheetTitle: string): { name: string; data: string }[] {
  return [
    {
      name: "[Content_Types].xml",
      data: `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    },
    { name: "_rels/.rels", data: `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    {
      name: "xl/workbook.xml",
      data: `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_REL}"><sheets><sheet name="${xmlText(sheetName(sheetTitle))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${DOC_REL}/styles" Target="styles.xml"/></Relationships>`,
    },
    {
      name: "xl/styles.xml",
      data: `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    },
  ];
}

export const WORKSHEET_PART = "xl/worksheets/sheet1.xml";

export function xlsxParts(sheet: { name: string; header: string[]; rows: XlsxCell[][] }): { name: string; data: string }[] {
  return [...xlsxFixedParts(sheet.name), { name: WORKSHEET_PART, data: sheetXml(sheet.header, sheet.rows) }];
}

/**
 * The workbook's parts zipped with fflate. STORE (level 0): an export's CPU time stays that of the
 * XML, and a fixed 1980-01-01 timestamp keeps the same data's file byte-identical.
 */
const ZIP_OPTIONS = { level: 0, mtime: new Date(1980, 0, 1) } as const;

/** The .xlsx bytes of one sheet. */
export function buildXlsx(sheet: { name: string; header: string[]; rows: XlsxCell[][] }): Uint8Array {
  return zipSync(Object.fromEntries(xlsxParts(sheet).map((part) => [part.name, [strToU8(part.data), ZIP_OPTIONS]])));
}

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
