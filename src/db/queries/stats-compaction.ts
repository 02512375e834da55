/**
 * Folds the statistics log (survey_stats_pending) into the per-day sufficient statistics
 * (survey_daily_stats): each logged response is added to its exact segment cell and to the four
 * roll-ups, and the same deltas to the calendar-month rows (survey_monthly_stats) in the same
 * batch. Any number of compactions may run at once: each one's writes are gated on moving the
 * survey's `through_id` from the value it read, so only one of two racing compactions applies.
 */
import { and, asc, eq, gt, gte, isNull, lte, ne, or } from "drizzle-orm";
import type { Db } from "../../env";
import { surveyDailyStats, surveyMonthlyStats, surveyStatsCompaction, surveyStatsPending } from "../schema";
import { addRowToMoments, createEmptyMoments, type ItemMoments } from "../../domain/stats/item-moments";
import { addLoggedLoyaltyRow, addVectorInto, encodeMoments, statsLayoutFor, type StatsLayout } from "../stats-vector";
import { createEmptyLoyaltyStats, type LoyaltyStats } from "../../domain/loyalty/stats";
import { monthOfDay } from "../../domain/analytics/stats-range";
import { loadVersionDefinition } from "./surveys";
import { statsRollupKeys } from "./responses";
import { randomSecret } from "../../lib/ids";

export type PendingStatsRow = typeof surveyStatsPending.$inferSelect;

/** Rows folded per compaction batch: keeps one D1 batch well inside its limits. */
const ROWS_PER_ROUND = 50;

export async function layoutsFor(db: Db, surveyId: string, versions: Iterable<number>): Promise<Map<number, StatsLayout>> {
  const layouts = new Map<number, StatsLayout>();
  for (const version of new Set(versions)) layouts.set(version, statsLayoutFor(await loadVersionDefinition(db, surveyId, version)));
  return layouts;
}

/**
 * A logged row is either the plain array of a response's values (weight +1, the submit path) or
 * `{"w":-1,"v":[…]}`: the same values to be taken out again (a deleted or anonymised response,
 * src/db/queries/response-admin.ts). Sums are exact for integer answers, so +1 then −1 of the same
 * values restores every bucket bit for bit, whichever order compaction and readers see them in.
 */
export function parsePendingRow(text: string): { weight: 1 | -1; values: (number | null)[] } {
  const parsed = JSON.parse(text) as (number | null)[] | { w: number; v: (number | null)[] };
  if (Array.isArray(parsed)) return { weight: 1, values: parsed };
  return { weight: parsed.w < 0 ? -1 : 1, values: parsed.v };
}

/**
 * Adds (or, for a weight −1 row, subtracts) one logged response to a moments accumulator built on
 * `layout`, and to the loyalty counts when the survey version has the loyalty model.
 */
export function addPendingRow(moments: ItemMoments, layout: StatsLayout, row: PendingStatsRow, loyalty: LoyaltyStats | null = null): void {
  const { weight, values } = parsePendingRow(row.row);
  addLoggedLoyaltyRow(loyalty, layout, values, weight);
  const record: Record<string, number | null> = {};
  layout.itemIds.forEach((id, i) => (record[id] = values[i] ?? null));
  if (weight === 1) {
    addRowToMoments(moments, record);
    return;
  }
  const single = addRowToMoments(createEmptyMoments(layout.itemIds), record);
  if (single.itemIds.length !== moments.itemIds.length || single.itemIds.some((id, i) => moments.itemIds[i] !== id)) {
    throw new Error("addPendingRow: the accumulator does not use the version's statistics layout");
  }
  for (let k = 0; k < single.pairCount.length; k++) {
    moments.pairCount[k]! -= single.pairCount[k]!;
    moments.pairSumFirst[k]! -= single.pairSumFirst[k]!;
    moments.pairSumSecond[k]! -= single.pairSumSecond[k]!;
    moments.pairCrossProduct[k]! -= single.pairCrossProduct[k]!;
  }
  single.valueCounts.forEach((counts, i) => {
    const target = moments.valueCounts[i]!;
    for (const [value, count] of Object.entries(counts)) {
      const next = (target[value] ?? 0) - count;
      if (next === 0) delete target[value];
      else target[value] = next;
    }
  });
  moments.rowCount -= 1;
}

type BucketKey = { version: number; period: string; touchpoint: string; region: string; tier: string };
const keyString = (k: BucketKey) => `${k.version}|${k.period}|${k.touchpoint}|${k.region}|${k.tier}`;
type Delta = { key: BucketKey; organizationId: string; moments: ItemMoments; loyalty: LoyaltyStats | null };


/** Month rows per INSERT statement: 9 bound values a row + 2 for the gate stay within D1's 100. */
const MONTH_ROWS_PER_INSERT = 10;

/**
 * Rebuilds a survey's month rows from its day rows (for a database migrated from before month rows
 * existed, or compacted meanwhile by an older Worker). Reads one month of day rows at a time and
 * sums them here rather than in SQL: one big json_each aggregate would hold the single-threaded
 * database for seconds. The write is one batch, gated like every compaction write on `through_id`
 * not having moved since it was read (day rows change only when it moves). Returns false if raced.
 */
async function rebuildMonthlyStats(db: Db, surveyId: string, throughId: number, monthlyThroughId: number | null): Promise<boolean> {
  const d1 = db.$client;
  const months = (
    await d1.prepare("SELECT DISTINCT substr(day, 1, 7) AS month FROM survey_daily_stats WHERE survey_id = ?1 ORDER BY 1").bind(surveyId).all<{ month: string }>()
  ).results.map((r) => r.month);
  const monthRows: { organizationId: string; key: BucketKey; n: number; vector: number[] }[] = [];
  for (const month of months) {
    const dayRows = await db
      .select()
      .from(surveyDailyStats)
      .where(and(eq(surveyDailyStats.surveyId, surveyId), gte(surveyDailyStats.day, `${month}-01`), lte(surveyDailyStats.day, `${month}-31`)));
    const sums = new Map<string, (typeof monthRows)[number]>();
    for (const row of dayRows) {
      const key = { version: row.version, period: month, touchpoint: row.touchpoint, region: row.region, tier: row.tier };
      const values = JSON.parse(row.vector) as number[];
      const sum = sums.get(keyString(key));
      if (!sum) sums.set(keyString(key), { organizationId: row.organizationId, key, n: row.n, vector: values });
      else {
        sum.n += row.n;
        addVectorInto(sum.vector, values);
      }
    }
    monthRows.push(...sums.values());
  }
  const nonce = randomSecret(16);
  const gate = "EXISTS (SELECT 1 FROM survey_stats_compaction WHERE survey_id = ? AND nonce = ?)";
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        `UPDATE survey_stats_compaction SET nonce = ?2, monthly_through_id = through_id, compacted_at = ?3
         WHERE survey_id = ?1 AND through_id = ?4 AND monthly_through_id IS ?5`,
      )
      .bind(surveyId, nonce, Date.now(), throughId, monthlyThroughId),
    d1.prepare(`DELETE FROM survey_monthly_stats WHERE survey_id = ? AND ${gate}`).bind(surveyId, surveyId, nonce),
  ];
  for (let i = 0; i < monthRows.length; i += MONTH_ROWS_PER_INSERT) {
    const chunk = monthRows.slice(i, i + MONTH_ROWS_PER_INSERT);
    statements.push(
      d1
        .prepare(
          `INSERT INTO survey_monthly_stats (organization_id, survey_id, version, month, touchpoint, region, tier, n, vector)
           SELECT * FROM (VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}) WHERE ${gate}`,
        )
        .bind(
          ...chunk.flatMap((r) => [r.organizationId, surveyId, r.key.version, r.key.period, r.key.touchpoint, r.key.region, r.key.tier, r.n, JSON.stringify(r.vector)]),
          surveyId,
          nonce,
        ),
    );
  }
  const results = await d1.batch(statements);
  return (results[0]?.meta.changes ?? 0) > 0;
}

/**
 * Upserts of `current + delta` for each bucket, gated on the round's nonce. `existing` holds the
 * stored rows the deltas add to (read before the batch; the gate makes a stale read harmless).
 */
function upsertStatements(
  d1: D1Database,
  table: "survey_daily_stats" | "survey_monthly_stats",
  surveyId: string,
  nonce: string,
  deltas: Iterable<Delta>,
  existing: Map<string, { n: number; vector: string }>,
  layouts: Map<number, StatsLayout>,
): D1PreparedStatement[] {
  const periodColumn = table === "survey_daily_stats" ? "day" : "month";
  const statements: D1PreparedStatement[] = [];
  for (const { key, organizationId, moments, loyalty } of deltas) {
    const delta = encodeMoments(moments, layouts.get(key.version)!, loyalty);
    const current = existing.get(keyString(key));
    const vector = current ? addVectorInto(JSON.parse(current.vector) as number[], delta) : delta;
    statements.push(
      d1
        .prepare(
          `INSERT INTO ${table} (organization_id, survey_id, version, ${periodColumn}, touchpoint, region, tier, n, vector)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
           WHERE EXISTS (SELECT 1 FROM survey_stats_compaction WHERE survey_id = ?2 AND nonce = ?10)
           ON CONFLICT (survey_id, version, ${periodColumn}, touchpoint, region, tier) DO UPDATE SET n = excluded.n, vector = excluded.vector`,
        )
        .bind(organizationId, surveyId, key.version, key.period, key.touchpoint, key.region, key.tier, (current?.n ?? 0) + moments.rowCount, JSON.stringify(vector), nonce),
    );
  }
  return statements;
}

/** One compaction round for a survey; returns how many logged responses it folded (0 if raced). */
async function compactRound(db: Db, surveyId: string): Promise<number> {
  const state = await db.query.surveyStatsCompaction.findFirst({ where: eq(surveyStatsCompaction.surveyId, surveyId) });
  const throughId = state?.throughId ?? 0;
  // No state row: nothing was ever folded, so empty month rows match the (empty) day rows.
  const monthlyThroughId = state ? state.monthlyThroughId : 0;
  const d1 = db.$client;
  const nonce = randomSecret(16);
  const now = Date.now();
  if (monthlyThroughId !== throughId) {
    // Month rows are stale: rebuild them from the day rows first (through_id stays where it is).
    if (!(await rebuildMonthlyStats(db, surveyId, throughId, monthlyThroughId))) return 0; // raced: the other compaction carries on
  }
  const pending = await db
    .select()
    .from(surveyStatsPending)
    .where(and(eq(surveyStatsPending.surveyId, surveyId), gt(surveyStatsPending.id, throughId)))
    .orderBy(asc(surveyStatsPending.id))
    .limit(ROWS_PER_ROUND);
  if (pending.length === 0) return 0;
  const maxId = pending[pending.length - 1]!.id;
  const layouts = await layoutsFor(db, surveyId, pending.map((p) => p.version));

  const dayDeltas = new Map<string, Delta>();
  const monthDeltas = new Map<string, Delta>();
  for (const row of pending) {
    const layout = layouts.get(row.version)!;
    for (const [touchpoint, region, tier] of statsRollupKeys(row)) {
      for (const [deltas, period] of [[dayDeltas, row.day], [monthDeltas, monthOfDay(row.day)]] as const) {
        const key = { version: row.version, period, touchpoint, region, tier };
        let delta = deltas.get(keyString(key));
        if (!delta) {
          delta = { key, organizationId: row.organizationId, moments: createEmptyMoments(layout.itemIds), loyalty: layout.loyalty ? createEmptyLoyaltyStats() : null };
          deltas.set(keyString(key), delta);
        }
        addPendingRow(delta.moments, layout, row, delta.loyalty);
      }
    }
  }
  // A day range rather than a list of days: D1 allows at most 100 bound parameters.
  const days = pending.map((p) => p.day).sort();
  const [existingDays, existingMonths] = await db.batch([
    db
      .select()
      .from(surveyDailyStats)
      .where(and(eq(surveyDailyStats.surveyId, surveyId), gte(surveyDailyStats.day, days[0]!), lte(surveyDailyStats.day, days[days.length - 1]!))),
    db
      .select()
      .from(surveyMonthlyStats)
      .where(
        and(eq(surveyMonthlyStats.surveyId, surveyId), gte(surveyMonthlyStats.month, monthOfDay(days[0]!)), lte(surveyMonthlyStats.month, monthOfDay(days[days.length - 1]!))),
      ),
  ]);
  const existingDayRows = new Map(existingDays.map((r) => [keyString({ ...r, period: r.day }), r]));
  const existingMonthRows = new Map(existingMonths.map((r) => [keyString({ ...r, period: r.month }), r]));

  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        `INSERT INTO survey_stats_compaction (survey_id, through_id, nonce, compacted_at, monthly_through_id) VALUES (?1, ?2, ?3, ?4, ?2)
         ON CONFLICT (survey_id) DO UPDATE SET through_id = excluded.through_id, nonce = excluded.nonce, compacted_at = excluded.compacted_at,
           monthly_through_id = excluded.monthly_through_id
         WHERE survey_stats_compaction.through_id = ?5 AND survey_stats_compaction.monthly_through_id IS ?5`,
      )
      .bind(surveyId, maxId, nonce, now, throughId),
    ...upsertStatements(d1, "survey_daily_stats", surveyId, nonce, dayDeltas.values(), existingDayRows, layouts),
    ...upsertStatements(d1, "survey_monthly_stats", surveyId, nonce, monthDeltas.values(), existingMonthRows, layouts),
  ];
  statements.push(
    d1
      .prepare(
        `DELETE FROM survey_stats_pending WHERE survey_id = ?1 AND id <= ?2
         AND EXISTS (SELECT 1 FROM survey_stats_compaction WHERE survey_id = ?1 AND nonce = ?3)`,
      )
      .bind(surveyId, maxId, nonce),
  );
  const results = await d1.batch(statements);
  return (results[0]?.meta.changes ?? 0) > 0 ? pending.length : 0;
}

/** Folds everything logged so far for a survey (several rounds if needed). */
export async function compactSurveyStats(db: Db, surveyId: string, maxRounds = 50): Promise<number> {
  let folded = 0;
  for (let round = 0; round < maxRounds; round++) {
    const n = await compactRound(db, surveyId);
    if (n === 0) break;
    folded += n;
  }
  return folded;
}

/**
 * Surveys the cron sweep should compact: those with logged responses waiting to be folded, and a
 * few whose month rows need rebuilding (after the migration that added them, or a compaction by a
 * Worker that predates them).
 */
export async function surveysWithPendingStats(db: Db, limit = 100, rebuildLimit = 5): Promise<string[]> {
  const [pending, stale] = await db.batch([
    db.selectDistinct({ surveyId: surveyStatsPending.surveyId }).from(surveyStatsPending).limit(limit),
    db
      .select({ surveyId: surveyStatsCompaction.surveyId })
      .from(surveyStatsCompaction)
      .where(or(isNull(surveyStatsCompaction.monthlyThroughId), ne(surveyStatsCompaction.monthlyThroughId, surveyStatsCompaction.throughId)))
      .limit(rebuildLimit),
  ]);
  return [...new Set([...pending, ...stale].map((r) => r.surveyId))];
}
