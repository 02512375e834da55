/**
 * Reads the statistics rows (never the responses) and merges them. Which rows are read depends on
 * the filter (the all-segments roll-up, a one-dimension roll-up, or the exact cells) and on the
 * range: whole calendar months come from survey_monthly_stats, the partial months at the edges
 * from survey_daily_stats (src/domain/analytics/stats-range.ts).
 */
import { and, eq, gte, lte, ne, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { surveyDailyStats, surveyMonthlyStats, surveyStatsCompaction, surveyStatsPending } from "../schema";
import { createEmptyMoments, mergeMoments, type ItemMoments } from "../../domain/stats/item-moments";
import { planStatsRead, monthOfDay, type DayRange, type StatsReadPlan } from "../../domain/analytics/stats-range";
import { addVectorInto, decodeLoyalty, decodeMoments, type StatsLayout } from "../stats-vector";
import { createEmptyLoyaltyStats, mergeLoyaltyStats, type LoyaltyStats } from "../../domain/loyalty/stats";
import { addPendingRow, layoutsFor } from "./stats-compaction";
import { ALL_SEGMENTS } from "./responses";

export type { DayRange } from "../../domain/analytics/stats-range";
export const SEGMENT_DIMENSIONS = ["touchpoint", "region", "tier"] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];
export type SegmentFilter = Partial<Record<SegmentDimension, string>>;
/** Split the selection by one segment dimension, or by calendar month or ISO week. */
export type StatsGrouping = { splitBy?: SegmentDimension; interval?: "week" | "month" };

type SegmentColumns = Record<SegmentDimension, AnyColumn>;

/** Row selector for a filter, optionally keeping one dimension split out (segment comparison). */
function rowSelector(columns: SegmentColumns, filter: SegmentFilter, splitBy?: SegmentDimension): SQL[] {
  const given = SEGMENT_DIMENSIONS.filter((d) => filter[d] !== undefined);
  const column = (d: SegmentDimension) => columns[d];
  if (given.length === 0 && !splitBy) return SEGMENT_DIMENSIONS.map((d) => eq(column(d), ALL_SEGMENTS));
  if (given.length === 0 && splitBy) {
    return SEGMENT_DIMENSIONS.map((d) => (d === splitBy ? ne(column(d), ALL_SEGMENTS) : eq(column(d), ALL_SEGMENTS)));
  }
  if (given.length === 1 && (!splitBy || splitBy === given[0])) {
    return SEGMENT_DIMENSIONS.map((d) => (d === given[0] ? eq(column(d), filter[d]!) : eq(column(d), ALL_SEGMENTS)));
  }
  // Several dimensions: sum the exact cells that match.
  return SEGMENT_DIMENSIONS.map((d) => (filter[d] !== undefined ? eq(column(d), filter[d]!) : ne(column(d), ALL_SEGMENTS)));
}

const NOTHING = sql`0`;

/** `loyalty`: the loyalty-model counts (src/domain/loyalty/stats.ts) of the versions that have them. */
export type StatsGroup = { key: string; moments: ItemMoments; n: number; loyalty: LoyaltyStats };

/** Vectors of one group and version added as plain arrays; decoded once at the end. */
class VectorSums {
  readonly groups = new Map<string, Map<number, { vector: number[]; n: number }>>();

  add(key: string, version: number, vectorJson: string, n: number): void {
    let byVersion = this.groups.get(key);
    if (!byVersion) {
      byVersion = new Map();
      this.groups.set(key, byVersion);
    }
    const values = JSON.parse(vectorJson) as number[];
    const acc = byVersion.get(version);
    if (!acc) byVersion.set(version, { vector: values, n });
    else {
      addVectorInto(acc.vector, values);
      acc.n += n;
    }
  }
}

/**
 * Loads the selected rows and merges them into groups (one group unless `grouping` splits them).
 * Cost: one row per whole month plus one per edge day, per group; independent of how many
 * responses they hold.
 */
export async function loadMergedStats(
  db: Db,
  organizationId: string,
  surveyId: string,
  range: DayRange,
  filter: SegmentFilter,
  grouping: StatsGrouping = {},
): Promise<StatsGroup[]> {
  const pendingQuery = db
    .select()
    .from(surveyStatsPending)
    .where(
      and(
        eq(surveyStatsPending.organizationId, organizationId),
        eq(surveyStatsPending.surveyId, surveyId),
        range.from ? gte(surveyStatsPending.day, range.from) : undefined,
        range.to ? lte(surveyStatsPending.day, range.to) : undefined,
        ...SEGMENT_DIMENSIONS.filter((d) => filter[d] !== undefined).map((d) => eq(surveyStatsPending[d], filter[d]!)),
      ),
    );
  const queriesFor = (plan: StatsReadPlan) => {
    const dayRanges = plan.days.map((d) => and(d.from ? gte(surveyDailyStats.day, d.from) : undefined, d.to ? lte(surveyDailyStats.day, d.to) : undefined) ?? sql`1`);
    const dayQuery = db
      .select({
        version: surveyDailyStats.version,
        day: surveyDailyStats.day,
        touchpoint: surveyDailyStats.touchpoint,
        region: surveyDailyStats.region,
        tier: surveyDailyStats.tier,
        n: surveyDailyStats.n,
        vector: surveyDailyStats.vector,
      })
      .from(surveyDailyStats)
      .where(
        dayRanges.length === 0
          ? NOTHING
          : and(
              eq(surveyDailyStats.organizationId, organizationId),
              eq(surveyDailyStats.surveyId, surveyId),
              or(...dayRanges),
              ...rowSelector(surveyDailyStats, filter, grouping.splitBy),
            ),
      );
    const months = plan.months;
    const monthQuery = db
      .select({
        version: surveyMonthlyStats.version,
        month: surveyMonthlyStats.month,
        touchpoint: surveyMonthlyStats.touchpoint,
        region: surveyMonthlyStats.region,
        tier: surveyMonthlyStats.tier,
        n: surveyMonthlyStats.n,
        vector: surveyMonthlyStats.vector,
      })
      .from(surveyMonthlyStats)
      .where(
        months === null
          ? NOTHING
          : and(
              eq(surveyMonthlyStats.organizationId, organizationId),
              eq(surveyMonthlyStats.surveyId, surveyId),
              months.from ? gte(surveyMonthlyStats.month, months.from) : undefined,
              months.to ? lte(surveyMonthlyStats.month, months.to) : undefined,
              ...rowSelector(surveyMonthlyStats, filter, grouping.splitBy),
            ),
      );
    return [dayQuery, monthQuery] as const;
  };
  const stateQuery = db
    .select({ throughId: surveyStatsCompaction.throughId, monthlyThroughId: surveyStatsCompaction.monthlyThroughId })
    .from(surveyStatsCompaction)
    .where(eq(surveyStatsCompaction.surveyId, surveyId));

  // Weeks cross month boundaries, so a weekly trend reads days only.
  const wantMonths = grouping.interval !== "week";
  // One batch is one snapshot: a logged response is either still pending or already folded, and
  // month rows always match the day rows of the same snapshot.
  let [state, dayRows, monthRows, pending] = await db.batch([stateQuery, ...queriesFor(planStatsRead(range, wantMonths)), pendingQuery]);
  // No state row: nothing was ever folded (no day or month rows). Otherwise the month rows are
  // usable only when built up to the current compaction (see survey_stats_compaction).
  const monthsCurrent = state.length === 0 || state[0]!.monthlyThroughId === state[0]!.throughId;
  if (wantMonths && !monthsCurrent) {
    [dayRows, monthRows, pending] = await db.batch([...queriesFor(planStatsRead(range, false)), pendingQuery]);
  }

  const layouts = await layoutsFor(db, surveyId, [...dayRows.map((r) => r.version), ...monthRows.map((r) => r.version), ...pending.map((p) => p.version)]);
  const periodOfDay = grouping.interval ? periodOf(grouping.interval) : undefined;
  const groupKey = (row: { touchpoint: string; region: string; tier: string }, day: string | null, month: string): string =>
    grouping.splitBy ? row[grouping.splitBy] : grouping.interval === "month" ? month : periodOfDay && day ? periodOfDay(day) : "all";

  const sums = new VectorSums();
  for (const row of monthRows) sums.add(groupKey(row, null, row.month), row.version, row.vector, row.n);
  for (const row of dayRows) sums.add(groupKey(row, row.day, monthOfDay(row.day)), row.version, row.vector, row.n);
  // Responses logged but not yet folded by compaction (normally a few seconds' worth).
  const pendingMoments = new Map<string, Map<number, ItemMoments>>();
  const pendingLoyalty = new Map<string, LoyaltyStats>();
  for (const row of pending) {
    const key = groupKey(row, row.day, monthOfDay(row.day));
    const byVersion = pendingMoments.get(key) ?? new Map<number, ItemMoments>();
    pendingMoments.set(key, byVersion);
    const layout: StatsLayout = layouts.get(row.version)!;
    let moments = byVersion.get(row.version);
    if (!moments) {
      moments = createEmptyMoments(layout.itemIds);
      byVersion.set(row.version, moments);
    }
    let loyalty = pendingLoyalty.get(key) ?? null;
    if (!loyalty && layout.loyalty) {
      loyalty = createEmptyLoyaltyStats();
      pendingLoyalty.set(key, loyalty);
    }
    addPendingRow(moments, layout, row, layout.loyalty ? loyalty : null);
  }
  const groups: StatsGroup[] = [];
  for (const key of new Set([...sums.groups.keys(), ...pendingMoments.keys()])) {
    let moments = createEmptyMoments();
    let n = 0;
    const loyaltyParts: LoyaltyStats[] = [];
    for (const [version, acc] of sums.groups.get(key) ?? []) {
      const layout = layouts.get(version)!;
      moments = mergeMoments(moments, decodeMoments(acc.vector, layout));
      const loyalty = decodeLoyalty(acc.vector, layout);
      if (loyalty) loyaltyParts.push(loyalty);
      n += acc.n;
    }
    const pendingCounts = pendingLoyalty.get(key);
    if (pendingCounts) loyaltyParts.push(pendingCounts);
    for (const extra of pendingMoments.get(key)?.values() ?? []) {
      moments = mergeMoments(moments, extra);
      n += extra.rowCount;
    }
    dropZeroCounts(moments);
    groups.push({ key, moments, n, loyalty: loyaltyParts.length > 0 ? mergeLoyaltyStats(loyaltyParts) : createEmptyLoyaltyStats() });
  }
  return groups;
}

/** A pending −1 row (deleted response) can cancel a folded value exactly: drop the zero counts. */
function dropZeroCounts(moments: ItemMoments): void {
  for (const counts of moments.valueCounts) for (const value of Object.keys(counts)) if (counts[value] === 0) delete counts[value];
}

/** ISO week (Monday start) or calendar month of a YYYY-MM-DD day. */
export function periodOf(interval: "week" | "month"): (day: string) => string {
  if (interval === "month") return monthOfDay;
  return (day) => {
    const date = new Date(`${day}T00:00:00Z`);
    const weekday = (date.getUTCDay() + 6) % 7;
    date.setUTCDate(date.getUTCDate() - weekday);
    return date.toISOString().slice(0, 10);
  };
}

