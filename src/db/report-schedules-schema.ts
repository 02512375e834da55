import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";
import type { ReportCadence, ReportLanguage, ReportRecipients } from "../domain/reports/report-schedule";

/** Scheduled e-mail reports (src/domain/reports): who gets which digest when. survey_id null = all surveys. */
export const reportSchedules = sqliteTable(
  "report_schedules",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    surveyId: text("survey_id"),
    cadence: text("cadence", { mode: "json" }).$type<ReportCadence>().notNull(),
    timeZone: text("time_zone").notNull(),
    recipients: text("recipients", { mode: "json" }).$type<ReportRecipients>().notNull(),
    language: text("language").$type<ReportLanguage>().notNull(),
    nextDueAt: integer("next_due_at", { mode: "timestamp_ms" }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("report_schedules_due_idx").on(t.nextDueAt), index("report_schedules_org_idx").on(t.organizationId)],
);

/** One row per digest sent: the primary key makes a digest go out at most once per period. */
export const reportDigestsSent = sqliteTable(
  "report_digests_sent",
  {
    scheduleId: text("schedule_id")
      .notNull()
      .references(() => reportSchedules.id, { onDelete: "cascade" }),
    periodKey: text("period_key").notNull(),
    organizationId: text("organization_id").notNull(),
    /** The cron run that wrote this row: only that run's outbox rows go in (gate of the same batch). */
    claimId: text("claim_id").notNull(),
    recipients: integer("recipients").notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.periodKey] })],
);
