/**
 * Exports of any size (issue 16): start a responses export (CSV/XLSX) or a privacy export as a
 * Workflow (src/jobs/export-workflow.ts), follow its progress, and download it through a signed,
 * expiring link (src/lib/export-links.ts). The one-request fast paths (GET …/export.csv, …/export.xlsx,
 * /respondents/export) stay for small exports.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { staffRoute } from "../auth/principal";
import type { AppEnv, Principal } from "../env";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { newId } from "../lib/ids";
import { roleHasPermission } from "../domain/permissions";
import { getSurvey } from "../db/queries/surveys";
import { countResponses } from "../db/queries/response-list";
import { exportPartKey, getExportJob, insertExportJob, type ExportJob } from "../db/queries/export-jobs";
import { checkExportDownloadLink, exportDownloadPath } from "../lib/export-links";
import { EXPORT_CHUNK_ROWS, serialiseFilters, type ExportParams } from "../jobs/export-workflow";
import { MAX_SHEET_ROWS, XLSX_CONTENT_TYPE } from "../lib/xlsx";
import { filtersFrom, ResponseQuery } from "./responses";
import { ExportSchema } from "../contracts/exports";

const ExportIdParam = z.object({ exportId: z.string().min(1).max(64) });

const startResponsesRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/responses/exports",
  tags: ["responses"],
  summary: "Export responses of any size as a background Workflow (same filters as the list); follow it at /exports/{exportId}",
  permission: "responses:export",
  request: {
    params: z.object({ id: z.string().min(1).max(64) }),
    query: ResponseQuery,
    body: {
      content: {
        "application/json": {
          schema: z.object({
            format: z.enum(["csv", "xlsx"]),
            chunkRows: z.number().int().min(100).max(EXPORT_CHUNK_ROWS).default(EXPORT_CHUNK_ROWS).openapi({ description: "Rows per Workflow step" }),
          }),
        },
      },
    },
  },
  responses: { 202: { description: "Started", content: { "application/json": { schema: ExportSchema } } }, ...problemResponses(400, 401, 403, 404, 422) },
});

const startPrivacyRoute = staffRoute({
  method: "post",
  path: "/respondents/exports",
  tags: ["privacy"],
  summary: "Export everything stored about one respondent as a background Workflow (JSON file)",
  permission: "respondents:privacy",
  request: { body: { content: { "application/json": { schema: z.object({ email: z.email().max(320) }) } } } },
  responses: { 202: { description: "Started", content: { "application/json": { schema: ExportSchema } } }, ...problemResponses(400, 401, 403, 422) },
});

const progressRoute = staffRoute({
  method: "get",
  path: "/exports/{exportId}",
  tags: ["responses"],
  summary: "Progress of an export and, once complete, its signed download link",
  permission: "responses:export",
  request: { params: ExportIdParam },
  responses: { 200: { description: "Export", content: { "application/json": { schema: ExportSchema } } }, ...problemResponses(401, 403, 404) },
});

const downloadRoute = staffRoute({
  method: "get",
  path: "/exports/{exportId}/download",
  tags: ["responses"],
  summary: "Download a finished export (signed, expiring link from /exports/{exportId})",
  permission: "responses:export",
  request: { params: ExportIdParam, query: z.object({ expires: z.coerce.number().int().positive(), sig: z.string().min(1).max(64) }) },
  responses: {
    200: { description: "The file", content: { "text/csv": { schema: z.string() }, [XLSX_CONTENT_TYPE]: { schema: z.string() }, "application/json": { schema: z.string() } } },
    ...problemResponses(401, 403, 404, 409, 410),
  },
});

const CONTENT_TYPES: Record<ExportJob["kind"], string> = {
  responses_csv: "text/csv; charset=utf-8",
  responses_xlsx: XLSX_CONTENT_TYPE,
  privacy_json: "application/json; charset=utf-8",
};

/** A privacy export is personal data of one respondent: only roles allowed privacy requests see it. */
function assertMayRead(principal: Principal, job: ExportJob): void {
  if (job.kind === "privacy_json" && !roleHasPermission(principal.role, "respondents:privacy")) {
    throw new ProblemError("forbidden", "Privacy exports need the respondents:privacy permission (admin).");
  }
}

async function shape(c: Context<AppEnv>, job: ExportJob): Promise<z.infer<typeof ExportSchema>> {
  const downloadUrl =
    job.status === "complete" && job.expiresAt ? await exportDownloadPath(c.env, job.id, job.organizationId, job.expiresAt.getTime()) : null;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    rowsDone: job.rowsDone,
    rowsTotal: job.rowsTotal,
    filename: job.filename,
    error: job.error,
    downloadUrl,
    expiresAt: job.expiresAt?.toISOString() ?? null,
  };
}

async function start(c: Context<AppEnv>, job: Omit<Parameters<typeof insertExportJob>[1], "createdBy" | "now" | "organizationId">, params: ExportParams) {
  const db = c.get("db");
  const principal = c.get("principal");
  await insertExportJob(db, { ...job, organizationId: principal.organizationId, createdBy: principal.id, now: new Date() }).run();
  await c.env.EXPORT_WORKFLOW.create({ id: job.id, params });
  return shape(c, await getExportJob(db, principal.organizationId, job.id));
}

export const exportRoutes = createRouter()
  .openapi(startResponsesRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const survey = await getSurvey(db, principal.organizationId, c.req.valid("param").id);
    const { page: _page, pageSize: _pageSize, ...query } = c.req.valid("query");
    const filters = filtersFrom(query);
    const { format, chunkRows } = c.req.valid("json");
    const rowsTotal = await countResponses(db, principal.organizationId, survey.id, filters);
    if (format === "xlsx" && rowsTotal >= MAX_SHEET_ROWS) {
      throw new ProblemError("validation-failed", `${rowsTotal} responses do not fit one Excel sheet (${MAX_SHEET_ROWS - 1} rows). Export as CSV, or narrow the filters.`, {
        errors: [{ field: "body.format", code: "too_many_rows", message: "more rows than an Excel sheet holds" }],
      });
    }
    const id = newId("exp");
    const kind = format === "xlsx" ? "responses_xlsx" : "responses_csv";
    const body = await start(
      c,
      { id, kind, surveyId: survey.id, rowsTotal, filename: `${survey.slug}-responses.${format}` },
      { exportId: id, kind, principal, surveyId: survey.id, filters: serialiseFilters(filters), chunkRows },
    );
    return c.json(body, 202);
  })
  .openapi(startPrivacyRoute, async (c) => {
    const principal = c.get("principal");
    const id = newId("exp");
    const body = await start(c, { id, kind: "privacy_json", surveyId: null, rowsTotal: 1, filename: "respondent-export.json" }, {
      exportId: id,
      kind: "privacy_json",
      principal,
      email: c.req.valid("json").email,
    });
    return c.json(body, 202);
  })
  .openapi(progressRoute, async (c) => {
    const principal = c.get("principal");
    const job = await getExportJob(c.get("db"), principal.organizationId, c.req.valid("param").exportId);
    assertMayRead(principal, job);
    return c.json(await shape(c, job), 200, { "cache-control": "no-store" });
  })
  .openapi(downloadRoute, async (c) => {
    const principal = c.get("principal");
    const { exportId } = c.req.valid("param");
    const { expires, sig } = c.req.valid("query");
    // Another organisation's export is not found (as every foreign id); the signature also covers the organisation.
    const job = await getExportJob(c.get("db"), principal.organizationId, exportId);
    assertMayRead(principal, job);
    const check = await checkExportDownloadLink(c.env, { exportId, organizationId: principal.organizationId, expiresAtMs: expires, sig }, Date.now());
    if (check === "forged") throw new ProblemError("forbidden", "This download link is not valid. Open the export again in the app for a fresh link.");
    if (check === "expired") throw new ProblemError("gone", "This download link has expired. Start the export again.");
    if (job.status !== "complete") throw new ProblemError("conflict", `The export is ${job.status}; download it once it is complete.`);
    const bucket = c.env.EXPORTS;
    let part = 0;
    // The parts in order, one R2 read at a time: the file is never held whole in memory.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (part >= job.parts) return controller.close();
        const object = await bucket.get(exportPartKey(job.id, part++));
        if (!object) return controller.error(new Error(`export ${job.id} part ${part - 1} is missing`));
        controller.enqueue(new Uint8Array(await object.arrayBuffer()));
      },
    });
    return c.body(body, 200, {
      "content-type": CONTENT_TYPES[job.kind],
      "content-length": String(job.bytes),
      "content-disposition": `attachment; filename="${job.filename}"`,
      "cache-control": "no-store",
    });
  });
