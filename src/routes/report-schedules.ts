/**
 * Scheduled e-mail reports (issue 17): managers and admins list, create, change and delete the
 * digests their organisation sends, and send one to themselves now as a preview. The cron sends
 * the scheduled ones (src/jobs/report-digests.ts).
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { ReportPreviewSchema, ReportScheduleInputSchema, ReportScheduleListSchema, ReportScheduleSchema, type ReportSchedule, type ReportScheduleInput } from "../contracts/report-schedules";
import {
  deleteReportSchedule,
  findReportSchedule,
  insertPreviewOutboxRow,
  insertReportSchedule,
  listReportSchedules,
  surveyInOrganisation,
  unknownMemberIds,
  updateReportSchedule,
  type ReportScheduleRow,
} from "../db/queries/report-schedules";
import { findUserEmail } from "../db/queries/organisation";
import { enqueueOutbox } from "../db/queries/outbox";
import type { Db } from "../env";
import { nextReportDue, reportPeriod } from "../domain/reports/report-schedule";
import { digestOutboxRow, reportDigest } from "../jobs/report-digests";
import { emailConfig } from "../lib/email-config";
import { createRouter, problemResponses } from "../lib/openapi";
import { notFound, ProblemError, validationProblem } from "../lib/problem";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });

const listRoute = staffRoute({
  method: "get",
  path: "/report-schedules",
  tags: ["reports"],
  summary: "The organisation's scheduled e-mail reports",
  permission: "reports:manage",
  responses: { 200: { description: "Schedules", content: json(ReportScheduleListSchema) }, ...problemResponses(401, 403) },
});

const createRoute = staffRoute({
  method: "post",
  path: "/report-schedules",
  tags: ["reports"],
  summary: "Schedule a weekly or monthly e-mail digest of the index and KPIs",
  description: "Each digest covers the last full week (Monday–Sunday) or month in the schedule's time zone and compares it with the period before. Recipients: every member holding one of the roles, plus members by id.",
  permission: "reports:manage",
  request: { body: { content: json(ReportScheduleInputSchema), required: true } },
  responses: { 201: { description: "Scheduled", content: json(ReportScheduleSchema) }, ...problemResponses(401, 403, 422) },
});

const updateRoute = staffRoute({
  method: "put",
  path: "/report-schedules/{id}",
  tags: ["reports"],
  summary: "Change a scheduled report (its next due time is recomputed)",
  permission: "reports:manage",
  request: { params: IdParam, body: { content: json(ReportScheduleInputSchema), required: true } },
  responses: { 200: { description: "Changed", content: json(ReportScheduleSchema) }, ...problemResponses(401, 403, 404, 422) },
});

const deleteRoute = staffRoute({
  method: "delete",
  path: "/report-schedules/{id}",
  tags: ["reports"],
  summary: "Delete a scheduled report",
  permission: "reports:manage",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

const previewRoute = staffRoute({
  method: "post",
  path: "/report-schedules/{id}/preview",
  tags: ["reports"],
  summary: "Send this report's latest digest to yourself now",
  description: "Covers the last full period before now. 409 when e-mail is not configured (nothing is pretended sent) or when an API key, which has no mailbox, asks.",
  permission: "reports:manage",
  request: { params: IdParam },
  responses: { 202: { description: "Queued in the outbox", content: json(ReportPreviewSchema) }, ...problemResponses(401, 403, 404, 409) },
});

function shape(row: ReportScheduleRow): ReportSchedule {
  return {
    id: row.id,
    name: row.name,
    surveyId: row.surveyId,
    cadence: row.cadence,
    timeZone: row.timeZone,
    recipients: row.recipients,
    language: row.language,
    nextDueAt: row.nextDueAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** References the schema cannot check: the survey and the members must be the organisation's. */
async function checkReferences(db: Db, organizationId: string, input: ReportScheduleInput): Promise<void> {
  const errors = [];
  if (input.surveyId !== null && !(await surveyInOrganisation(db, organizationId, input.surveyId))) {
    errors.push({ field: "surveyId", code: "not_found", message: "no such survey in this organisation" });
  }
  const unknown = await unknownMemberIds(db, organizationId, input.recipients.memberIds);
  if (unknown.length > 0) errors.push({ field: "recipients.memberIds", code: "not_found", message: `not members of this organisation: ${unknown.join(", ")}` });
  if (errors.length > 0) throw validationProblem(errors);
}

async function found(db: Db, organizationId: string, id: string): Promise<ReportScheduleRow> {
  const row = await findReportSchedule(db, organizationId, id);
  if (!row) throw notFound("Report schedule");
  return row;
}

export const reportScheduleRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listReportSchedules(c.get("db"), c.get("principal").organizationId);
    return c.json({ items: rows.map(shape) }, 200);
  })
  .openapi(createRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const input = c.req.valid("json");
    await checkReferences(db, principal.organizationId, input);
    const now = new Date();
    const id = await insertReportSchedule(db, principal, input, nextReportDue(input.cadence, input.timeZone, now), now);
    return c.json(shape(await found(db, principal.organizationId, id)), 201);
  })
  .openapi(updateRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    await found(db, principal.organizationId, id);
    await checkReferences(db, principal.organizationId, input);
    const now = new Date();
    if (!(await updateReportSchedule(db, principal, id, input, nextReportDue(input.cadence, input.timeZone, now), now))) throw notFound("Report schedule");
    return c.json(shape(await found(db, principal.organizationId, id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    if (!(await deleteReportSchedule(c.get("db"), c.get("principal"), c.req.valid("param").id, new Date()))) throw notFound("Report schedule");
    return c.body(null, 204);
  })
  .openapi(previewRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const schedule = await found(db, principal.organizationId, c.req.valid("param").id);
    const config = emailConfig(c.env);
    if (!config.configured) throw new ProblemError("conflict", `E-mail is not configured, so no preview can be sent: ${config.reason}`);
    const to = principal.kind === "user" ? await findUserEmail(db, principal.id) : null;
    if (!to) throw new ProblemError("conflict", "Only a signed-in member with an e-mail address can receive a preview; an API key has no mailbox.");
    const now = new Date();
    const period = reportPeriod(schedule.cadence.kind, schedule.timeZone, now);
    const digest = await reportDigest(db, c.env, schedule, period, now);
    if (!digest) throw notFound("Organisation");
    const row = digestOutboxRow(schedule, to, digest, null, now);
    await insertPreviewOutboxRow(db, row);
    c.executionCtx.waitUntil(enqueueOutbox(c.env, [row.id]));
    return c.json({ outboxId: row.id, to, subject: digest.subject, period: { from: period.from, to: period.to } }, 202);
  });
