/** Request and response contract of /api/report-schedules: scheduled e-mail digests of the index and KPIs. */
import { z } from "@hono/zod-openapi";
import { REPORT_LANGUAGES, ReportCadenceSchema, ReportRecipientsSchema, TimeZoneSchema } from "../domain/reports/report-schedule";

export const ReportScheduleInputSchema = z
  .object({
    name: z.string().trim().min(1, "give the report a name").max(120),
    surveyId: z.string().min(1).max(64).nullable().openapi({ description: "One survey, or null for every published survey of the organisation" }),
    /** weekly: dayOfWeek 1 (Monday) – 7 (Sunday) and hour; monthly: dayOfMonth 1–28 and hour, in timeZone. */
    cadence: ReportCadenceSchema,
    /** IANA, e.g. Europe/Berlin. */
    timeZone: TimeZoneSchema,
    /** Every member holding one of the roles, plus members by id. */
    recipients: ReportRecipientsSchema,
    language: z.enum(REPORT_LANGUAGES),
  })
  .strict()
  .openapi("ReportScheduleInput");
export type ReportScheduleInput = z.infer<typeof ReportScheduleInputSchema>;

export const ReportScheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    surveyId: z.string().nullable(),
    cadence: ReportCadenceSchema,
    timeZone: z.string(),
    recipients: z.object({ roles: z.array(z.string()), memberIds: z.array(z.string()) }),
    language: z.enum(REPORT_LANGUAGES),
    nextDueAt: z.string().openapi({ description: "When the next digest goes out (ISO instant); it covers the last full week or month before it" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ReportSchedule");
export type ReportSchedule = z.infer<typeof ReportScheduleSchema>;

export const ReportScheduleListSchema = z.object({ items: z.array(ReportScheduleSchema) });

export const ReportPreviewSchema = z
  .object({ outboxId: z.string(), to: z.string(), subject: z.string(), period: z.object({ from: z.string(), to: z.string() }) })
  .openapi("ReportPreview");
export type ReportPreview = z.infer<typeof ReportPreviewSchema>;
