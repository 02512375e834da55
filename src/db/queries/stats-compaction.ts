/**
 * Folds the statistics log (survey_stats_pending) into the per-day sufficient statistics
 * (survey_daily_stats): each logged response is added to its exact segment cell and to the four
 * roll-ups. Any number of compactions may run at once: each one's writes are gated on moving the
 * survey's `through_id` from the value it read, so only one of two racing compactions applies.
 */
import { and, asc, eq, gt, gte, lte } from "drizzle-orm";
import type { Db } from "../../env";
import { surveyDailyStats, surveyStatsCompaction, surveyStatsPending } from "../schema";
import { addRowToMoments, createEmptyMoments, type ItemMoments } from "../../domain/stats/item-moments";
import { encodeMoments, statsLayoutFor, type StatsLayout } from "../stats-vector";
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

/** Adds (or, for a weight −1 row, subtracts) one logged response to a moments accumulator built on `layout`. */
export function addPendingRow(moments: ItemMoments, layout: StatsLayout, row: PendingStatsRow): void {
  const { weight, values } = parsePendingRow(row.row);
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

type BucketKey = { version: number; day: string; touchpoint: string; region: string; tier: string };
const keyString = (k: BucketKey) => `${k.version}|${k.day}|${k.touchpoint}|${k.region}|${k.tier}`;

/** One compaction round for a survey; returns how many logged responses it folded (0 if raced). */
async function compactRound(db: Db, surveyId: string): Promise<number> {
  const state = await db.query.surveyStatsCompaction.findFirst({ where: eq(surveyStatsCompaction.surveyId, surveyId) });
  const throughId = state?.throughId ?? 0;
  const pending = await db
    .select()
    .from(surveyStatsPending)
    .where(and(eq(surveyStatsPending.surveyId, surveyId), gt(surveyStatsPending.id, throughId)))
    .orderBy(asc(surveyStatsPending.id))
    .limit(ROWS_PER_ROUND);
  if (pending.length === 0) return 0;
  const maxId = pending[pending.length - 1]!.id;
  const layouts = await layoutsFor(db, surveyId, pending.map((p) => p.version));

  const deltas = new Map<string, { key: BucketKey; organizationId: string; moments: ItemMoments }>();
  for (const row of pending) {
    const layout = layouts.get(row.version)!;
    for (const [touchpoint, region, tier] of statsRollupKeys(row)) {
      const key = { version: row.version, day: row.day, touchpoint, region, tier };
      let delta = deltas.get(keyString(key));
      if (!delta) {
        delta = { key, organizationId: row.organizationId, moments: createEmptyMoments(layout.itemIds) };
        deltas.set(keyString(key), delta);
      }
      addPendingRow(delta.moments, layout, row);
    }
  }
  // A day range rather than a list of days: D1 allows at most 100 bound parameters.
  const days = pending.map((p) => p.day).sort();
  const existing = await db
    .select()
    .from(surveyDailyStats)
    .where(and(eq(surveyDailyStats.surveyId, surveyId), gte(surveyDailyStats.day, days[0]!), lte(surveyDailyStats.day, days[days.length - 1]!)));
  const existingByKey = new Map(existing.map((r) => [keyString(r), r]));

  const d1 = db.$client;
  const nonce = randomSecret(16);
  const now = Date.now();
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        `INSERT INTO survey_stats_compaction (survey_id, through_id, nonce, compacted_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (survey_id) DO UPDATE SET through_id = excluded.through_id, nonce = excluded.nonce, compacted_at = excluded.compacted_at
         WHERE survey_stats_compaction.through_id = ?5`,
      )
      .bind(surveyId, maxId, nonce, now, throughId),
  ];
  for (const { key, organizationId, moments } of deltas.values()) {
    const layout = layouts.get(key.version)!;
    const delta = encodeMoments(moments, layout);
    const current = existingByKey.get(keyString(key));
    const vector = current ? (JSON.parse(current.vector) as number[]).map((v, i) => v + delta[i]!) : delta;
    statements.push(
      d1
        .prepare(
          `INSERT INTO survey_daily_stats (organization_id, survey_id, version, day, touchpoint, region, tier, n, vector)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
           WHERE EXISTS (SELECT 1 FROM survey_stats_compaction WHERE survey_id = ?2 AND nonce = ?10)
           ON CONFLICT (survey_id, version, day, touchpoint, region, tier) DO UPDATE SET n = excluded.n, vector = excluded.vector`,
        )
        .bind(organizationId, surveyId, key.version, key.day, key.touchpoint, key.region, key.tier, (current?.n ?? 0) + moments.rowCount, JSON.stringify(vector), nonce),
    );
  }
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

/** Surveys with logged responses waiting to be folded (for the cron sweep). */
export async function surveysWithPendingStats(db: Db, limit = 100): Promise<string[]> {
  const rows = await db.selectDistinct({ surveyId: surveyStatsPending.surveyId }).from(surveyStatsPending).limit(limit);
  return rows.map((r) => r.surveyId);
}
