/**
 * Complaint analytics for a period (ISO 10002 monitoring KPIs) over the complaints received in
 * [from, to). Counts, SLA compliance and volumes per civil day are grouped in SQL from what each
 * complaint write stores (SLA outcomes, business milliseconds, local date of receipt — see
 * storedSlaOutcomeColumns); the pure functions of src/domain/complaints/analytics.ts turn them into
 * the KPIs. Rows stored under other policies/calendar (or before migration 0004) are computed per
 * complaint as before, so the answer is the same either way.
 */
import type { Db } from "../../env";
import {
  type AnalyticsGranularity,
  type ComplaintAnalyticsRecord,
  type ComplaintDayCount,
  type ComplaintPriority,
  type ComplaintState,
  businessMinutesBetween,
  handlingTimesFromDurations,
  milestoneReachedAt,
  complaintVolumeFromDayCounts,
  complaintVolumesByPeriod,
  type ComplaintVolumeRow,
  DEFAULT_VOLUME_ANOMALY_OPTIONS,
  handlingSatisfaction,
  type PostComplaintSurveyResult,
  type RateSummary,
  rateSummary,
  resolveComplaintSlaPolicy,
  slaCompliance,
  SLA_MILESTONES,
  type SlaMilestone,
  slaMilestoneOutcomes,
  UNSPECIFIED_DIMENSION_KEY,
  volumeAnomaliesFromWindowCounts,
} from "../../domain/complaints";
import { type ComplaintOrgContext, loadComplaintContext } from "./complaints";

/** Enough for any realistic period of one organisation; beyond it the response says `truncated`. */
const MAX_RECORDS = 20_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export const VOLUME_ANOMALY_RULE =
  "For each category, complaints received in the last 7 days (rolling, ending at `to`) are compared with the 8 preceding 7-day windows: " +
  "alert when the current count is at least 5 and exceeds mean + 3 × max(sd, √mean) of the baseline counts " +
  "(√mean is the Poisson floor so a flat baseline does not make a small rise an alert).";

export type ComplaintAnalyticsOptions = { from: Date; to: Date; granularity: AnalyticsGranularity; now: Date };

/** Volume dimensions: the response field and the SQL expression of the raw value (segment values as JSON text). */
const VOLUME_DIMENSIONS = [
  { field: "category", sql: "category", json: false },
  { field: "touchpoint", sql: "touchpoint", json: false },
  { field: "region", sql: "segment -> '$.region'", json: true },
  { field: "tier", sql: "segment -> '$.tier'", json: true },
] as const;
type VolumeField = (typeof VOLUME_DIMENSIONS)[number]["field"];
/** Where a `group` row of periodStatement carries each dimension's raw value. */
const groupValueColumn: Record<VolumeField, "h2" | "h3" | "h4" | "h5"> = { category: "h2", touchpoint: "h3", region: "h4", tier: "h5" };

/** Each milestone's stored columns are named after it: `<milestone>_sla_outcome`, `_breached_after`, `_business_ms`. */
const MILESTONE_COLUMNS = SLA_MILESTONES;

/**
 * Rows of the one-scan statement: `kind` says what the other columns hold (see periodStatement).
 * Numbers come back as numbers; `a`/`b` are text or null.
 */
type PeriodRow = {
  kind: string;
  a: unknown;
  b: unknown;
  n: number | null;
  c1: number | null;
  c2: number | null;
  c3: number | null;
  c4: number | null;
  c5: number | null;
  c6: number | null;
  c7: number | null;
  c8: number | null;
  c9: number | null;
  c10: number | null;
  /** JSON arrays: elapsed ms (h1–h3) and stored business ms (h4–h6, null where not current) per milestone. */
  h1: string | null;
  h2: string | null;
  h3: string | null;
  h4: string | null;
  h5: string | null;
  h6: string | null;
};

/**
 * One statement, one scan of the period's complaints (?1 organisation, ?2 from, ?3 to; ?4 the
 * organisation's current basis, ?5 now): `p` holds the narrow columns of the first MAX_RECORDS
 * rows in index order — the records the previous per-record computation used — and the UNION ALL
 * returns, by kind (D1 caps the terms of a compound SELECT, hence few kinds):
 *   counts   n total, c1 ever closed, c2 reopened, c3 closed, c4 first contact, c5–c10 on time /
 *            breached per milestone (current stored outcomes only), b rows without current stored
 *            outcomes, h1–h6 the handling-time durations of the complaints that reached each
 *            milestone, in row order, as JSON arrays (one value instead of 10,000 rows)
 *   group    complaints per civil day × state × volume values: a day, b state, c1 current stored
 *            outcomes (volumes count only those), n count, h1 the first row's "received_at rowid"
 *            key (states are listed in order of first appearance), h2–h5 category, touchpoint,
 *            region and tier (segment values as JSON text); one grouping instead of one per dimension
 *   survey   per surveyed complaint: a its position key, n answered, c1 CSAT, c2 CES, c3 resolved
 */
export function periodStatement(): string {
  // storedMilestoneBreached in SQL: 1 met on time, 2 breached, 0 open and not (yet) breached.
  const outcomeCode = (prefix: string) =>
    `CASE WHEN ${prefix}_sla_outcome = 'met_on_time' THEN 1 WHEN ${prefix}_sla_outcome = 'breached' OR (${prefix}_sla_outcome = 'open' AND ${prefix}_breached_after < ?5) THEN 2 ELSE 0 END AS ${prefix}_code`;
  const pad = (count: number) => Array.from({ length: count }, () => "NULL").join(", ");
  const reached = ["acknowledged_at", "first_responded_at", "closed_at"];
  const durations = [
    ...reached.map((column, m) => `json_group_array(${column} - received_at) FILTER (WHERE ${column} IS NOT NULL) AS h${m + 1}`),
    ...reached.map((column, m) => `json_group_array(CASE WHEN cur THEN ${MILESTONE_COLUMNS[m]}_business_ms END) FILTER (WHERE ${column} IS NOT NULL) AS h${m + 4}`),
  ].join(", ");
  const columns = [
    `coalesce(sla_outcome_basis = ?4, 0) AS cur`,
    // The index order (received_at, rowid) as a sortable text key, for the first appearance of a state.
    `printf('%015d %015d', received_at, rowid) AS position`,
    "state, received_at, acknowledged_at, first_responded_at, closed_at, reopen_count, staff_public_reply_count, received_local_date",
    ...MILESTONE_COLUMNS.map(outcomeCode),
    ...MILESTONE_COLUMNS.map((prefix) => `${prefix}_business_ms`),
    ...VOLUME_DIMENSIONS.map((dimension) => `${dimension.sql} AS ${dimension.field}_value`),
    "handling_responded_at, handling_csat, handling_ces, handling_resolved",
  ].join(", ");
  // Named: the first SELECT of a compound names the result columns.
  const milestoneSums = MILESTONE_COLUMNS.map((prefix, m) => `sum(cur AND ${prefix}_code = 1) AS c${5 + 2 * m}, sum(cur AND ${prefix}_code = 2) AS c${6 + 2 * m}`).join(", ");
  const withPeriod = `WITH p AS MATERIALIZED (SELECT ${columns} FROM complaints WHERE organization_id = ?1 AND received_at >= ?2 AND received_at < ?3 LIMIT ${MAX_RECORDS})\n`;
  return (
    withPeriod +
    [
      `SELECT 'counts' AS kind, NULL AS a, sum(NOT cur) AS b, count(*) AS n, sum(closed_at IS NOT NULL OR reopen_count > 0) AS c1, sum(reopen_count > 0) AS c2,
         sum(state = 'closed') AS c3, sum(state = 'closed' AND reopen_count = 0 AND staff_public_reply_count = 1) AS c4, ${milestoneSums},
         ${durations} FROM p`,
      `SELECT 'group', received_local_date, state, count(*), cur, ${pad(9)}, min(position), ${VOLUME_DIMENSIONS.map((dimension) => `${dimension.field}_value`).join(", ")}, NULL
         FROM p GROUP BY received_local_date, state, cur, ${VOLUME_DIMENSIONS.map((dimension) => `${dimension.field}_value`).join(", ")}`,
      `SELECT 'survey', position, NULL, handling_responded_at, handling_csat, handling_ces, handling_resolved, ${pad(13)} FROM p WHERE handling_responded_at IS NOT NULL`,
    ].join("\nUNION ALL ")
  );
}

/**
 * The period's KPIs from stored outcomes in one batch (the period scan, the anomaly windows, the
 * open count), then — only if some rows have no current stored outcomes — those rows in full.
 */
export async function readComplaintAnalyticsRows(db: Db, ctx: ComplaintOrgContext, options: ComplaintAnalyticsOptions) {
  const windowMs = DEFAULT_VOLUME_ANOMALY_OPTIONS.windowDays * DAY_MS;
  // The anomaly rule looks at the 9 weeks ending at `to`, whatever the requested period.
  const windowStart = options.to.getTime() - windowMs * (DEFAULT_VOLUME_ANOMALY_OPTIONS.baselineWindows + 1);
  const params = [ctx.organizationId, options.from.getTime(), options.to.getTime(), ctx.slaOutcomeBasis, options.now.getTime(), windowStart, windowMs];
  const d1 = db.$client;
  // Bind as many parameters as the statement numbers (D1 refuses extra ones).
  const statement = (text: string) => d1.prepare(text).bind(...params.slice(0, Math.max(...[...text.matchAll(/\?(\d)/g)].map((m) => Number(m[1])))));
  const [period, beyond, recent, open] = await d1.batch<Record<string, unknown>>([
    statement(periodStatement()),
    // The row after the first MAX_RECORDS, if any: the period is truncated, and the previous
    // computation also took this row's handling-survey result.
    statement(
      `SELECT handling_responded_at, handling_csat, handling_ces, handling_resolved FROM complaints WHERE organization_id = ?1 AND received_at >= ?2 AND received_at < ?3 LIMIT 1 OFFSET ${MAX_RECORDS}`,
    ),
    // Complaints per category and window back from `to` (received in (to − 9 W, to]); the division is
    // in doubles as in detectComplaintVolumeAnomalies (D1 binds numbers as REAL), truncated = floor.
    statement(`SELECT category, CAST((?3 - received_at) / ?7 AS INTEGER) AS windows_back, count(*) AS n FROM complaints WHERE organization_id = ?1 AND received_at > ?6 AND received_at <= ?3 GROUP BY 1, 2`),
    statement(`SELECT count(*) AS open FROM complaints WHERE organization_id = ?1 AND state != 'closed'`),
  ]);
  const rows = period!.results as PeriodRow[];
  const counts = rows.find((row) => row.kind === "counts")!;
  const unstored =
    Number(counts.b ?? 0) > 0
      ? (
          await statement(
            `SELECT id, state, priority, category, touchpoint, segment, received_at, acknowledged_at, first_responded_at, closed_at, state_history
             FROM (SELECT *, coalesce(sla_outcome_basis = ?4, 0) AS cur FROM complaints WHERE organization_id = ?1 AND received_at >= ?2 AND received_at < ?3 LIMIT ${MAX_RECORDS}) WHERE NOT cur`,
          ).all<Record<string, unknown>>()
        ).results
      : [];
  return {
    rows,
    counts,
    beyond: beyond!.results[0] as { handling_responded_at: number | null; handling_csat: number | null; handling_ces: number | null; handling_resolved: number | null } | undefined,
    recent: recent!.results as { category: string | null; windows_back: number; n: number }[],
    open: Number((open!.results[0] as { open: number }).open),
    unstored,
  };
}

const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : new Date(Number(value)));

export async function complaintAnalytics(db: Db, organizationId: string, options: ComplaintAnalyticsOptions) {
  const ctx = await loadComplaintContext(db, organizationId);
  const read = await readComplaintAnalyticsRows(db, ctx, options);
  const { counts } = read;
  const ofKind = (kind: string) => read.rows.filter((row) => row.kind === kind);
  const groups = ofKind("group");

  // Rows without current stored outcomes: the previous per-complaint computation.
  const lazy = read.unstored.map((row) => {
    const complaint = {
      id: String(row.id),
      state: row.state as ComplaintState,
      category: (row.category as string | null) ?? null,
      touchpoint: (row.touchpoint as string | null) ?? null,
      segment: row.segment ? (JSON.parse(String(row.segment)) as ComplaintAnalyticsRecord["segment"]) : {},
      receivedAt: new Date(Number(row.received_at)),
      acknowledgedAt: dateOrNull(row.acknowledged_at),
      firstRespondedAt: dateOrNull(row.first_responded_at),
      closedAt: dateOrNull(row.closed_at),
      // Not read: reopen and first-contact counts come from SQL for every row.
      reopenCount: 0,
      staffPublicReplyCount: 0,
      stateHistory: (JSON.parse(String(row.state_history)) as { state: string; at: number }[]).map((entry) => ({ state: entry.state as ComplaintState, at: new Date(entry.at) })),
    };
    const policy = resolveComplaintSlaPolicy(ctx.policies, row.priority as ComplaintPriority, complaint.category);
    return { ...complaint, sla: slaMilestoneOutcomes(complaint, policy, ctx.calendar, options.now) };
  });
  const lazyCompliance = slaCompliance(lazy);
  const storedSums = [counts.c5, counts.c6, counts.c7, counts.c8, counts.c9, counts.c10].map((value) => Number(value ?? 0));
  const slaComplianceResult = Object.fromEntries(
    SLA_MILESTONES.map((milestone, m) => {
      const onTime = storedSums[2 * m]! + lazyCompliance[milestone].numerator;
      const decided = storedSums[2 * m]! + storedSums[2 * m + 1]! + lazyCompliance[milestone].denominator;
      return [milestone, rateSummary(onTime, decided)];
    }),
  ) as Record<SlaMilestone, RateSummary>;

  const lazyVolumes = complaintVolumesByPeriod(lazy, ["category", "touchpoint", "segment.region", "segment.tier"], { granularity: options.granularity, timeZone: ctx.timeZone });
  const lazyDimension: Record<VolumeField, ComplaintVolumeRow[]> = { category: lazyVolumes.category, touchpoint: lazyVolumes.touchpoint, region: lazyVolumes["segment.region"], tier: lazyVolumes["segment.tier"] };
  const volume = Object.fromEntries(
    VOLUME_DIMENSIONS.map((dimension) => {
      const value = (row: PeriodRow) => row[groupValueColumn[dimension.field]];
      const dayCounts: ComplaintDayCount[] = groups
        .filter((row) => row.c1 === 1)
        .map((row) => ({ localDate: String(row.a), value: dimension.json && value(row) !== null ? JSON.parse(String(value(row))) : value(row), count: Number(row.n) }));
      // A lazy row's period start is itself a civil day of that period.
      for (const row of lazyDimension[dimension.field]) dayCounts.push({ localDate: row.period, value: row.key === UNSPECIFIED_DIMENSION_KEY ? null : row.key, count: row.count });
      return [dimension.field, complaintVolumeFromDayCounts(dayCounts, options.granularity)];
    }),
  ) as Record<VolumeField, ComplaintVolumeRow[]>;

  // Durations in record order; a null business figure (no current stored value) is the next lazy
  // row that reached the milestone (both lists are in index order), walked on the calendar as before.
  const durationColumns = [counts.h1, counts.h2, counts.h3, counts.h4, counts.h5, counts.h6].map((json) => JSON.parse(json ?? "[]") as (number | null)[]);
  const elapsedMinutes = {} as Record<SlaMilestone, number[]>;
  const businessMinutes = {} as Record<SlaMilestone, number[]>;
  SLA_MILESTONES.forEach((milestone, m) => {
    elapsedMinutes[milestone] = durationColumns[m]!.map((ms) => Number(ms) / MINUTE_MS);
    const lazyReached = lazy.flatMap((record) => {
      const reachedAt = milestoneReachedAt(record, milestone);
      return reachedAt ? [{ receivedAt: record.receivedAt, reachedAt }] : [];
    });
    let nextLazy = 0;
    businessMinutes[milestone] = durationColumns[m + 3]!.map((ms) => {
      if (ms !== null) return ms / MINUTE_MS;
      const { receivedAt, reachedAt } = lazyReached[nextLazy++]!;
      return businessMinutesBetween(receivedAt, reachedAt, ctx.calendar);
    });
  });
  const surveyResults: PostComplaintSurveyResult[] = ofKind("survey").map((row) => ({
    complaintId: String(row.a),
    respondedAt: new Date(Number(row.n)),
    csat: row.c1,
    ces: row.c2,
    resolved: row.c3 === null ? null : Boolean(row.c3),
  }));
  const beyond = read.beyond;
  if (beyond && beyond.handling_responded_at !== null) {
    surveyResults.push({
      complaintId: "beyond",
      respondedAt: new Date(beyond.handling_responded_at),
      csat: beyond.handling_csat,
      ces: beyond.handling_ces,
      resolved: beyond.handling_resolved === null ? null : Boolean(beyond.handling_resolved),
    });
  }
  // States in order of first appearance, counted over all groups.
  const states = new Map<string, { count: number; first: string }>();
  for (const row of groups) {
    const state = String(row.b);
    const entry = states.get(state);
    if (!entry) states.set(state, { count: Number(row.n), first: String(row.h1) });
    else {
      entry.count += Number(row.n);
      if (String(row.h1) < entry.first) entry.first = String(row.h1);
    }
  }
  const windowCounts = new Map<string, number[]>();
  for (const row of read.recent) {
    const category = row.category ?? UNSPECIFIED_DIMENSION_KEY;
    let windows = windowCounts.get(category);
    if (!windows) {
      windows = new Array<number>(DEFAULT_VOLUME_ANOMALY_OPTIONS.baselineWindows + 1).fill(0);
      windowCounts.set(category, windows);
    }
    windows[row.windows_back]! += row.n;
  }
  const anomalies = volumeAnomaliesFromWindowCounts(windowCounts);

  return {
    from: options.from.toISOString(),
    to: options.to.toISOString(),
    granularity: options.granularity,
    timeZone: ctx.timeZone,
    total: Number(counts.n ?? 0),
    truncated: beyond !== undefined,
    openNow: read.open,
    byState: Object.fromEntries([...states.entries()].sort(([, x], [, y]) => (x.first < y.first ? -1 : 1)).map(([state, { count }]) => [state, count])),
    volume,
    handlingTimes: handlingTimesFromDurations(elapsedMinutes),
    handlingBusinessTimes: handlingTimesFromDurations(businessMinutes),
    slaCompliance: slaComplianceResult,
    reopenRate: rateSummary(Number(counts.c2 ?? 0), Number(counts.c1 ?? 0)),
    firstContactResolution: rateSummary(Number(counts.c4 ?? 0), Number(counts.c3 ?? 0)),
    handlingSatisfaction: handlingSatisfaction(surveyResults),
    volumeAnomalies: { rule: VOLUME_ANOMALY_RULE, alerts: anomalies.filter((a) => a.alert), categories: anomalies },
  };
}
