import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, type TestOrg } from "./helpers";
import { seedDemo } from "../../src/seed/demo";
import { loadVersionDefinition } from "../../src/db/queries/surveys";
import { estimatePlsPath, computeAcsiIndices, computeIpma, computeRespondentIndices } from "../../src/domain/pls";
import { indexModelFor } from "../../src/domain/analytics/survey-indices";
import { toNumericRow, scaleBounds } from "../../src/domain/survey/numeric";
import type { Answers } from "../../src/domain/survey/answers";
import type { ChangeResponse, IndicesResponse, SegmentsResponse, TrendResponse } from "../../src/contracts/analytics";
import { executeBootstrapRun } from "../../src/db/queries/bootstrap";
import { json } from "./helpers";

let demo: Awaited<ReturnType<typeof seedDemo>>;
let adminKey: string;
let other: TestOrg;

beforeAll(async () => {
  demo = await seedDemo({ ...env, DEMO_API_KEY: "fl_test_demo_key_for_analytics_0123456789" }, db(), { now: new Date("2026-11-20T12:00:00Z") });
  adminKey = "fl_test_demo_key_for_analytics_0123456789";
  other = await createTestOrg("analytics-other");
});

async function indices(query = ""): Promise<IndicesResponse> {
  const res = await call(`/api/surveys/${demo.surveyId}/indices${query}`, { headers: bearer(adminKey) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as IndicesResponse;
}

/** The same estimate computed the slow way: from the raw stored responses. */
async function estimateFromRawResponses(where = "1=1") {
  const survey = await env.DB.prepare("select published_version as v from surveys where id = ?").bind(demo.surveyId).first<{ v: number }>();
  const definition = await loadVersionDefinition(db(), demo.surveyId, survey!.v);
  const rows = await env.DB.prepare(`select answers from responses where survey_id = ? and status = 'completed' and ${where}`).bind(demo.surveyId).all<{ answers: string }>();
  const model = indexModelFor(definition);
  const itemIds = Object.values(model.spec.constructs).flat();
  const matrix = rows.results.map((r) => {
    const numeric = toNumericRow(definition, JSON.parse(r.answers) as Answers);
    return itemIds.map((id) => numeric[id] ?? null);
  });
  const estimate = estimatePlsPath(model.spec, { itemIds, rows: matrix });
  return { estimate, indices: computeAcsiIndices(estimate, { itemScales: scaleBounds(definition) }), n: rows.results.length, matrix: { itemIds, rows: matrix } };
}

describe("satisfaction indices from sufficient statistics", () => {
  it("estimates the demo survey: n, ACSI in range, converged, all six constructs and nine paths", async () => {
    const body = await indices();
    expect(body.n).toBe(400);
    expect(body.acsi).toBeGreaterThan(40);
    expect(body.acsi).toBeLessThan(95);
    expect(body.estimation?.converged).toBe(true);
    expect(body.constructs.map((c) => c.construct).sort()).toEqual(["complaints", "expectations", "loyalty", "perceived_quality", "perceived_value", "satisfaction"]);
    expect(body.paths).toHaveLength(9);
    expect(body.metrics.nps?.n).toBe(400);
    expect(body.drivers.length).toBe(3);
  });

  it("ranks drivers and their items by IPMA, equal to IPMA of the raw responses", async () => {
    const body = await indices();
    const raw = await estimateFromRawResponses();
    const itemScales = Object.assign({}, ...Object.values(raw.indices.indices).map((entry) => entry.itemScales));
    const ipma = computeIpma(raw.estimate, { target: "satisfaction", itemScales });
    for (const driver of body.drivers) {
      const expected = ipma.constructs.find((entry) => entry.construct === driver.construct)!;
      expect(Math.abs(driver.importance - expected.importance)).toBeLessThan(1e-9);
      expect(Math.abs(driver.performance - expected.performance)).toBeLessThan(1e-9);
    }
    const driverItems = ipma.indicators.filter((entry) => body.drivers.some((driver) => driver.construct === entry.construct));
    expect(body.driverIndicators).toHaveLength(driverItems.length);
    const ranked = [...body.driverIndicators].sort((a, b) => a.rank - b.rank);
    expect(ranked.map((entry) => entry.priorityScore)).toEqual([...ranked.map((entry) => entry.priorityScore)].sort((a, b) => b - a));
  });

  it("equals the estimate from the raw responses to 1e-9 (paths, weights, indices)", async () => {
    const body = await indices();
    const raw = await estimateFromRawResponses();
    expect(body.n).toBe(raw.n);
    for (const path of body.paths) {
      const expected = raw.estimate.pathCoefficients.find((p) => p.from === path.from && p.to === path.to)!.value;
      expect(Math.abs(path.coefficient - expected)).toBeLessThan(1e-9);
    }
    for (const construct of body.constructs) {
      expect(Math.abs(construct.index! - raw.indices.indices[construct.construct]!.index)).toBeLessThan(1e-9);
      for (const [item, loading] of Object.entries(construct.loadings)) {
        expect(Math.abs(loading - raw.estimate.outerLoadings[construct.construct]![item]!)).toBeLessThan(1e-9);
      }
    }
  });

  it("filters by segment and period with the same answer as the raw responses of that selection", async () => {
    const body = await indices("?touchpoint=store&from=2026-08-01&to=2026-11-20");
    const raw = await estimateFromRawResponses("touchpoint = 'store' and completed_at >= 1785542400000 and completed_at < 1795219200000");
    expect(body.n).toBe(raw.n);
    expect(Math.abs(body.acsi! - raw.indices.indices.satisfaction!.index)).toBeLessThan(1e-9);
    const twoDims = await indices("?touchpoint=web&region=east");
    const rawTwo = await estimateFromRawResponses("touchpoint = 'web' and region = 'east'");
    expect(twoDims.n).toBe(rawTwo.n);
  });

  it("warns instead of failing when a selection is too small to estimate", async () => {
    const body = await indices("?from=2030-01-01");
    expect(body.n).toBe(0);
    expect(body.acsi).toBeNull();
    expect(body.warnings.map((w) => w.code)).toContain("SAMPLE_TOO_SMALL");
  });

  it("gives a monthly trend and a segment comparison whose counts add up", async () => {
    const trend = (await (await call(`/api/surveys/${demo.surveyId}/indices/trend?interval=month`, { headers: bearer(adminKey) })).json()) as TrendResponse;
    expect(trend.points.length).toBeGreaterThanOrEqual(6);
    expect(trend.points.reduce((s, p) => s + p.n, 0)).toBe(400);
    const segments = (await (await call(`/api/surveys/${demo.surveyId}/indices/segments?by=region`, { headers: bearer(adminKey) })).json()) as SegmentsResponse;
    expect(segments.segments.map((s) => s.value).sort()).toEqual(["east", "north", "south", "west"]);
    expect(segments.segments.reduce((s, p) => s + p.n, 0)).toBe(400);
  });

  it("reports each segment's sample status and hides the index of a segment below the minimum", async () => {
    const segments = (await (await call(`/api/surveys/${demo.surveyId}/indices/segments?by=region`, { headers: bearer(adminKey) })).json()) as SegmentsResponse;
    for (const segment of segments.segments) {
      expect(segment.sample.target).toBe(250);
      expect(segment.sample.stillNeeded).toBe(Math.max(0, 250 - segment.n));
      expect(segment.sample.indexShown).toBe(segment.n >= 30);
      expect(segment.sample.marginOfError).toBeGreaterThan(0);
      expect(segment.acsi === null).toBe(!segment.sample.indexShown);
    }
    const trend = (await (await call(`/api/surveys/${demo.surveyId}/indices/trend?interval=month`, { headers: bearer(adminKey) })).json()) as TrendResponse;
    const last = [...trend.points].sort((a, b) => a.period.localeCompare(b.period)).at(-1)!;
    const recent = (await (await call(`/api/surveys/${demo.surveyId}/indices/segments?by=region&from=${last.period}-01`, { headers: bearer(adminKey) })).json()) as SegmentsResponse;
    const small = recent.segments.filter((segment) => segment.n < 30);
    expect(small.length).toBeGreaterThan(0);
    for (const segment of small) {
      expect(segment.acsi).toBeNull();
      expect(segment.constructs).toEqual({});
      expect(segment.sample.indexShown).toBe(false);
    }
  });

  it("evaluates the index change at a date from stored statistics, equal to the raw responses' respondent indices", async () => {
    const since = "2026-08-01";
    const res = await call(`/api/surveys/${demo.surveyId}/indices/change?since=${since}&benchmarkValue=60&benchmarkN=250&benchmarkSd=20&benchmarkSource=Industry&benchmarkYear=2025`, {
      headers: bearer(adminKey),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as ChangeResponse;
    expect(body.before.n + body.after.n).toBe(400);
    const all = await estimateFromRawResponses();
    const satisfactionOnly = { indices: { satisfaction: all.indices.indices.satisfaction! }, warnings: [] };
    const cut = Date.parse(`${since}T00:00:00Z`);
    for (const [period, where] of [
      [body.before, `completed_at < ${cut}`],
      [body.after, `completed_at >= ${cut}`],
    ] as const) {
      const raw = await estimateFromRawResponses(where);
      // The full sample's weights; a missing answer replaced by the period's own item mean (the
      // demo's prospective customers skip the experience questions), as the stored statistics do.
      const periodMeans = { ...satisfactionOnly.indices.satisfaction, itemMeans: raw.indices.indices.satisfaction!.itemMeans };
      const perRespondent = computeRespondentIndices({ indices: { satisfaction: periodMeans }, warnings: [] }, raw.matrix).satisfaction!;
      const mean = perRespondent.reduce((a, b) => a + b, 0) / perRespondent.length;
      const sd = Math.sqrt(perRespondent.reduce((s, v) => s + (v - mean) ** 2, 0) / (perRespondent.length - 1));
      expect(period.n).toBe(perRespondent.length);
      expect(Math.abs(period.index - mean)).toBeLessThan(1e-9);
      expect(Math.abs(period.sd - sd)).toBeLessThan(1e-9);
    }
    expect(body.difference).toBeCloseTo(body.after.index - body.before.index, 12);
    expect(body.verdict).toBe(body.lower > 0 ? "improved" : body.upper < 0 ? "worse" : "no-detectable-change");
    expect(body.benchmark!.difference).toBeCloseTo(body.after.index - 60, 12);
    expect(body.benchmark!.interval).not.toBeNull();
    expect((await call(`/api/surveys/${demo.surveyId}/indices/change?since=2026-08-01&to=2026-07-01`, { headers: bearer(adminKey) })).status).toBe(400);
    expect((await call(`/api/surveys/${demo.surveyId}/indices/change`, { headers: bearer(adminKey) })).status).toBe(400);
  });

  it("rejects bad filters with 400 and hides the survey from other organisations", async () => {
    expect((await call(`/api/surveys/${demo.surveyId}/indices?from=20-01-2026`, { headers: bearer(adminKey) })).status).toBe(400);
    expect((await call(`/api/surveys/${demo.surveyId}/indices?scheme=magic`, { headers: bearer(adminKey) })).status).toBe(400);
    expect((await call(`/api/surveys/${demo.surveyId}/indices`, { headers: bearer(other.keys.owner) })).status).toBe(404);
  });

  it("computes seeded bootstrap intervals off the request path and attaches them to the same selection", async () => {
    const start = async () => {
      const res = await call(`/api/surveys/${demo.surveyId}/indices/bootstrap`, json("POST", { samples: 60, seed: 7, region: "north" }, bearer(adminKey)));
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const first = await start();
    await executeBootstrapRun(db(), first);
    const run = (await (await call(`/api/surveys/${demo.surveyId}/indices/bootstrap/${first}`, { headers: bearer(adminKey) })).json()) as {
      status: string;
      result: { succeeded: number; indices: Record<string, { lower: number; upper: number; estimate: number }> };
    };
    expect(run.status).toBe("finished");
    expect(run.result.succeeded).toBeGreaterThan(50);
    const sat = run.result.indices.satisfaction!;
    expect(sat.lower).toBeLessThan(sat.estimate);
    expect(sat.upper).toBeGreaterThan(sat.estimate);
    const withIntervals = await indices("?region=north");
    const construct = withIntervals.constructs.find((c) => c.construct === "satisfaction")!;
    expect(construct.interval).toEqual({ low: sat.lower, high: sat.upper, level: 0.95 });
    expect(withIntervals.paths.every((p) => p.interval !== null)).toBe(true);
    // Another selection has no run, so no intervals; the same seed reproduces the same intervals.
    expect((await indices()).constructs.every((c) => c.interval === null)).toBe(true);
    const second = await start();
    await executeBootstrapRun(db(), second);
    const again = (await (await call(`/api/surveys/${demo.surveyId}/indices/bootstrap/${second}`, { headers: bearer(adminKey) })).json()) as typeof run;
    expect(again.result.indices.satisfaction).toEqual(sat);
  });

  it("is for managers and above", async () => {
    const staffKey = other.keys.staff;
    expect((await call(`/api/surveys/${demo.surveyId}/indices`, { headers: bearer(staffKey) })).status).toBe(403);
  });
});
