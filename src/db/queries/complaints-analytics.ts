/**
 * Complaint analytics for a period (ISO 10002 monitoring KPIs), computed by the pure functions of
 * src/domain/complaints/analytics.ts over the complaints received in [from, to).
 */
import { and, eq, gt, gte, lt, lte, sql } from "drizzle-orm";
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
  type PostComplaintSurveyResult,
  reopenRate,
  resolveComplaintSlaPolicy,
  slaCompliance,
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
  // Only the columns the KPIs use: the descriptions, contacts and routing fields of a complaint are
  // most of its bytes, and reading them for every complaint of a period dominated the call.
  const periodQuery = db
    .select({
      id: complaints.id,
      state: complaints.state,
      priority: complaints.priority,
      category: complaints.category,
      touchpoint: complaints.touchpoint,
      segment: complaints.segment,
      receivedAt: complaints.receivedAt,
      acknowledgedAt: complaints.acknowledgedAt,
      firstRespondedAt: complaints.firstRespondedAt,
      closedAt: complaints.closedAt,
      reopenCount: complaints.reopenCount,
      staffPublicReplyCount: complaints.staffPublicReplyCount,
      stateHistory: complaints.stateHistory,
      handlingRespondedAt: complaints.handlingRespondedAt,
      handlingCsat: complaints.handlingCsat,
      handlingCes: complaints.handlingCes,
      handlingResolved: complaints.handlingResolved,
    })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), gte(complaints.receivedAt, options.from), lt(complaints.receivedAt, options.to)))
    .limit(MAX_RECORDS + 1);
  const recentQuery = db
    .select({ category: complaints.category, receivedAt: complaints.receivedAt })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), gt(complaints.receivedAt, windowStart), lte(complaints.receivedAt, options.to)));
  const openQuery = db
    .select({ open: sql<number>`count(*)` })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), sql`${complaints.state} != 'closed'`));
  const [rows, recent, [{ open }]] = await db.batch([periodQuery, recentQuery, openQuery]);
  const truncated = rows.length > MAX_RECORDS;
  const records: ComplaintAnalyticsRecord[] = rows.slice(0, MAX_RECORDS).map((row) => {
    // The same field mapping as rowToComplaint, for the fields analytics reads.
    const complaint = {
      id: row.id,
      state: row.state as ComplaintState,
      priority: row.priority as ComplaintPriority,
      category: row.category,
      touchpoint: row.touchpoint,
      segment: row.segment ?? {},
      receivedAt: row.receivedAt,
      acknowledgedAt: row.acknowledgedAt,
      firstRespondedAt: row.firstRespondedAt,
      closedAt: row.closedAt,
      reopenCount: row.reopenCount,
      staffPublicReplyCount: row.staffPublicReplyCount,
      stateHistory: row.stateHistory.map((entry) => ({ state: entry.state as ComplaintState, at: new Date(entry.at) })),
    };
    // Compliance needs only met-at and breach per milestone (the same rule as complaintSla), not
    // the remaining-time figures, which walk the business calendar from now back to each due time.
    const policy = resolveComplaintSlaPolicy(ctx.policies, complaint.priority, complaint.category);
    return { ...complaint, sla: slaMilestoneOutcomes(complaint, policy, ctx.calendar, options.now) };
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
