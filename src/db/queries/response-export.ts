/**
 * The columns and rows of a response export, shared by the one-request fast paths
 * (GET …/export.csv and …/export.xlsx) and the export Workflow's chunks (src/jobs/export-workflow.ts),
 * so a file built in many steps is the one the fast path builds.
 */
import type { Db } from "../../env";
import { listAnswerSlots } from "../../domain/survey/definition";
import { csvLine } from "../../domain/csv";
import type { XlsxCell } from "../../lib/xlsx";
import { loadVersionDefinition, type SurveyRow } from "./surveys";
import type { ResponseListItem } from "./response-list";

export type ExportColumns = { hiddenIds: string[]; itemIds: string[] };

export async function exportColumns(db: Db, survey: Pick<SurveyRow, "id" | "publishedVersion">): Promise<ExportColumns> {
  const definition = survey.publishedVersion ? await loadVersionDefinition(db, survey.id, survey.publishedVersion) : null;
  return {
    itemIds: definition ? listAnswerSlots(definition).map((s) => s.id) : [],
    hiddenIds: definition ? definition.hiddenFields.map((h) => h.id) : [],
  };
}

/** The UTF-8 byte-order mark: Excel reads a CSV without it in the system code page, garbling Chinese answers. */
export const CSV_BOM = "\uFEFF";

export function csvHeaderLine(cols: ExportColumns): string {
  return csvLine(["response_id", "status", "version", "language", "created_at", "completed_at", ...cols.hiddenIds, ...cols.itemIds]);
}

export function csvRowLine(r: ResponseListItem, cols: ExportColumns): string {
  return csvLine([r.id, r.status, r.version, r.language, r.createdAt, r.completedAt, ...cols.hiddenIds.map((h) => r.hidden[h]), ...cols.itemIds.map((i) => r.answers[i])]);
}

export function xlsxHeader(cols: ExportColumns): string[] {
  return ["response_id", "status", "version", "language", "created_at", "completed_at", "tags", ...cols.hiddenIds, ...cols.itemIds];
}

function exportCell(value: unknown): XlsxCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.join(";");
  return JSON.stringify(value);
}

export function xlsxRow(r: ResponseListItem, cols: ExportColumns): XlsxCell[] {
  return [
    r.id,
    r.status,
    r.version,
    r.language,
    r.createdAt,
    r.completedAt,
    r.tags.join(";"),
    ...cols.hiddenIds.map((h) => r.hidden[h] ?? null),
    ...cols.itemIds.map((i) => exportCell(r.answers[i])),
  ];
}
