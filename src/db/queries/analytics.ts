/**
 * Reads the per-day statistics rows (never the responses) and merges them. Which rows are read
 * depends on the filter: the all-segments roll-up, a one-dimension roll-up, or the exact cells.
 */
import { and, eq, gte, lte, ne, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { surveyDailyStats, surveyStatsPending } from "../schema";
import { createEmptyMoments, mergeMoments, type ItemMoments } from "../../domain/stats/item-moments";
import { decodeMoments } from "../stats-vector";
import { addPendingRow, layoutsFor } from "./stats-compaction";
import { ALL_SEGMENTS } from "./responses";

export const SEGMENT_DIMENSIONS = ["touchpoint", "region", "tier"] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];
export type SegmentFilter = Partial<Record<SegmentDimension, string>>;
export type DayRange = { from?: string; to?: string };

/** Row selector for a filter, optionally keeping one dimension split out (segment comparison). */
function rowSelector(filter: SegmentFilter, splitBy?: SegmentDimension): SQL[] {
  const given = SEGMENT_DIMENSIONS.filter((d) => filter[d] !== undefined);
  const column = (d: SegmentDimension) => surveyDailyStats[d];
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

export type StatsGroup = { key: string; moments: ItemMoments; n: number };

/**
 * Loads the selected rows and merges them into groups (one group unless `groupKey` splits them).
 * Cost: one row per day per group; independent of how many responses the days hold.
 */
export async function loadMergedStats(
  db: Db,
  organizationId: string,
  surveyId: string,
  range: DayRange,
  filter: SegmentFilter,
  grouping: { splitBy?: SegmentDimension; period?: (day: string) => string } = {},
): Promise<StatsGroup[]> {
  const where = and(
    eq(surveyDailyStats.organizationId, organizationId),
    eq(surveyDailyStats.surveyId, surveyId),
    range.from ? gte(surveyDailyStats.day, range.from) : undefined,
    range.to ? lte(surveyDailyStats.day, range.to) : undefined,
    ...rowSelector(filter, grouping.splitBy),
  );
  const bucketQuery = db
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
    .where(where)
    .orderBy(surveyDailyStats.day);
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
  // One batch is one snapshot: a logged response is either still pending or already folded.
  const [rows, pending] = await db.batch([bucketQuery, pendingQuery]);
  const layouts = await layoutsFor(db, surveyId, [...rows.map((r) => r.version), ...pending.map((p) => p.version)]);
  // Within one group and version, vectors share a layout: add them as plain arrays first and
  // decode once, instead of decoding and merging every day separately.
  const sums = new Map<string, Map<number, { vector: number[]; n: number }>>();
  for (const row of rows) {
    const key = grouping.splitBy ? row[grouping.splitBy] : grouping.period ? grouping.period(row.day) : "all";
    const byVersion = sums.get(key) ?? new Map<number, { vector: number[]; n: number }>();
    sums.set(key, byVersion);
    const values = JSON.parse(row.vector) as number[];
    const acc = byVersion.get(row.version);
    if (!acc) byVersion.set(row.version, { vector: values, n: row.n });
    else {
      for (let i = 0; i < values.length; i++) acc.vector[i]! += values[i]!;
      acc.n += row.n;
    }
  }
  // Responses logged but not yet folded by compaction (normally a few seconds' worth).
  const pendingMoments = new Map<string, Map<number, ItemMoments>>();
  for (const row of pending) {
    const key = grouping.splitBy ? row[grouping.splitBy] : grouping.period ? grouping.period(row.day) : "all";
    const byVersion = pendingMoments.get(key) ?? new Map<number, ItemMoments>();
    pendingMoments.set(key, byVersion);
    const layout = layouts.get(row.version)!;
    let moments = byVersion.get(row.version);
    if (!moments) {
      moments = createEmptyMoments(layout.itemIds);
      byVersion.set(row.version, moments);
    }
    addPendingRow(moments, layout, row);
  }
  const groups: StatsGroup[] = [];
  for (const key of new Set([...sums.keys(), ...pendingMoments.keys()])) {
    let moments = createEmptyMoments();
    let n = 0;
    for (const [version, acc] of sums.get(key) ?? []) {
      moments = mergeMoments(moments, decodeMoments(acc.vector, layouts.get(version)!));
      n += acc.n;
    }
    for (const extra of pendingMoments.get(key)?.values() ?? []) {
      moments = mergeMoments(moments, extra);
      n += extra.rowCount;
    }
    // A pending −1 row (deleted response) can cancel a folded value exactly: drop the zero counts.
    for (const counts of moments.valueCounts) for (const value of Object.keys(counts)) if (counts[value] === 0) delete counts[value];
    groups.push({ key, moments, n });
  }
  return groups;
}

/** ISO week (Monday start) or calendar month of a YYYY-MM-DD day. */
export function periodOf(interval: "week" | "month"): (day: string) => string {
  if (interval === "month") return (day) => day.slice(0, 7);
  return (day) => {
    const date = new Date(`${day}T00:00:00Z`);
    const weekday = (date.getUTCDay() + 6) % 7;
    date.setUTCDate(date.getUTCDate() - weekday);
    return date.toISOString().slice(0, 10);
  };
}

