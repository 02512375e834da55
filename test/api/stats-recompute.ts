import { env } from "cloudflare:test";
import { expect } from "vitest";
import { db } from "./helpers";
import { loadVersionDefinition } from "../../src/db/queries/surveys";
import { loadMergedStats, type SegmentFilter } from "../../src/db/queries/analytics";
import { statsLayoutFor, statsLogValues } from "../../src/db/stats-vector";
import { addRowToMoments, createEmptyMoments } from "../../src/domain/stats/item-moments";
import type { Answers } from "../../src/domain/survey/answers";

/** The statistics the analytics read (buckets + pending log) must equal a recomputation from the stored responses. */
export async function expectStatsMatchResponses(surveyId: string, filter: SegmentFilter = {}) {
  const definition = await loadVersionDefinition(db(), surveyId, 1);
  const layout = statsLayoutFor(definition);
  const where = Object.entries(filter).map(([k]) => ` and ${k} = ?`).join("");
  const rows = await env.DB.prepare(`select answers from responses where survey_id = ? and status = 'completed'${where}`)
    .bind(surveyId, ...Object.values(filter))
    .all<{ answers: string }>();
  const raw = createEmptyMoments(layout.itemIds);
  for (const row of rows.results) {
    const values = statsLogValues(definition, JSON.parse(row.answers) as Answers, {});
    addRowToMoments(raw, Object.fromEntries(layout.itemIds.map((id, i) => [id, values[i] ?? null])));
  }
  const survey = await env.DB.prepare("select organization_id as org from surveys where id = ?").bind(surveyId).first<{ org: string }>();
  const groups = await loadMergedStats(db(), survey!.org, surveyId, {}, filter);
  const stored = groups[0];
  expect(stored?.n ?? 0).toBe(rows.results.length);
  if (!stored) return;
  expect(stored.moments.itemIds).toEqual(raw.itemIds);
  expect(stored.moments.rowCount).toBe(raw.rowCount);
  expect(stored.moments.pairCount).toEqual(raw.pairCount);
  expect(stored.moments.pairSumFirst).toEqual(raw.pairSumFirst);
  expect(stored.moments.pairSumSecond).toEqual(raw.pairSumSecond);
  expect(stored.moments.pairCrossProduct).toEqual(raw.pairCrossProduct);
  expect(stored.moments.valueCounts).toEqual(raw.valueCounts);
}

