/**
 * Exports of any size (issue 16): one row per export run as a Cloudflare Workflow
 * (src/jobs/export-workflow.ts). The file itself lives in R2 (EXPORTS) as numbered parts; this row
 * is the progress the staff app polls and the organisation the download link is checked against.
 * Re-exported by src/db/schema.ts.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";

export const EXPORT_KINDS = ["responses_csv", "responses_xlsx", "privacy_json"] as const;
export const EXPORT_STATUSES = ["running", "complete", "failed"] as const;

export const exportJobs = sqliteTable(
  "export_jobs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: EXPORT_KINDS }).notNull(),
    /** The survey of a responses export; null for a privacy export. */
    surveyId: text("survey_id"),
    status: text("status", { enum: EXPORT_STATUSES }).notNull(),
    /** Rows matching when the export started (the progress bar's maximum). */
    rowsTotal: integer("rows_total").notNull(),
    rowsDone: integer("rows_done").notNull().default(0),
    /** R2 objects `exports/<id>/<n>` written so far; the download concatenates 0..parts-1. */
    parts: integer("parts").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    filename: text("filename").notNull(),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
    /** The download link's expiry (signed into it); the purge deletes the parts after it. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("export_jobs_org_created_idx").on(t.organizationId, t.createdAt)],
);
