/**
 * Drizzle schema. Every business table carries `organization_id`, and every query in src/db filters
 * by it: tenant isolation is enforced where rows are read, not trusted to the caller.
 * Timestamps are integer milliseconds (drizzle `timestamp_ms`), the same representation better-auth's
 * drizzle adapter uses, so the two never disagree on one database.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organization, user } from "./auth-schema";
import type { ReminderSchedule } from "../domain/email/reminder-schedule";
import type { InvitationTemplate } from "../domain/email/invitation-template";

export * from "./auth-schema";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

export const surveys = sqliteTable(
  "surveys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    /** Public link slug, unique across organisations because `/s/:slug` has no tenant in it. */
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    status: text("status", { enum: ["draft", "published", "closed"] }).notNull().default("draft"),
    /** public: anyone with the link; invitation: only personal tokens; both. */
    accessMode: text("access_mode", { enum: ["public", "invitation", "both"] }).notNull().default("public"),
    /** Working copy of the definition (JSON); published versions are frozen in survey_versions. */
    draftDefinition: text("draft_definition", { mode: "json" }).notNull(),
    publishedVersion: integer("published_version"),
    opensAt: integer("opens_at", { mode: "timestamp_ms" }),
    closesAt: integer("closes_at", { mode: "timestamp_ms" }),
    responseQuota: integer("response_quota"),
    completedCount: integer("completed_count").notNull().default(0),
    anonymous: integer("anonymous", { mode: "boolean" }).notNull().default(false),
    storeIp: integer("store_ip", { mode: "boolean" }).notNull().default(false),
    retentionDays: integer("retention_days"),
    /** Complaint trigger rules (src/domain/complaints), JSON. */
    complaintTriggers: text("complaint_triggers", { mode: "json" }),
    /** Automatic e-mail reminders (src/domain/email/reminder-schedule.ts), JSON; null = none. Run by the cron. */
    reminderSchedule: text("reminder_schedule", { mode: "json" }).$type<ReminderSchedule>(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("surveys_slug_unique").on(t.slug), index("surveys_org_idx").on(t.organizationId)],
);

export const surveyVersions = sqliteTable(
  "survey_versions",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: text("definition", { mode: "json" }).notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    publishedBy: text("published_by"),
  },
  (t) => [uniqueIndex("survey_versions_unique").on(t.surveyId, t.version)],
);

export const surveyInvitations = sqliteTable(
  "survey_invitations",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself is only ever in the link. */
    tokenHash: text("token_hash").notNull(),
    email: text("email"),
    /** Segment attributes passed to the response as hidden fields (touchpoint, region, tier, …). */
    hidden: text("hidden", { mode: "json" }),
    validFrom: integer("valid_from", { mode: "timestamp_ms" }),
    validUntil: integer("valid_until", { mode: "timestamp_ms" }),
    usesLeft: integer("uses_left").notNull().default(1),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
    remindedAt: integer("reminded_at", { mode: "timestamp_ms" }),
    reminderCount: integer("reminder_count").notNull().default(0),
    /** Set by the completion that consumed a use; the response insert in the same batch tests it. */
    writeNonce: text("write_nonce"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("survey_invitations_token_unique").on(t.tokenHash),
    index("survey_invitations_survey_idx").on(t.organizationId, t.surveyId),
    index("survey_invitations_email_idx").on(t.organizationId, t.email),
  ],
);

export const responses = sqliteTable(
  "responses",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** Client-chosen idempotency key: a retry with the same id never creates a second response. */
    submissionId: text("submission_id").notNull(),
    invitationId: text("invitation_id"),
    /** SHA-256 of the resume secret for public-link partial responses. */
    resumeHash: text("resume_hash"),
    language: text("language").notNull(),
    hidden: text("hidden", { mode: "json" }).$type<Record<string, string>>().notNull(),
    answers: text("answers", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["partial", "completed"] }).notNull(),
    currentPage: integer("current_page").notNull().default(0),
    touchpoint: text("touchpoint"),
    region: text("region"),
    tier: text("tier"),
    respondentEmail: text("respondent_email"),
    ip: text("ip"),
    anonymised: integer("anonymised", { mode: "boolean" }).notNull().default(false),
    /** Set by the write that last changed the row; later statements of the same batch test it. */
    writeNonce: text("write_nonce"),
    /** Staff tags (JSON array of strings). */
    tags: text("tags", { mode: "json" }).$type<string[]>(),
    /** When complaint triggers were evaluated (queue consumer); the cron retries rows left null. */
    triggersEvaluatedAt: integer("triggers_evaluated_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("responses_submission_unique").on(t.surveyId, t.submissionId),
    index("responses_org_survey_created_idx").on(t.organizationId, t.surveyId, t.createdAt),
    // Every index entry is a row D1 writes (and bills) with the response. Public-link responses (most of
    // them) have no invitation and no e-mail, so these two indexes hold only the rows that do: lookups by
    // `invitation_id = ?` / `respondent_email = ?` imply IS NOT NULL and still use them.
    index("responses_invitation_idx").on(t.invitationId).where(sql`invitation_id IS NOT NULL`),
    index("responses_email_idx").on(t.organizationId, t.respondentEmail).where(sql`respondent_email IS NOT NULL`),
    // The cron's sweep of completed responses whose follow-up was never evaluated (src/jobs/scheduled.ts):
    // a partial index holds only those, so the sweep does not scan every completed response. Its
    // query must repeat this WHERE with literals (a bound parameter does not match a partial index).
    index("responses_follow_up_pending_idx").on(t.completedAt).where(sql`status = 'completed' AND triggers_evaluated_at IS NULL`),
  ],
);

/** The columns a statistics bucket has besides its period (day or month): survey version, segment cell, n and the vector. */
function statsBucketColumns() {
  return {
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id").notNull(),
    version: integer("version").notNull(),
    touchpoint: text("touchpoint").notNull().default(""),
    region: text("region").notNull().default(""),
    tier: text("tier").notNull().default(""),
    n: integer("n").notNull(),
    vector: text("vector").notNull(),
  };
}

/**
 * Mergeable sufficient statistics per survey version × UTC day × segment. The vector layout is fixed
 * by the version's definition, so a completed response adds its delta element-wise inside SQL
 * (one atomic statement in the response's batch; no read-modify-write race between Workers).
 */
export const surveyDailyStats = sqliteTable(
  "survey_daily_stats",
  { ...statsBucketColumns(), day: text("day").notNull() },
  (t) => [
    primaryKey({ columns: [t.surveyId, t.version, t.day, t.touchpoint, t.region, t.tier] }),
    index("survey_daily_stats_org_idx").on(t.organizationId, t.surveyId, t.day),
  ],
);

/**
 * Calendar-month roll-ups of survey_daily_stats (same keys and vector layout, `month` = YYYY-MM):
 * each row is the exact sum of that month's day rows, written by the same compaction batch, so a
 * dashboard range reads whole months as one row each and day rows only for the partial months at
 * its edges (a year = 12 rows instead of 365).
 */
export const surveyMonthlyStats = sqliteTable(
  "survey_monthly_stats",
  { ...statsBucketColumns(), month: text("month").notNull() },
  (t) => [
    primaryKey({ columns: [t.surveyId, t.version, t.month, t.touchpoint, t.region, t.tier] }),
    index("survey_monthly_stats_org_idx").on(t.organizationId, t.surveyId, t.month),
  ],
);

/**
 * The submit path's statistics write: one row per completed response (its numeric answers and its
 * bucket), appended in the response's own batch. Compaction (src/db/queries/stats-compaction.ts)
 * folds these rows into survey_daily_stats; readers add the few rows not yet folded.
 */
export const surveyStatsPending = sqliteTable(
  "survey_stats_pending",
  {
    surveyId: text("survey_id").notNull(),
    /**
     * Position in the survey's log: above every id the survey ever logged or folded
     * (`nextStatsLogIdSql`), so compaction's watermark (survey_stats_compaction.through_id) never
     * meets an id twice.
     */
    id: integer("id").notNull(),
    organizationId: text("organization_id").notNull(),
    version: integer("version").notNull(),
    day: text("day").notNull(),
    touchpoint: text("touchpoint").notNull(),
    region: text("region").notNull(),
    tier: text("tier").notNull(),
    responseId: text("response_id").notNull(),
    /** The response's numeric answers in the version's layout order (null = missing). */
    row: text("row").notNull(),
  },
  // The key is the only index (compaction and readers go by survey) and the table is WITHOUT ROWID
  // (migration 0006): an append writes one row — no separate index entry, no AUTOINCREMENT counter.
  // A response is logged once because the append is gated on its own write's nonce, not by a unique key.
  (t) => [primaryKey({ columns: [t.surveyId, t.id] })],
);

/** How far compaction has folded the pending rows of a survey (optimistic concurrency token). */
export const surveyStatsCompaction = sqliteTable("survey_stats_compaction", {
  surveyId: text("survey_id").primaryKey(),
  throughId: integer("through_id").notNull().default(0),
  nonce: text("nonce"),
  compactedAt: integer("compacted_at", { mode: "timestamp_ms" }),
  /**
   * The `through_id` at which survey_monthly_stats last equalled the sum of the day rows. Readers use
   * the month rows only while it equals `through_id`; null (before the month rows were built, or
   * after a compaction by a Worker that does not write them) makes the next compaction rebuild them.
   */
  monthlyThroughId: integer("monthly_through_id"),
});

/** Internal staff notes on a response (never shown to the respondent). */
export const responseNotes = sqliteTable(
  "response_notes",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    responseId: text("response_id")
      .notNull()
      .references(() => responses.id, { onDelete: "cascade" }),
    authorId: text("author_id"),
    authorName: text("author_name"),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("response_notes_response_idx").on(t.organizationId, t.responseId)],
);

/** Survey page views per day, the top of the views → starts → completions funnel. */
export const surveyDailyViews = sqliteTable(
  "survey_daily_views",
  {
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id").notNull(),
    day: text("day").notNull(),
    views: integer("views").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.day] })],
);

/**
 * Bootstrap confidence intervals need the raw rows, so they are computed by a queue job, never on
 * the request path; the indices endpoint attaches the latest finished run for the same selection.
 */
export const bootstrapRuns = sqliteTable(
  "bootstrap_runs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    surveyId: text("survey_id").notNull(),
    /** Canonical selection: from, to and segment filters (JSON text), compared for equality. */
    selection: text("selection").notNull(),
    samples: integer("samples").notNull(),
    seed: integer("seed").notNull(),
    status: text("status", { enum: ["queued", "running", "finished", "failed"] }).notNull(),
    result: text("result", { mode: "json" }),
    error: text("error"),
    createdAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("bootstrap_runs_selection_idx").on(t.organizationId, t.surveyId, t.selection)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role").notNull(),
    /** SHA-256 of the full key; the key is shown once at creation. */
    keyHash: text("key_hash").notNull(),
    /** First characters, to recognise a key in lists without revealing it. */
    prefix: text("prefix").notNull(),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    /** Optional end of validity: from then on the key is refused like a revoked one. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_org_idx").on(t.organizationId)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    actorKind: text("actor_kind").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    data: text("data", { mode: "json" }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("audit_log_org_at_idx").on(t.organizationId, t.at)],
);

/** Organisation settings Feedloop adds to better-auth's organisation row (time zone, working hours). */
export const organizationSettings = sqliteTable("organization_settings", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  timeZone: text("time_zone").notNull().default("UTC"),
  /** JSON business calendar: working days, hours, holidays (src/domain/complaints). */
  businessCalendar: text("business_calendar", { mode: "json" }),
  complaintSequence: integer("complaint_sequence").notNull().default(0),
  fatigueDays: integer("fatigue_days"),
});

/**
 * The organisation's e-mail suppression list: addresses that unsubscribed (one-click link or RFC 8058
 * POST) or bounced. Survey invitations and reminders are never sent to them (src/jobs/email-sender.ts
 * checks at send time, the import report names them). Stored lower-case; one row per address.
 */
export const emailSuppressions = sqliteTable(
  "email_suppressions",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    reason: text("reason", { enum: ["unsubscribed", "bounced", "complained", "manual"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.email] })],
);

/**
 * The organisation's own survey invitation e-mail (src/domain/email/invitation-template.ts): subject
 * and body per language with {{placeholders}}. No row = the built-in branded bilingual invitation.
 */
export const emailTemplates = sqliteTable(
  "email_templates",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["survey_invitation"] }).notNull(),
    template: text("template", { mode: "json" }).$type<InvitationTemplate>().notNull(),
    updatedBy: text("updated_by"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.kind] })],
);

export * from "./complaint-schema";
export * from "./science-schema";
export * from "./email-inbound-schema";
export * from "./text-schema";
export * from "./export-schema";
export * from "./saved-views-schema";
export * from "./reply-templates-schema";
export * from "./shard-schema";
export * from "./report-schedules-schema";
