/**
 * Month roll-up rows (survey_monthly_stats) change only how many rows a dashboard read touches:
 * every answer must be identical to the day-rows-only read, for ranges on, across and inside
 * month boundaries, with filters, with deleted responses (weight −1 rows, folded and pending) and
 * with responses not yet folded. The day-only read is the reader's own fallback for month rows that
 * are not current, so the test switches between the two by marking them stale.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, db } from "./helpers";
import { acsiAnswers, newSubmissionId, submit } from "./fixtures";
import { seedDemo } from "../../src/seed/demo";
import { compactSurveyStats, surveysWithPendingStats } from "../../src/db/queries/stats-compaction";
import { deleteResponses, responsesByIds } from "../../src/db/queries/response-admin";
import { checkSurveyStats } from "../../bench/lib/stats-recompute";

const DEMO_KEY = "fl_test_demo_key_for_monthly_stats_0123456789";
let surveyId: string;
let organizationId: string;
let slug: string;

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await call(path, { headers: bearer(DEMO_KEY) });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  delete body.computeMs;
  return body;
}

const markMonthsStale = () => env.DB.prepare("UPDATE survey_stats_compaction SET monthly_through_id = NULL WHERE survey_id = ?").bind(surveyId).run();
const markMonthsCurrent = () => env.DB.prepare("UPDATE survey_stats_compaction SET monthly_through_id = through_id WHERE survey_id = ?").bind(surveyId).run();

/** Every path answered from month + edge-day rows, then from day rows only; both must be identical. */
async function compareMonthAndDayReads(paths: string[]): Promise<Record<string, unknown>[]> {
  await markMonthsCurrent();
  const withMonths: Record<string, unknown>[] = [];
  for (const path of paths) withMonths.push(await getJson(path));
  await markMonthsStale();
  const daysOnly: Record<string, unknown>[] = [];
  for (const path of paths) daysOnly.push(await getJson(path));
  await markMonthsCurrent();
  paths.forEach((path, i) => expect(withMonths[i], path).toEqual(daysOnly[i]));
  return withMonths;
}

async function rawCompletedCount(from: string | undefined, to: string | undefined, where = "1=1"): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT count(*) AS n FROM responses WHERE survey_id = ?1 AND status = 'completed' AND ${where}
     AND date(completed_at / 1000, 'unixepoch') >= coalesce(?2, '0000') AND date(completed_at / 1000, 'unixepoch') <= coalesce(?3, '9999')`,
  )
    .bind(surveyId, from ?? null, to ?? null)
    .first<{ n: number }>();
  return row!.n;
}

// The demo's 400 responses fall between 2026-05-24 and 2026-11-20 (UTC days).
const RANGES: { from?: string; to?: string }[] = [
  {},
  { from: "2026-06-01", to: "2026-09-30" }, // whole months only
  { from: "2026-06-15", to: "2026-10-10" }, // partial edges + whole months
  { from: "2026-07-28", to: "2026-08-03" }, // across one boundary, no whole month
  { from: "2026-08-05", to: "2026-08-25" }, // inside one month
  { from: "2026-07-01" }, // open end
  { to: "2026-09-20" }, // open start
  { from: "2026-06-30", to: "2026-08-01" }, // one whole month, one-day edges
];
const query = (range: { from?: string; to?: string }, extra: Record<string, string> = {}) =>
  `?${new URLSearchParams({ ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}), ...extra })}`;

beforeAll(async () => {
  const demo = await seedDemo({ ...env, DEMO_API_KEY: DEMO_KEY }, db(), { now: new Date("2026-11-20T12:00:00Z") });
  surveyId = demo.surveyId;
  const survey = await env.DB.prepare("SELECT organization_id, slug FROM surveys WHERE id = ?").bind(surveyId).first<{ organization_id: string; slug: string }>();
  organizationId = survey!.organization_id;
  slug = survey!.slug;
});

describe("month roll-up rows", () => {
  it("are built by the compaction and equal the sums of the day rows, which equal a recomputation from the responses", async () => {
    const check = await checkSurveyStats(db(), surveyId);
    expect(check.pending).toBe(0);
    expect(check.monthRows).toBeGreaterThan(0);
    expect(check.mismatches).toEqual([]);
  });

  it("give indices identical to day-only reads for ranges on, across and inside month boundaries", async () => {
    const paths = RANGES.flatMap((range) => [
      `/api/surveys/${surveyId}/indices${query(range)}`,
      `/api/surveys/${surveyId}/indices${query(range, { touchpoint: "store" })}`,
      `/api/surveys/${surveyId}/indices${query(range, { touchpoint: "web", tier: "gold" })}`,
    ]);
    const bodies = await compareMonthAndDayReads(paths);
    for (const [i, range] of RANGES.entries()) expect(bodies[3 * i]!.n, JSON.stringify(range)).toBe(await rawCompletedCount(range.from, range.to));
    // Guard against a vacuous comparison: the ranges hold responses and an estimate.
    expect((bodies[0] as { acsi: number | null }).acsi).not.toBeNull();
    expect(bodies[3 * 2]!.n).toBeGreaterThan(100);
  });

  it("give identical trends (month and week) and segment comparisons", async () => {
    const paths = RANGES.slice(0, 4).flatMap((range) => [
      `/api/surveys/${surveyId}/indices/trend${query(range, { interval: "month" })}`,
      `/api/surveys/${surveyId}/indices/trend${query(range, { interval: "week" })}`,
      `/api/surveys/${surveyId}/indices/segments${query(range, { by: "touchpoint" })}`,
      `/api/surveys/${surveyId}/indices/segments${query(range, { by: "region", tier: "gold" })}`,
    ]);
    const bodies = await compareMonthAndDayReads(paths);
    const trend = bodies[0] as { points: { period: string; n: number }[] };
    expect(trend.points.map((p) => p.period)).toEqual(["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]);
    expect(trend.points.find((p) => p.period === "2026-08")!.n).toBe(await rawCompletedCount("2026-08-01", "2026-08-31"));
  });

  it("stay exact when responses are deleted (−1 rows folded and still pending) and new ones are not yet folded", async () => {
    const ids = (
      await env.DB.prepare(
        "SELECT id FROM responses WHERE survey_id = ? AND status = 'completed' AND date(completed_at / 1000, 'unixepoch') IN ('2026-06-30', '2026-07-01', '2026-07-31', '2026-08-01', '2026-10-10') ORDER BY id",
      )
        .bind(surveyId)
        .all<{ id: string }>()
    ).results.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const half = Math.ceil(ids.length / 2);
    await deleteResponses(db(), organizationId, await responsesByIds(db(), organizationId, ids.slice(0, half)));
    await compactSurveyStats(db(), surveyId);
    await deleteResponses(db(), organizationId, await responsesByIds(db(), organizationId, ids.slice(half)));
    for (let i = 0; i < 3; i++) expect((await submit(slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    const pending = await env.DB.prepare("SELECT count(*) AS n FROM survey_stats_pending WHERE survey_id = ?").bind(surveyId).first<{ n: number }>();
    expect(pending!.n).toBe(ids.length - half + 3);

    const paths = RANGES.map((range) => `/api/surveys/${surveyId}/indices${query(range)}`);
    const bodies = await compareMonthAndDayReads([...paths, `/api/surveys/${surveyId}/indices/trend?interval=month`]);
    for (const [i, range] of RANGES.entries()) expect(bodies[i]!.n, JSON.stringify(range)).toBe(await rawCompletedCount(range.from, range.to));

    await compactSurveyStats(db(), surveyId);
    const check = await checkSurveyStats(db(), surveyId);
    expect(check.pending).toBe(0);
    expect(check.mismatches).toEqual([]);
  });

  it("are rebuilt from the day rows when stale (migrated database, or folded by an older Worker), and the cron sweep picks such surveys up", async () => {
    const snapshot = async () =>
      (await env.DB.prepare("SELECT version, month, touchpoint, region, tier, n, vector FROM survey_monthly_stats WHERE survey_id = ? ORDER BY 1, 2, 3, 4, 5").bind(surveyId).all<{ vector: string }>()).results.map(
        (r) => ({ ...r, vector: JSON.parse(r.vector) as number[] }),
      );
    const before = await snapshot();
    // As after migration 0003: no month rows, nothing saying they were built.
    await env.DB.prepare("DELETE FROM survey_monthly_stats WHERE survey_id = ?").bind(surveyId).run();
    await markMonthsStale();
    expect(await surveysWithPendingStats(db())).toContain(surveyId);
    // Until rebuilt, readers use the day rows: still the right answer.
    expect((await getJson(`/api/surveys/${surveyId}/indices`)).n).toBe(await rawCompletedCount(undefined, undefined));
    await compactSurveyStats(db(), surveyId);
    expect(await snapshot()).toEqual(before);
    expect(await surveysWithPendingStats(db())).not.toContain(surveyId);
    expect((await checkSurveyStats(db(), surveyId)).mismatches).toEqual([]);
  });
});
