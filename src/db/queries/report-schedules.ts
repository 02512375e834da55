/**
 * Scheduled e-mail reports (src/domain/reports): the schedules of an organisation, who receives a
 * digest, the figures it carries and the one batch that sends it at most once per period.
 */
import { and, asc, eq, inArray, isNotNull, lte, or } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { member, reportSchedules, surveys, user } from "../schema";
import { newId } from "../../lib/ids";
import type { ReportCadence, ReportLanguage, ReportPeriod, ReportRecipients } from "../../domain/reports/report-schedule";
import type { SurveyKpis, ComplaintKpis } from "../../domain/reports/report-digest";
import { computeSurveyIndices } from "../../domain/analytics/survey-indices";
import { createEmptyMoments } from "../../domain/stats/item-moments";
import { auditStatement } from "./response-admin";
import { loadMergedStats } from "./analytics";
import { loadVersionDefinition } from "./surveys";
import { complaintAnalytics } from "./complaints-analytics";
import { gatedInsert, updateStatement } from "./complaints-sql";
import type { OutboxInsert } from "./outbox";

export type ReportScheduleRow = typeof reportSchedules.$inferSelect;

export type ReportScheduleInput = {
  name: string;
  surveyId: string | null;
  cadence: ReportCadence;
  timeZone: string;
  recipients: ReportRecipients;
  language: ReportLanguage;
};

export function listReportSchedules(db: Db, organizationId: string): Promise<ReportScheduleRow[]> {
  return db.select().from(reportSchedules).where(eq(reportSchedules.organizationId, organizationId)).orderBy(asc(reportSchedules.name), asc(reportSchedules.id));
}

export async function findReportSchedule(db: Db, organizationId: string, id: string): Promise<ReportScheduleRow | undefined> {
  return db.query.reportSchedules.findFirst({ where: and(eq(reportSchedules.id, id), eq(reportSchedules.organizationId, organizationId)) });
}

/** True when the survey is the organisation's (a schedule never reports another tenant's survey). */
export async function surveyInOrganisation(db: Db, organizationId: string, surveyId: string): Promise<boolean> {
  const row = await db.query.surveys.findFirst({ where: and(eq(surveys.id, surveyId), eq(surveys.organizationId, organizationId)), columns: { id: true } });
  return row !== undefined;
}

/** Member ids among `memberIds` that are not members of the organisation. */
export async function unknownMemberIds(db: Db, organizationId: string, memberIds: string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await db.select({ id: member.id }).from(member).where(and(eq(member.organizationId, organizationId), inArray(member.id, memberIds)));
  const known = new Set(rows.map((row) => row.id));
  return memberIds.filter((id) => !known.has(id));
}

/** Insert and audit entry in one batch. */
export async function insertReportSchedule(db: Db, principal: Principal, input: ReportScheduleInput, nextDueAt: Date, now: Date): Promise<string> {
  const id = newId("rps");
  const d1 = db.$client;
  await d1.batch([
    gatedInsert(d1, "report_schedules", {
      id,
      organization_id: principal.organizationId,
      name: input.name,
      survey_id: input.surveyId,
      cadence: input.cadence,
      time_zone: input.timeZone,
      recipients: input.recipients,
      language: input.language,
      next_due_at: nextDueAt,
      created_by: principal.id,
      created_at: now,
      updated_at: now,
    }),
    auditStatement(d1, principal, { action: "report_schedule.created", targetType: "report_schedule", targetId: id, data: input }, now),
  ]);
  return id;
}

/** Update and audit entry in one batch; false when there is no such schedule in the organisation. */
export async function updateReportSchedule(db: Db, principal: Principal, id: string, input: ReportScheduleInput, nextDueAt: Date, now: Date): Promise<boolean> {
  const d1 = db.$client;
  const [updated] = await d1.batch([
    updateStatement(
      d1,
      "report_schedules",
      { name: input.name, survey_id: input.surveyId, cadence: input.cadence, time_zone: input.timeZone, recipients: input.recipients, language: input.language, next_due_at: nextDueAt, updated_at: now },
      { sql: "id = ? AND organization_id = ?", params: [id, principal.organizationId] },
    ),
    auditStatement(d1, principal, { action: "report_schedule.updated", targetType: "report_schedule", targetId: id, data: input }, now, "changes() > 0"),
  ]);
  return (updated?.meta.changes ?? 0) > 0;
}

export async function deleteReportSchedule(db: Db, principal: Principal, id: string, now: Date): Promise<boolean> {
  const d1 = db.$client;
  const [deleted] = await d1.batch([
    d1.prepare("DELETE FROM report_schedules WHERE id = ? AND organization_id = ?").bind(id, principal.organizationId),
    auditStatement(d1, principal, { action: "report_schedule.deleted", targetType: "report_schedule", targetId: id }, now, "changes() > 0"),
  ]);
  return (deleted?.meta.changes ?? 0) > 0;
}

export function dueReportSchedules(db: Db, now: Date, limit: number): Promise<ReportScheduleRow[]> {
  return db.select().from(reportSchedules).where(lte(reportSchedules.nextDueAt, now)).orderBy(asc(reportSchedules.nextDueAt)).limit(limit);
}

export type ReportRecipient = { memberId: string; email: string };

/** Members of the organisation holding one of the roles or named by id, each once. */
export async function reportRecipients(db: Db, organizationId: string, recipients: ReportRecipients): Promise<ReportRecipient[]> {
  const chosen = [
    ...(recipients.roles.length > 0 ? [inArray(member.role, recipients.roles)] : []),
    ...(recipients.memberIds.length > 0 ? [inArray(member.id, recipients.memberIds)] : []),
  ];
  if (chosen.length === 0) return [];
  return db
    .select({ memberId: member.id, email: user.email })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.organizationId, organizationId), or(...chosen), isNotNull(user.email)))
    .orderBy(asc(member.id));
}

/** The surveys a schedule reports on: its survey, or every published one of the organisation. */
export function reportSurveys(db: Db, organizationId: string, surveyId: string | null) {
  return db
    .select({ id: surveys.id, title: surveys.title, publishedVersion: surveys.publishedVersion })
    .from(surveys)
    .where(and(eq(surveys.organizationId, organizationId), isNotNull(surveys.publishedVersion), ...(surveyId ? [eq(surveys.id, surveyId)] : [])))
    .orderBy(asc(surveys.title), asc(surveys.id));
}

/**
 * A survey's KPIs for a period, read and computed exactly as the dashboard's indices endpoint does
 * (per-day statistics of the period's dates, `computeSurveyIndices` with the path scheme).
 */
export async function surveyPeriodKpis(db: Db, organizationId: string, survey: { id: string; publishedVersion: number }, period: ReportPeriod): Promise<SurveyKpis> {
  const [definition, [group]] = await Promise.all([
    loadVersionDefinition(db, survey.id, survey.publishedVersion),
    loadMergedStats(db, organizationId, survey.id, { from: period.from, to: period.to }, {}),
  ]);
  const result = computeSurveyIndices(definition, group?.moments ?? createEmptyMoments(), { scheme: "path" });
  return {
    responses: result.n,
    acsi: result.acsi,
    nps: result.metrics.nps?.score ?? null,
    csatTopTwoShare: result.metrics.csat?.topTwoShare ?? null,
    cesMean: result.metrics.ces?.mean ?? null,
    complaintRate: result.metrics.complaintRate?.rate ?? null,
  };
}

/** Complaints received in [start, end) and their median resolution time, from the complaint analytics the dashboard shows. */
export async function complaintPeriodKpis(db: Db, organizationId: string, bounds: { start: Date; end: Date }, now: Date): Promise<ComplaintKpis> {
  const analytics = await complaintAnalytics(db, organizationId, { from: bounds.start, to: bounds.end, granularity: "day", now });
  return { received: analytics.total, resolutionMedianMinutes: analytics.handlingTimes.resolution.medianMinutes ?? null };
}

/**
 * The digest's one batch: claim the period in the sent-log (ON CONFLICT DO NOTHING), insert the
 * outbox rows only if this claim won, and move the schedule to its next due time. Two cron runs
 * at once: one claim wins, the other inserts nothing. Returns the outbox ids written.
 */
export async function recordReportDigest(
  db: Db,
  input: { scheduleId: string; organizationId: string; period: ReportPeriod; outboxRows: OutboxInsert[]; nextDueAt: Date; now: Date },
): Promise<string[]> {
  const d1 = db.$client;
  const claimId = newId("rpc");
  const claimed = { sql: "EXISTS (SELECT 1 FROM report_digests_sent WHERE schedule_id = ? AND period_key = ? AND claim_id = ?)", params: [input.scheduleId, input.period.key, claimId] };
  const results = await d1.batch([
    gatedInsert(
      d1,
      "report_digests_sent",
      { schedule_id: input.scheduleId, period_key: input.period.key, organization_id: input.organizationId, claim_id: claimId, recipients: input.outboxRows.length, sent_at: input.now },
      { sql: "EXISTS (SELECT 1 FROM report_schedules WHERE id = ? AND organization_id = ?)", params: [input.scheduleId, input.organizationId] },
      { onConflictDoNothing: true },
    ),
    ...input.outboxRows.map((row) => gatedInsert(d1, "outbox", row, claimed, { returning: "id" })),
    updateStatement(d1, "report_schedules", { next_due_at: input.nextDueAt }, { sql: "id = ? AND next_due_at < ?", params: [input.scheduleId, input.nextDueAt] }),
  ]);
  return results.slice(1, 1 + input.outboxRows.length).flatMap((result) => (result.results as { id: string }[]).map((row) => row.id));
}

/** A preview digest (not recorded in the sent-log: it is not the period's scheduled send). */
export async function insertPreviewOutboxRow(db: Db, row: OutboxInsert): Promise<void> {
  await gatedInsert(db.$client, "outbox", row).run();
}
