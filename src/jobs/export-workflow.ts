/**
 * Exports of any size as a Cloudflare Workflow (issue 16). A responses export (CSV or XLSX) runs as
 *   start  → part 0: the CSV header (with BOM) or the XLSX zip's fixed parts and the sheet's first row;
 *   chunk n → reads up to `chunkRows` responses in keyset pages (src/db/queries/response-list.ts) from the
 *            cursor the previous step returned, writes them as part n to R2 and records the progress;
 *   finish → the XLSX sheet's end and zip central directory (CSV: nothing), audit row, the row marked
 *            complete with the expiry its download link carries.
 * Every step is its own invocation with its own query budget: a chunk of 5,000 rows is 5 reads of 1,000
 * plus one progress write, against the 1,000 queries per invocation (docs/scaling.md "Exports"). Steps
 * are idempotent — a retry rewrites the same R2 key and the same absolute progress — and return only a
 * cursor and counters, far below the 1 MiB step-result limit. The file never exists in one piece in
 * memory: the download route streams the parts in order.
 * A privacy export (one respondent's data) is one step.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { AppBindings, Principal } from "../env";
import { organisationDb } from "../db/shards";
import { responsePageAfter, type ResponseCursor, type ResponseFilters } from "../db/queries/response-list";
import { CSV_BOM, csvHeaderLine, csvRowLine, exportColumns, xlsxHeader, xlsxRow, type ExportColumns } from "../db/queries/response-export";
import { completeExportJob, exportPartKey, failExportJob, recordExportProgress } from "../db/queries/export-jobs";
import { getSurvey } from "../db/queries/surveys";
import { auditResponsesExported } from "../db/queries/audit";
import { exportRespondent } from "../db/queries/respondents";
import { SHEET_HEAD, SHEET_TAIL, sheetRowXml, WORKSHEET_PART, xlsxFixedParts } from "../lib/xlsx";
import { crc32, zipPrefix, zipSuffix, type ZipPrefixLayout } from "../lib/zip-stream";
import { EXPORT_LINK_TTL_MS } from "../lib/export-links";

/** Rows per step. 200 steps for 1,000,000 responses (Workflows allow 1,024 steps on Free, 10,000 on Paid). */
export const EXPORT_CHUNK_ROWS = 5_000;
/** Rows per D1 read inside a step. */
const EXPORT_PAGE_ROWS = 1_000;

/** Filters as plain JSON (the Workflow's params are serialised). */
export type SerialisedFilters = Omit<ResponseFilters, "from" | "to"> & { from?: string; to?: string };

export function serialiseFilters(filters: ResponseFilters): SerialisedFilters {
  return { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() };
}

function parseFilters(filters: SerialisedFilters): ResponseFilters {
  return { ...filters, from: filters.from ? new Date(filters.from) : undefined, to: filters.to ? new Date(filters.to) : undefined };
}

export type ExportParams =
  | { exportId: string; kind: "responses_csv" | "responses_xlsx"; principal: Principal; surveyId: string; filters: SerialisedFilters; chunkRows: number }
  | { exportId: string; kind: "privacy_json"; principal: Principal; email: string };

/** What one step hands the next. */
type ChunkState = { cursor: ResponseCursor | null; parts: number; rows: number; bytes: number; crc: number; sheetBytes: number; done: boolean };

const encoder = new TextEncoder();

export class ExportWorkflow extends WorkflowEntrypoint<AppBindings, ExportParams> {
  override async run(event: WorkflowEvent<ExportParams>, step: WorkflowStep): Promise<{ rows: number; parts: number; bytes: number }> {
    const params = event.payload;
    try {
      return params.kind === "privacy_json" ? await this.privacyExport(params, step) : await this.responsesExport(params, step);
    } catch (error) {
      await step.do("mark failed", async () => {
        await failExportJob(await organisationDb(this.env, params.principal.organizationId), params.exportId, error instanceof Error ? error.message : String(error), new Date()).run();
      });
      throw error;
    }
  }

  private async privacyExport(params: Extract<ExportParams, { kind: "privacy_json" }>, step: WorkflowStep) {
    return step.do("privacy export", async () => {
      const db = await organisationDb(this.env, params.principal.organizationId);
      const body = encoder.encode(JSON.stringify(await exportRespondent(db, params.principal, params.email)));
      await this.env.EXPORTS.put(exportPartKey(params.exportId, 0), body);
      const now = new Date();
      await completeExportJob(db, params.exportId, { rowsDone: 1, parts: 1, bytes: body.length, now, expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS) }).run();
      return { rows: 1, parts: 1, bytes: body.length };
    });
  }

  private async responsesExport(params: Extract<ExportParams, { kind: "responses_csv" | "responses_xlsx" }>, step: WorkflowStep) {
    const { exportId, principal, surveyId } = params;
    const xlsx = params.kind === "responses_xlsx";
    const filters = parseFilters(params.filters);

    const start = await step.do("start", async () => {
      const db = await organisationDb(this.env, params.principal.organizationId);
      const cols = await exportColumns(db, await getSurvey(db, principal.organizationId, surveyId));
      let bytes: Uint8Array;
      let layout: ZipPrefixLayout | null = null;
      let crc = 0;
      let sheetBytes = 0;
      if (xlsx) {
        const prefix = zipPrefix(
          xlsxFixedParts("Responses").map((p) => ({ name: p.name, data: encoder.encode(p.data) })),
          WORKSHEET_PART,
        );
        const sheetStart = encoder.encode(SHEET_HEAD + sheetRowXml(xlsxHeader(cols), 1));
        crc = crc32(sheetStart);
        sheetBytes = sheetStart.length;
        layout = prefix.layout;
        bytes = new Uint8Array(prefix.bytes.length + sheetStart.length);
        bytes.set(prefix.bytes);
        bytes.set(sheetStart, prefix.bytes.length);
      } else {
        bytes = encoder.encode(CSV_BOM + csvHeaderLine(cols));
      }
      await this.env.EXPORTS.put(exportPartKey(exportId, 0), bytes);
      await recordExportProgress(db, exportId, { rowsDone: 0, parts: 1, bytes: bytes.length }).run();
      return { cols, layout, state: { cursor: null, parts: 1, rows: 0, bytes: bytes.length, crc, sheetBytes, done: false } satisfies ChunkState };
    });

    let state: ChunkState = start.state;
    while (!state.done) {
      const from = state;
      state = await step.do(`rows from ${from.rows}`, async () => this.writeChunk(params, filters, start.cols, xlsx, from));
    }

    return step.do("finish", async () => {
      const db = await organisationDb(this.env, params.principal.organizationId);
      let parts = state.parts;
      let bytes = state.bytes;
      if (xlsx && start.layout) {
        const tail = encoder.encode(SHEET_TAIL);
        const sheet = { crc: crc32(tail, state.crc), size: state.sheetBytes + tail.length };
        const suffix = zipSuffix(start.layout, sheet);
        const last = new Uint8Array(tail.length + suffix.length);
        last.set(tail);
        last.set(suffix, tail.length);
        await this.env.EXPORTS.put(exportPartKey(exportId, parts), last);
        parts += 1;
        bytes += last.length;
      }
      const now = new Date();
      await db.batch([
        auditResponsesExported(db, principal, surveyId, xlsx ? "xlsx" : "csv", state.rows),
        completeExportJob(db, exportId, { rowsDone: state.rows, parts, bytes, now, expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS) }),
      ]);
      return { rows: state.rows, parts, bytes };
    });
  }

  /** One step: up to chunkRows responses after the cursor, as R2 part `from.parts`. */
  private async writeChunk(
    params: Extract<ExportParams, { kind: "responses_csv" | "responses_xlsx" }>,
    filters: ResponseFilters,
    cols: ExportColumns,
    xlsx: boolean,
    from: ChunkState,
  ): Promise<ChunkState> {
    const db = await organisationDb(this.env, params.principal.organizationId);
    const lines: string[] = [];
    let cursor = from.cursor;
    let rows = from.rows;
    let done = false;
    while (rows - from.rows < params.chunkRows) {
      const page = await responsePageAfter(db, params.principal.organizationId, params.surveyId, filters, cursor, Math.min(EXPORT_PAGE_ROWS, params.chunkRows - (rows - from.rows)));
      for (const r of page.items) {
        lines.push(xlsx ? sheetRowXml(xlsxRow(r, cols), rows + 2) : csvRowLine(r, cols));
        rows++;
      }
      cursor = page.next;
      if (!cursor) {
        done = true;
        break;
      }
    }
    if (lines.length === 0) return { ...from, cursor, done: true };
    const bytes = encoder.encode(lines.join(""));
    await this.env.EXPORTS.put(exportPartKey(params.exportId, from.parts), bytes);
    const next: ChunkState = {
      cursor,
      parts: from.parts + 1,
      rows,
      bytes: from.bytes + bytes.length,
      crc: xlsx ? crc32(bytes, from.crc) : 0,
      sheetBytes: from.sheetBytes + (xlsx ? bytes.length : 0),
      done,
    };
    await recordExportProgress(db, params.exportId, { rowsDone: rows, parts: next.parts, bytes: next.bytes }).run();
    return next;
  }
}
