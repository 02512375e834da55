/**
 * Complaint analytics for a period (ISO 10002 monitoring KPIs), computed by the pure functions of
 * src/domain/complaints/analytics.ts over the complaints received in [from, to).
 */
import { and, eq, gt, gte, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../env";
import { complaints } from "../schema";
import {
  type AnalyticsGranularity,
  type ComplaintAnalyticsRecord,
  type ComplaintPriority,
  type ComplaintState,
  complaintHandlingTimes,
  complaintVolumesByPeriod,
  DEFAULT_VOLUME_ANOMALY_OPTIONS,
  detectComplaintVolumeAnomalies,
  firstContactResolutionRate,
  handlingSatisfaction,
  milestoneReachedAt,
  type PostComplaintSurveyResult,
  reopenRate,
  resolveComplaintSlaPolicy,
  slaCompliance,
  SLA_MILESTONES,
  type SlaMilestone,
  slaMilestoneOutcomes,
} from "../../domain/complaints";
import { loadComplaintContext } from "./complaints";

/** Enough for any realistic period of one organisation; beyond it the response says `truncated`. */
const MAX_RECORDS = 20_000;
const DAY_MS = 86_400_000;

export const VOLUME_ANOMALY_RULE =
  "For each category, complaints received in the last 7 days (rolling, ending at `to`) are compared with the 8 preceding 7-day windows: " +
  "alert when the current count is at least 5 and exceeds mean + 3 × max(sd, √mean) of the baseline counts " +
  "(√mean is the Poisson floor so a flat baseline does not make a small rise an alert).";

export async function complaintAnalytics(db: Db, organizationId: string, options: { from: Date; to: Date; granularity: AnalyticsGranularity; now: Date }) {
  const ctx = await loadComplaintContext(db, organizationId);
  // The anomaly rule looks at the 9 weeks ending at `to`, whatever the requested period.
  const windowStart = new Date(options.to.getTime() - DEFAULT_VOLUME_ANOMALY_OPTIONS.windowDays * (DEFAULT_VOLUME_ANOMALY_OPTIONS.baselineWindows + 1) * DAY_MS);
  const inPeriod = and(eq(complaints.organizationId, organizationId), gte(complaints.receivedAt, options.from), lt(complaints.receivedAt, options.to));
  const storedOutcomesCurrent = eq(complaints.slaOutcomeBasis, ctx.slaOutcomeBasis);
  // A milestone's breach at `now` from its stored outcome (storedMilestoneBreached, in SQL); NULL
  // when the row's outcomes were stored under other policies/calendar or never (before 0004).
  const storedBreach = (outcome: AnySQLiteColumn, breachedAfter: AnySQLiteColumn) =>
    sql<number | null>`CASE WHEN ${storedOutcomesCurrent} THEN (${outcome} = 'breached' OR (${outcome} = 'open' AND coalesce(${breachedAfter} < ${options.now.getTime()}, 0))) END`;
  const storedMinutes = (minutes: AnySQLiteColumn) => sql<number | null>`CASE WHEN ${storedOutcomesCurrent} THEN ${minutes} END`;
  // Only the columns the KPIs use: the descriptions, contacts and routing fields of a complaint are
  // most of its bytes, and reading them for every complaint of a period dominated the call. The SLA
  // outcomes and business minutes come stored; no calendar walk per complaint.
  const periodQuery = db
    .select({
      id: complaints.id,
      state: complaints.state,
      category: complaints.category,
      touchpoint: complaints.touchpoint,
      segment: complaints.segment,
      receivedAt: complaints.receivedAt,
      acknowledgedAt: complaints.acknowledgedAt,
      firstRespondedAt: complaints.firstRespondedAt,
      closedAt: complaints.closedAt,
      reopenCount: complaints.reopenCount,
      staffPublicReplyCount: complaints.staffPublicReplyCount,
      acknowledgeBreached: storedBreach(complaints.acknowledgeSlaOutcome, complaints.acknowledgeBreachedAfter),
      firstResponseBreached: storedBreach(complaints.firstResponseSlaOutcome, complaints.firstResponseBreachedAfter),
      resolutionBreached: storedBreach(complaints.resolutionSlaOutcome, complaints.resolutionBreachedAfter),
      acknowledgeBusinessMinutes: storedMinutes(complaints.acknowledgeBusinessMinutes),
      firstResponseBusinessMinutes: storedMinutes(complaints.firstResponseBusinessMinutes),
      resolutionBusinessMinutes: storedMinutes(complaints.resolutionBusinessMinutes),
      handlingRespondedAt: complaints.handlingRespondedAt,
      handlingCsat: complaints.handlingCsat,
      handlingCes: complaints.handlingCes,
      handlingResolved: complaints.handlingResolved,
    })
    .from(complaints)
    .where(inPeriod)
    .limit(MAX_RECORDS + 1);
  // Rows without current stored outcomes are computed as before: what the calculator needs.
  const unstoredQuery = db
    .select({ id: complaints.id, priority: complaints.priority, stateHistory: complaints.stateHistory })
    .from(complaints)
    .where(and(inPeriod, or(isNull(complaints.slaOutcomeBasis), ne(complaints.slaOutcomeBasis, ctx.slaOutcomeBasis))))
    .limit(MAX_RECORDS + 1);
  const recentQuery = db
    .select({ category: complaints.category, receivedAt: complaints.receivedAt })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), gt(complaints.receivedAt, windowStart), lte(complaints.receivedAt, options.to)));
  const openQuery = db
    .select({ open: sql<number>`count(*)` })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), sql`${complaints.state} != 'closed'`));
  const [rows, unstoredRows, recent, [{ open }]] = await db.batch([periodQuery, unstoredQuery, recentQuery, openQuery]);
  const unstored = new Map(unstoredRows.map((row) => [row.id, row]));
  const truncated = rows.length > MAX_RECORDS;
  const records: ComplaintAnalyticsRecord[] = rows.slice(0, MAX_RECORDS).map((row) => {
    const reached = { acknowledgedAt: row.acknowledgedAt, firstRespondedAt: row.firstRespondedAt, closedAt: row.closedAt };
    const record = {
      id: row.id,
      state: row.state as ComplaintState,
      category: row.category,
      touchpoint: row.touchpoint,
      segment: row.segment ?? {},
      receivedAt: row.receivedAt,
      ...reached,
      reopenCount: row.reopenCount,
      staffPublicReplyCount: row.staffPublicReplyCount,
    };
    const lazy = unstored.get(row.id);
    if (lazy) {
      // The same field mapping as rowToComplaint, for the fields the SLA calculator reads.
      const facts = { ...record, stateHistory: lazy.stateHistory.map((entry) => ({ state: entry.state as ComplaintState, at: new Date(entry.at) })) };
      const policy = resolveComplaintSlaPolicy(ctx.policies, lazy.priority as ComplaintPriority, record.category);
      return { ...record, sla: slaMilestoneOutcomes(facts, policy, ctx.calendar, options.now) };
    }
    const breached: Record<SlaMilestone, number | null> = {
      acknowledge: row.acknowledgeBreached,
      first_response: row.firstResponseBreached,
      resolution: row.resolutionBreached,
    };
    // Met = reached (the stored outcome was decided with the same milestone times, in the same write).
    const sla = Object.fromEntries(SLA_MILESTONES.map((milestone) => [milestone, { metAt: milestoneReachedAt(reached, milestone), breached: breached[milestone] === 1 }])) as Record<
      SlaMilestone,
      { metAt: Date | null; breached: boolean }
    >;
    const businessMinutes = { acknowledge: row.acknowledgeBusinessMinutes, first_response: row.firstResponseBusinessMinutes, resolution: row.resolutionBusinessMinutes };
    return { ...record, sla, businessMinutes };
  });
  const volumes = complaintVolumesByPeriod(records, ["category", "touchpoint", "segment.region", "segment.tier"], { granularity: options.granularity, timeZone: ctx.timeZone });
  const volume = { category: volumes.category, touchpoint: volumes.touchpoint, region: volumes["segment.region"], tier: volumes["segment.tier"] };
  const surveyResults: PostComplaintSurveyResult[] = rows
    .filter((row) => row.handlingRespondedAt !== null)
    .map((row) => ({ complaintId: row.id, respondedAt: row.handlingRespondedAt!, csat: row.handlingCsat, ces: row.handlingCes, resolved: row.handlingResolved }));

  const anomalies = detectComplaintVolumeAnomalies(recent, options.to);

  return {
    from: options.from.toISOString(),
    to: options.to.toISOString(),
    granularity: options.granularity,
    timeZone: ctx.timeZone,
    total: records.length,
    truncated,
    openNow: open,
    byState: Object.fromEntries([...new Set(records.map((r) => r.state))].map((state) => [state, records.filter((r) => r.state === state).length])),
    volume,
    handlingTimes: complaintHandlingTimes(records),
    handlingBusinessTimes: complaintHandlingTimes(records, { calendar: ctx.calendar }),
    slaCompliance: slaCompliance(records),
    reopenRate: reopenRate(records),
    firstContactResolution: firstContactResolutionRate(records),
    handlingSatisfaction: handlingSatisfaction(surveyResults),
    volumeAnomalies: { rule: VOLUME_ANOMALY_RULE, alerts: anomalies.filter((a) => a.alert), categories: anomalies },
  };
}
