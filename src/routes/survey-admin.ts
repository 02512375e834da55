/**
 * Survey administration beyond create/publish (src/routes/surveys.ts): transfer (export, import,
 * duplicate), settings, distribution (CSV import of customer lists, invitation status export,
 * reminders) and the responses view's extras (tags, notes, funnel, XLSX export).
 *
 * Mounted before src/routes/responses.ts so `/responses/export.xlsx` is not taken for a response id.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { getSurvey, loadVersionDefinition, parseDefinition, summariseSurvey } from "../db/queries/surveys";
import { duplicateSurvey, exportSurvey, importSurvey, settingsOf, SURVEY_EXPORT_FORMAT, updateSurveySettings } from "../db/queries/survey-transfer";
import { invitationLinkToken } from "../lib/email-config";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, importInvitations, invitationExportRows, reminderPreview, remindInvitations } from "../db/queries/invitation-import";
import { addResponseNote, listResponseNotes, setResponseTags, surveyFunnel } from "../db/queries/response-admin";
import { iterateResponses } from "../db/queries/response-list";
import { enqueueOutbox } from "../db/queries/outbox";
import { auditInsert, auditResponsesExported } from "../db/queries/audit";
import type { SurveyDefinition } from "../domain/survey/definition";
import { localize } from "../domain/survey/localization";
import { createRouter, problemResponses } from "../lib/openapi";
import { csvLine } from "../domain/csv";
import { buildXlsx, XLSX_CONTENT_TYPE, type XlsxCell } from "../lib/xlsx";
import { exportColumns, xlsxHeader, xlsxRow } from "../db/queries/response-export";
import { ProblemError } from "../lib/problem";
import { FunnelSchema, ResponseNoteSchema, ResponseTagsSchema } from "../contracts/responses";
import {
  InvitationImportSchema,
  ReminderPreviewSchema,
  ReminderResultSchema,
  SurveySettingsSchema,
  SurveySettingsUpdateSchema,
  SurveySummarySchema,
} from "../contracts/surveys";
import { filtersFrom, ResponseQuery } from "./responses";
import type { SurveyRow } from "../db/queries/surveys";
import type { Db } from "../env";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const ResponseParam = IdParam.extend({ responseId: z.string().min(1).max(64) });
const SlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "2-63 characters: lower-case letters, digits and dashes");
const DateTime = z.iso.datetime({ offset: true });
const DayQuery = z.iso.date();

const SettingsSchema = z
  .object({
    accessMode: z.enum(["public", "invitation", "both"]),
    opensAt: DateTime.nullable(),
    closesAt: DateTime.nullable(),
    responseQuota: z.number().int().min(1).max(10_000_000).nullable(),
    anonymous: z.boolean(),
    storeIp: z.boolean(),
    retentionDays: z.number().int().min(1).max(3650).nullable(),
    /** Validated with the complaint domain's ComplaintTriggerRuleListSchema in the handler. */
    complaintTriggers: z.array(z.record(z.string(), z.unknown())).max(100).nullable(),
    /** { firstAfterDays, maxReminders, minGapDays? }: validated with the e-mail domain's ReminderScheduleSchema in the handler. */
    reminderSchedule: z.record(z.string(), z.unknown()).nullable(),
  })
  .partial()
  .strict()
  .openapi("SurveySettingsPatch");

const ExportSchema = z
  .object({
    format: z.literal(SURVEY_EXPORT_FORMAT),
    slug: SlugSchema,
    title: z.string().optional(),
    settings: SettingsSchema.default({}),
    definition: z.record(z.string(), z.unknown()),
    exportedAt: z.string().optional(),
    source: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .openapi("SurveyExport");

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

const exportRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/export",
  tags: ["surveys"],
  summary: `The survey as importable JSON (format ${SURVEY_EXPORT_FORMAT}): the draft, or ?version=N for a published version`,
  permission: "surveys:read",
  request: { params: IdParam, query: z.object({ version: z.coerce.number().int().min(1).optional() }) },
  responses: { 200: { description: "Export", content: { "application/json": { schema: ExportSchema } } }, ...problemResponses(400, 401, 403, 404) },
});

const importRoute = staffRoute({
  method: "post",
  path: "/surveys/import",
  tags: ["surveys"],
  summary: "Import an exported survey as a new draft; a taken slug is a 409 naming a free one (use ?slug=)",
  permission: "surveys:write",
  request: { query: z.object({ slug: SlugSchema.optional() }), body: { content: { "application/json": { schema: ExportSchema } }, required: true } },
  responses: { 201: { description: "Imported", content: { "application/json": { schema: SurveySummarySchema } } }, ...problemResponses(400, 401, 403, 409, 422) },
});

const duplicateRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/duplicate",
  tags: ["surveys"],
  summary: "Copy the survey (draft definition and settings) into a new draft; responses are not copied",
  permission: "surveys:write",
  request: { params: IdParam, body: { content: { "application/json": { schema: z.object({ slug: SlugSchema.optional() }).strict() } }, required: false } },
  responses: { 201: { description: "Copy", content: { "application/json": { schema: SurveySummarySchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
});

const settingsRoute = staffRoute({
  method: "patch",
  path: "/surveys/{id}/settings",
  tags: ["surveys"],
  summary: "Change open/close dates, quota, access mode, anonymous mode, IP storage, retention and complaint trigger rules",
  permission: "surveys:write",
  request: { params: IdParam, body: { content: { "application/json": { schema: SettingsSchema } }, required: true } },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: SurveySettingsUpdateSchema } } },
    ...problemResponses(401, 403, 404, 422),
  },
});

const getSettingsRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/settings",
  tags: ["surveys"],
  summary: "The survey's settings",
  permission: "surveys:read",
  request: { params: IdParam },
  responses: { 200: { description: "Settings", content: { "application/json": { schema: SurveySettingsSchema } } }, ...problemResponses(401, 403, 404) },
});


const importInvitationsRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/invitations/import",
  tags: ["invitations"],
  summary: "Import a customer list (text/csv) as personal invitations",
  description: [
    `Header row required: \`email\` plus any of \`valid_from\`, \`valid_until\` (YYYY-MM-DD = that whole day, UTC; or ISO date-time) and the survey's hidden-field ids (touchpoint, region, tier, …).`,
    `At most ${IMPORT_MAX_ROWS} rows and ${IMPORT_MAX_BYTES} bytes, UTF-8. A malformed file is a 400/422/413 problem and nothing is imported.`,
    "Rows are checked one by one (valid e-mail, no repeats in the file, the organisation's fatigue rule, allowed segment values, dates).",
    "With any rejected row nothing is imported (422 problem with `accepted`, `valid`, `rejected: [{ row, errors }]`) unless `?partial=true`.",
    "`row` counts records with the header as row 1 (a spreadsheet's row number); `line` is the physical line.",
    "The personal links are in this answer only (tokens are stored hashed): JSON `invitations[].url`, or the links CSV with `Accept: text/csv`.",
    "With `?send=email` each invitee is e-mailed their personal link instead (in the row's `language`, en or zh-CN, else the survey's; from the organisation's invitation template), and the answer carries no links (`url` is null).",
    "Addresses on the organisation's suppression list (unsubscribed, bounced) are not invited: `suppressed: [{ row, email, reason }]`.",
  ].join(" "),
  permission: "invitations:write",
  request: {
    params: IdParam,
    query: z.object({ partial: z.enum(["true", "false"]).optional(), send: z.enum(["email"]).optional() }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: {
    201: {
      description: "Imported",
      content: {
        "application/json": {
          schema: InvitationImportSchema,
        },
        "text/csv": { schema: z.string() },
      },
    },
    ...problemResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

const exportInvitationsRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/invitations/export.csv",
  tags: ["invitations"],
  summary: "Invitations with their status as CSV (no links: tokens are stored hashed, so links exist only in the create/import answer)",
  permission: "invitations:write",
  request: { params: IdParam },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...problemResponses(401, 403, 404) },
});

const remindRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/invitations/remind",
  tags: ["invitations"],
  summary: "E-mail a reminder to every invitee who has not completed (not expired; at most one reminder per 24 h)",
  description:
    "Queues one e-mail per invitation through the outbox and sets reminded_at/reminder_count. `reissueLinks: true` puts a new personal link in each reminder (the earlier link stops working; saved answers are kept) and returns the links; otherwise the e-mail refers to the original invitation.",
  permission: "invitations:write",
  request: {
    params: IdParam,
    body: {
      content: { "application/json": { schema: z.object({ reissueLinks: z.boolean().default(false), invitationIds: z.array(z.string().max(64)).max(10_000).optional() }).strict() } },
      required: false,
    },
  },
  responses: {
    200: {
      description: "Queued",
      content: { "application/json": { schema: ReminderResultSchema } },
    },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const remindPreviewRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/invitations/remind",
  tags: ["invitations"],
  summary: "Who a reminder run now would e-mail (the count the manager confirms before sending)",
  description: "`invited`: invitations with an e-mail address (0: no first invitation was sent, so there is nobody to remind). `recipients`: those a POST now would e-mail.",
  permission: "invitations:write",
  request: { params: IdParam },
  responses: {
    200: { description: "Counts", content: { "application/json": { schema: ReminderPreviewSchema } } },
    ...problemResponses(401, 403, 404),
  },
});

const tagsRoute = staffRoute({
  method: "put",
  path: "/surveys/{id}/responses/{responseId}/tags",
  tags: ["responses"],
  summary: "Replace a response's staff tags",
  permission: "responses:annotate",
  request: {
    params: ResponseParam,
    body: { content: { "application/json": { schema: z.object({ tags: z.array(z.string().trim().min(1).max(50)).max(20) }).strict() } }, required: true },
  },
  responses: { 200: { description: "Tags", content: { "application/json": { schema: ResponseTagsSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const addNoteRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/responses/{responseId}/notes",
  tags: ["responses"],
  summary: "Add an internal note to a response (never shown to the respondent)",
  permission: "responses:annotate",
  request: { params: ResponseParam, body: { content: { "application/json": { schema: z.object({ body: z.string().trim().min(1).max(5000) }).strict() } }, required: true } },
  responses: { 201: { description: "Note", content: { "application/json": { schema: ResponseNoteSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const listNotesRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/responses/{responseId}/notes",
  tags: ["responses"],
  summary: "A response's internal notes, oldest first",
  permission: "responses:read",
  request: { params: ResponseParam },
  responses: { 200: { description: "Notes", content: { "application/json": { schema: z.object({ items: z.array(ResponseNoteSchema) }) } } }, ...problemResponses(401, 403, 404) },
});

const funnelRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/funnel",
  tags: ["responses"],
  summary: "Views → starts → completions, and where partial responses stopped (by last saved page)",
  permission: "responses:read",
  request: { params: IdParam, query: z.object({ from: DayQuery.optional(), to: DayQuery.optional(), lang: z.string().max(20).optional() }) },
  responses: { 200: { description: "Funnel", content: { "application/json": { schema: FunnelSchema } } }, ...problemResponses(400, 401, 403, 404) },
});

const xlsxRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/responses/export.xlsx",
  tags: ["responses"],
  summary: "Export responses as an Excel workbook (same filters as the list)",
  permission: "responses:export",
  request: { params: IdParam, query: ResponseQuery },
  responses: { 200: { description: "XLSX", content: { [XLSX_CONTENT_TYPE]: { schema: z.string() } } }, ...problemResponses(400, 401, 403, 404) },
});

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/** What respondents see: the published version, or the draft before the first publication. */
async function liveDefinition(db: Db, survey: SurveyRow): Promise<SurveyDefinition> {
  return survey.publishedVersion !== null ? loadVersionDefinition(db, survey.id, survey.publishedVersion) : parseDefinition(survey.draftDefinition);
}

const CSV_TYPES = ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"];

export const surveyAdminRoutes = createRouter()
  .openapi(exportRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = await exportSurvey(c.get("db"), c.get("principal").organizationId, id, c.req.valid("query").version);
    return c.json(body, 200, { "content-disposition": `attachment; filename="${body.slug}.survey.json"` });
  })
  .openapi(importRoute, async (c) => {
    const body = c.req.valid("json");
    const row = await importSurvey(c.get("db"), c.get("principal"), body, c.req.valid("query").slug);
    return c.json(summariseSurvey(row), 201);
  })
  .openapi(duplicateRoute, async (c) => {
    const raw = c.req.header("content-type")?.includes("json") ? ((await c.req.json().catch(() => ({}))) as { slug?: unknown }) : {};
    const parsed = z.object({ slug: SlugSchema.optional() }).strict().safeParse(raw ?? {});
    if (!parsed.success) throw new ProblemError("validation-failed", "slug: 2-63 characters: lower-case letters, digits and dashes.", { errors: [{ field: "slug", code: "invalid", message: "invalid slug" }] });
    const row = await duplicateSurvey(c.get("db"), c.get("principal"), c.req.valid("param").id, parsed.data.slug);
    return c.json(summariseSurvey(row), 201);
  })
  .openapi(getSettingsRoute, async (c) => {
    const row = await getSurvey(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id);
    return c.json(settingsOf(row), 200);
  })
  .openapi(settingsRoute, async (c) => {
    const row = await updateSurveySettings(c.get("db"), c.get("principal"), c.req.valid("param").id, c.req.valid("json"));
    return c.json({ survey: summariseSurvey(row), settings: settingsOf(row) }, 200);
  })
  .openapi(importInvitationsRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const survey = await getSurvey(db, principal.organizationId, c.req.valid("param").id);
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!CSV_TYPES.includes(contentType)) {
      throw new ProblemError("unsupported-media-type", "Send the customer list as CSV with Content-Type: text/csv.");
    }
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > IMPORT_MAX_BYTES) {
      throw new ProblemError("payload-too-large", `The file is ${bytes.byteLength} bytes; the limit is ${IMPORT_MAX_BYTES} bytes. Split it into several imports. Nothing was imported.`);
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ProblemError("bad-request", 'The file is not UTF-8 text. In your spreadsheet choose "CSV UTF-8" when saving. Nothing was imported.');
    }
    const definition = await liveDefinition(db, survey);
    const query = c.req.valid("query");
    const result = await importInvitations(db, principal, survey, definition, text, {
      partial: query.partial === "true",
      origin: c.env.PUBLIC_ORIGIN,
      send: query.send === "email" ? { token: (invitationId) => invitationLinkToken(c.env, invitationId, 0) } : null,
    });
    c.executionCtx.waitUntil(enqueueOutbox(c.env, result.outboxIds));
    if ((c.req.header("accept") ?? "").includes("text/csv")) {
      const lines = [csvLine(["row", "email", "url", "invitation_id", "valid_from", "valid_until", ...result.hiddenColumns])];
      for (const inv of result.invitations) {
        lines.push(csvLine([inv.row, inv.email, inv.url, inv.id, inv.validFrom?.toISOString(), inv.validUntil?.toISOString(), ...result.hiddenColumns.map((h) => inv.hidden[h])]));
      }
      return c.body(lines.join(""), 201, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${survey.slug}-links.csv"`,
        "x-feedloop-accepted": String(result.accepted),
        "x-feedloop-rejected": String(result.rejected.length),
        "x-feedloop-suppressed": String(result.suppressed.length),
      });
    }
    return c.json(
      {
        accepted: result.accepted,
        rejected: result.rejected,
        suppressed: result.suppressed,
        invitations: result.invitations.map((inv) => ({ row: inv.row, id: inv.id, email: inv.email, url: inv.url, validUntil: inv.validUntil?.toISOString() ?? null })),
      },
      201,
    );
  })
  .openapi(exportInvitationsRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const definition = await liveDefinition(db, survey);
    const chunks: string[] = [];
    for await (const row of invitationExportRows(db, organizationId, survey.id, definition.hiddenFields.map((h) => h.id), new Date())) chunks.push(csvLine(row));
    // The list holds customers' e-mail addresses: who took it is recorded.
    await auditInsert(db, c.get("principal"), { action: "invitations.exported", targetType: "survey", targetId: survey.id, data: { rows: chunks.length - 1 } }).run();
    return c.body(chunks.join(""), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${survey.slug}-invitations.csv"`,
    });
  })
  .openapi(remindPreviewRoute, async (c) => {
    const principal = c.get("principal");
    const survey = await getSurvey(c.get("db"), principal.organizationId, c.req.valid("param").id);
    return c.json(await reminderPreview(c.get("db"), principal, survey.id, new Date()), 200);
  })
  .openapi(remindRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const survey = await getSurvey(db, principal.organizationId, c.req.valid("param").id);
    if (survey.status !== "published" || survey.publishedVersion === null) {
      throw new ProblemError("survey-unavailable", "Only a published, open survey can send reminders.");
    }
    const raw = c.req.header("content-type")?.includes("json") ? await c.req.json().catch(() => null) : {};
    const body = z.object({ reissueLinks: z.boolean().default(false), invitationIds: z.array(z.string().max(64)).max(10_000).optional() }).strict().safeParse(raw ?? {});
    if (!body.success) throw new ProblemError("validation-failed", "Send { reissueLinks?: boolean, invitationIds?: string[] }.");
    const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion);
    const outcome = await remindInvitations(
      db,
      principal,
      survey,
      { title: localize(definition.title, definition.defaultLanguage, definition.defaultLanguage), language: definition.defaultLanguage },
      {
        now: new Date(),
        origin: c.env.PUBLIC_ORIGIN,
        reissueLinks: body.data.reissueLinks,
        invitationIds: body.data.invitationIds,
        linkToken: (invitationId, generation) => invitationLinkToken(c.env, invitationId, generation),
      },
    );
    c.executionCtx.waitUntil(enqueueOutbox(c.env, outcome.outboxIds));
    return c.json({ queued: outcome.queued, links: outcome.links }, 200);
  })
  .openapi(tagsRoute, async (c) => {
    const { id, responseId } = c.req.valid("param");
    const tags = await setResponseTags(c.get("db"), c.get("principal"), id, responseId, c.req.valid("json").tags);
    return c.json({ tags }, 200);
  })
  .openapi(addNoteRoute, async (c) => {
    const { id, responseId } = c.req.valid("param");
    return c.json(await addResponseNote(c.get("db"), c.get("principal"), id, responseId, c.req.valid("json").body), 201);
  })
  .openapi(listNotesRoute, async (c) => {
    const { id, responseId } = c.req.valid("param");
    return c.json({ items: await listResponseNotes(c.get("db"), c.get("principal").organizationId, id, responseId) }, 200);
  })
  .openapi(funnelRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const { from, to, lang } = c.req.valid("query");
    if (from && to && from > to) throw new ProblemError("bad-request", "`from` must not be after `to`.");
    return c.json(await surveyFunnel(db, organizationId, survey, { from, to }, lang), 200);
  })
  .openapi(xlsxRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const filters = filtersFrom(c.req.valid("query"));
    const cols = await exportColumns(db, survey);
    const rows: XlsxCell[][] = [];
    for await (const page of iterateResponses(db, organizationId, survey.id, filters)) {
      for (const r of page) rows.push(xlsxRow(r, cols));
    }
    const bytes = buildXlsx({ name: "Responses", header: xlsxHeader(cols), rows });
    await auditResponsesExported(db, c.get("principal"), survey.id, "xlsx", rows.length).run();
    return c.body(bytes.buffer as ArrayBuffer, 200, {
      "content-type": XLSX_CONTENT_TYPE,
      "content-disposition": `attachment; filename="${survey.slug}-responses.xlsx"`,
    });
  });
