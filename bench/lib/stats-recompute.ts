/**
 * Independent check of the statistics tables: recomputes every survey_daily_stats row of a survey
 * from its raw completed responses (same bucket and roll-up rules, no incremental folding) and
 * compares it with what the submit path + compaction stored; the survey_monthly_stats rows are
 * compared with the sums of the recomputed day rows of each calendar month. Used by the chaos tests, the sharding
 * test and the ingest benchmark's helper Worker. All sums are of integer answers, so the comparison
 * is exact.
 */
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../../src/env";
import { responses, surveyDailyStats, surveyMonthlyStats, surveyStatsCompaction, surveyStatsPending } from "../../src/db/schema";
import { loadVersionDefinition } from "../../src/db/queries/surveys";
import { statsBucketOf, statsRollupKeys } from "../../src/db/queries/responses";
import { encodeMoments, statsLayoutFor } from "../../src/db/stats-vector";
import { addRowToMoments, createEmptyMoments, type ItemMoments } from "../../src/domain/stats/item-moments";
import { toNumericRow } from "../../src/domain/survey/numeric";
import type { SurveyDefinition } from "../../src/domain/survey/definition";
import type { Answers } from "../../src/domain/survey/answers";
import { addLoyaltyRow, createEmptyLoyaltyStats, STATUS_GROUP_KEYS, type LoyaltyStats } from "../../src/domain/loyalty/stats";
import { loyaltyLogExtras, loyaltyModelFor } from "../../src/domain/loyalty/spec";

export type StatsRow = { n: number; vector: number[] };
export type StatsCheck = {
  /** Completed responses of the survey. */
  completed: number;
  /** n of the all-segments roll-up rows, summed over days and versions. */
  aggregatedN: number;
  /** survey_daily_stats rows compared. */
  rows: number;
  /** survey_monthly_stats rows compared. */
  monthRows: number;
  /** Logged responses not folded yet (0 after compaction). */
  pending: number;
  mismatches: string[];
};

const keyOf = (version: number, day: string, t: string, r: string, tier: string) => `${version}|${day}|${t}|${r}|${tier}`;

/** The statistics rows a survey should have, computed from scratch from its completed responses. */
export async function recomputeDailyStats(db: Db, surveyId: string): Promise<{ rows: Map<string, StatsRow>; completed: number }> {
  const definitions = new Map<number, SurveyDefinition>();
  const acc = new Map<string, { version: number; moments: ItemMoments; loyalty: LoyaltyStats | null }>();
  let completed = 0;
  let after = "";
  for (;;) {
    const page = await db
      .select({ id: responses.id, version: responses.version, hidden: responses.hidden, answers: responses.answers, completedAt: responses.completedAt })
      .from(responses)
      .where(and(eq(responses.surveyId, surveyId), eq(responses.status, "completed"), gt(responses.id, after)))
      .orderBy(asc(responses.id))
      .limit(1000);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const r of page) {
      completed++;
      let definition = definitions.get(r.version);
      if (!definition) {
        definition = await loadVersionDefinition(db, surveyId, r.version);
        definitions.set(r.version, definition);
      }
      const layout = statsLayoutFor(definition);
      const numeric = toNumericRow(definition, r.answers as Answers, { allNumeric: true });
      const record: Record<string, number | null> = {};
      for (const id of layout.itemIds) record[id] = numeric[id] ?? null;
      const bucket = statsBucketOf(definition, r.hidden, r.completedAt!);
      // The loyalty counts straight from the response: status from its hidden field, open answers from its answers.
      const model = loyaltyModelFor(definition);
      const [statusCode, offered, answered] = model ? loyaltyLogExtras(definition, model, r.answers as Answers, r.hidden) : [];
      // Coded answers straight from the stored answers (a question hidden by its condition has none stored).
      const choices: Record<string, string[]> = {};
      for (const choice of model?.stats.choices ?? []) {
        const value = (r.answers as Answers)[choice.id];
        const selected = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
        if (selected.length > 0) choices[choice.id] = selected;
      }
      for (const [t, reg, tier] of statsRollupKeys(bucket)) {
        const key = keyOf(r.version, bucket.day, t, reg, tier);
        let cell = acc.get(key);
        if (!cell) {
          cell = { version: r.version, moments: createEmptyMoments(layout.itemIds), loyalty: model ? createEmptyLoyaltyStats() : null };
          acc.set(key, cell);
        }
        addRowToMoments(cell.moments, record);
        if (cell.loyalty && model) {
          addLoyaltyRow(cell.loyalty, model.stats, { values: record, status: STATUS_GROUP_KEYS[statusCode!]!, openOffered: offered === 1, openAnswered: answered === 1, choices });
        }
      }
    }
  }
  const rows = new Map<string, StatsRow>();
  for (const [key, { version, moments, loyalty }] of acc) {
    rows.set(key, { n: moments.rowCount, vector: encodeMoments(moments, statsLayoutFor(definitions.get(version)!), loyalty) });
  }
  return { rows, completed };
}

const isEmptyRow = (n: number, vector: number[]) => n === 0 && vector.every((v) => v === 0);

/** Compares the stored statistics of a survey with a recomputation from its responses. */
export async function checkSurveyStats(db: Db, surveyId: string): Promise<StatsCheck> {
  const expected = await recomputeDailyStats(db, surveyId);
  const stored = await db.select().from(surveyDailyStats).where(eq(surveyDailyStats.surveyId, surveyId));
  const pendingRows = await db.select({ id: surveyStatsPending.id }).from(surveyStatsPending).where(eq(surveyStatsPending.surveyId, surveyId));
  const mismatches: string[] = [];
  const seen = new Set<string>();
  let aggregatedN = 0;
  for (const row of stored) {
    const key = keyOf(row.version, row.day, row.touchpoint, row.region, row.tier);
    seen.add(key);
    if (row.touchpoint === "*" && row.region === "*" && row.tier === "*") aggregatedN += row.n;
    const want = expected.rows.get(key);
    const vector = JSON.parse(row.vector) as number[];
    if (!want) {
      // Deleting a bucket's only responses leaves an all-zero row: the same as no row.
      if (!isEmptyRow(row.n, vector)) mismatches.push(`${key}: stored n=${row.n} but no completed response belongs there`);
      continue;
    }
    if (row.n !== want.n) mismatches.push(`${key}: n ${row.n} != ${want.n}`);
    const firstDiff = want.vector.findIndex((v, i) => Math.abs(v - (vector[i] ?? NaN)) > 1e-9 * Math.max(1, Math.abs(v)));
    if (firstDiff >= 0 || vector.length !== want.vector.length) {
      mismatches.push(`${key}: vector differs at ${firstDiff} (${vector[firstDiff]} != ${want.vector[firstDiff]})`);
    }
  }
  for (const [key, want] of expected.rows) if (!seen.has(key)) mismatches.push(`${key}: missing (expected n=${want.n})`);

  // Month rows: the element-wise sum of the recomputed day rows of each month.
  const expectedMonths = new Map<string, StatsRow>();
  for (const [key, row] of expected.rows) {
    const [version, day, t, r, tier] = key.split("|") as [string, string, string, string, string];
    const monthKey = keyOf(Number(version), day.slice(0, 7), t, r, tier);
    const acc = expectedMonths.get(monthKey);
    if (!acc) expectedMonths.set(monthKey, { n: row.n, vector: [...row.vector] });
    else {
      acc.n += row.n;
      row.vector.forEach((v, i) => (acc.vector[i]! += v));
    }
  }
  const storedMonths = await db.select().from(surveyMonthlyStats).where(eq(surveyMonthlyStats.surveyId, surveyId));
  const state = await db.query.surveyStatsCompaction.findFirst({ where: eq(surveyStatsCompaction.surveyId, surveyId) });
  if (state && state.monthlyThroughId !== state.throughId) mismatches.push(`month rows stale: built through ${state.monthlyThroughId}, days through ${state.throughId}`);
  const seenMonths = new Set<string>();
  for (const row of storedMonths) {
    const key = keyOf(row.version, row.month, row.touchpoint, row.region, row.tier);
    seenMonths.add(key);
    const want = expectedMonths.get(key);
    const vector = JSON.parse(row.vector) as number[];
    if (!want) {
      if (!isEmptyRow(row.n, vector)) mismatches.push(`month ${key}: stored n=${row.n} but no completed response belongs there`);
      continue;
    }
    if (row.n !== want.n) mismatches.push(`month ${key}: n ${row.n} != ${want.n}`);
    const firstDiff = want.vector.findIndex((v, i) => Math.abs(v - (vector[i] ?? NaN)) > 1e-9 * Math.max(1, Math.abs(v)));
    if (firstDiff >= 0 || vector.length !== want.vector.length) {
      mismatches.push(`month ${key}: vector differs at ${firstDiff} (${vector[firstDiff]} != ${want.vector[firstDiff]})`);
    }
  }
  for (const [key, want] of expectedMonths) if (!seenMonths.has(key)) mismatches.push(`month ${key}: missing (expected n=${want.n})`);
  return { completed: expected.completed, aggregatedN, rows: stored.length, monthRows: storedMonths.length, pending: pendingRows.length, mismatches };
}
