/**
 * From index to action over the API: segment permutation tests as a chunked job, PLSpredict with the
 * bootstrap, Kano results from stored pair histograms, improvement plans and benchmarks.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { seedDemo } from "../../src/seed/demo";
import { loadVersionDefinition } from "../../src/db/queries/surveys";
import { executeBootstrapRun, predictiveCheck } from "../../src/db/queries/bootstrap";
import { executeSegmentTestStep } from "../../src/db/queries/segment-tests";
import { indexModelFor } from "../../src/domain/analytics/survey-indices";
import { permutationTestPlsPath } from "../../src/domain/pls";
import { analyzeKanoFeature, addKanoPair, createKanoHistogram } from "../../src/domain/kano";
import { scaleBounds, toNumericRow } from "../../src/domain/survey/numeric";
import type { Answers } from "../../src/domain/survey/answers";
import type { ChangeResponse, IndicesResponse, SegmentsResponse } from "../../src/contracts/analytics";
import type { BenchmarkComparisons, KanoResponse, PlanDetail, SegmentTest } from "../../src/contracts/science";

const KEY = "fl_test_demo_key_for_science_0123456789";
let demo: Awaited<ReturnType<typeof seedDemo>>;
let other: TestOrg;

beforeAll(async () => {
  demo = await seedDemo({ ...env, DEMO_API_KEY: KEY }, db(), { now: new Date("2026-11-20T12:00:00Z") });
  other = await createTestOrg("science-other");
});

async function get<T>(path: string, key = KEY): Promise<T> {
  const res = await call(path, { headers: bearer(key) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/** The demo survey's raw rows as the jobs read them, with each row's region. */
async function demoRows() {
  const survey = await env.DB.prepare("select published_version as v from surveys where id = ?").bind(demo.surveyId).first<{ v: number }>();
  const definition = await loadVersionDefinition(db(), demo.surveyId, survey!.v);
  const rows = await env.DB.prepare("select answers, region from responses where survey_id = ? and status = 'completed' order by id").bind(demo.surveyId).all<{ answers: string; region: string }>();
  const model = indexModelFor(definition);
  const itemIds = Object.values(model.spec.constructs).flat();
  const matrix = rows.results.map((r) => {
    const numeric = toNumericRow(definition, JSON.parse(r.answers) as Answers);
    return itemIds.map((id) => numeric[id] ?? null);
  });
  return { definition, spec: model.spec, matrix: { itemIds, rows: matrix }, regions: rows.results.map((r) => r.region) };
}

describe("segment permutation tests", () => {
  it("runs as a background job and marks the segment comparison with the p-values of a direct test on the raw rows", async () => {
    const started = await call(`/api/surveys/${demo.surveyId}/indices/segments/tests`, json("POST", { by: "region", values: ["north"], permutations: 99, seed: 3 }, bearer(KEY)));
    expect(started.status, await started.clone().text()).toBe(202);
    const [queued] = ((await started.json()) as { tests: SegmentTest[] }).tests;
    expect(queued!.status).toBe("queued");
    let steps = 0;
    while (await executeSegmentTestStep(db(), queued!.id)) steps++;
    expect(steps).toBeLessThan(5);
    const test = await get<SegmentTest>(`/api/surveys/${demo.surveyId}/indices/segments/tests/${queued!.id}`);
    expect(test.status).toBe("finished");
    expect(test.done).toBe(99);

    const raw = await demoRows();
    const direct = permutationTestPlsPath(raw.spec, raw.matrix, raw.regions.map((r) => r === "north"), { permutations: 99, seed: 3, index: { itemScales: scaleBounds(raw.definition) } });
    expect(test.result!.sizes).toEqual({ segment: direct.groupSizes.a, rest: direct.groupSizes.b });
    expect(test.result!.indices.map((d) => [d.construct, d.pValue, d.significant])).toEqual(direct.indices!.map((d) => [d.construct, d.pValue, d.significant]));
    expect(test.result!.paths.map((d) => d.pValue)).toEqual(direct.pathCoefficients.map((d) => d.pValue));

    const segments = await get<SegmentsResponse>(`/api/surveys/${demo.surveyId}/indices/segments?by=region`);
    const north = segments.segments.find((s) => s.value === "north")!;
    expect(north.test?.id).toBe(queued!.id);
    expect(north.test?.result?.indices.find((d) => d.construct === "satisfaction")?.pValue).toBe(direct.indices!.find((d) => d.construct === "satisfaction")!.pValue);
    expect(segments.segments.filter((s) => s.value !== "north").every((s) => s.test === null)).toBe(true);
    // One finished test is a family of one: Holm leaves its p-values as they are; read alone, a test has none.
    expect(segments.adjustment).toEqual({ method: "holm", tests: 1 });
    for (const d of north.test!.result!.indices) expect([d.adjustedPValue, d.significantAdjusted]).toEqual([d.pValue, d.significant]);
    expect(test.result!.indices.every((d) => d.adjustedPValue === null && d.significantAdjusted === null)).toBe(true);
    // Another selection (a period) has no test.
    const period = await get<SegmentsResponse>(`/api/surveys/${demo.surveyId}/indices/segments?by=region&from=2026-10-01`);
    expect(period.segments.every((s) => s.test === null)).toBe(true);
  });

  it("validates the request and keeps tests inside the organisation", async () => {
    expect((await call(`/api/surveys/${demo.surveyId}/indices/segments/tests`, json("POST", { by: "region", values: [] }, bearer(KEY)))).status).toBe(422);
    expect((await call(`/api/surveys/${demo.surveyId}/indices/segments/tests`, json("POST", { by: "region", values: ["north"] }, bearer(other.keys.owner)))).status).toBe(404);
  });
});

describe("PLSpredict with the bootstrap run", () => {
  it("adds a prediction line to the indices of the same selection, equal to PLSpredict on the raw rows", async () => {
    expect((await get<IndicesResponse>(`/api/surveys/${demo.surveyId}/indices`)).prediction).toBeNull();
    const res = await call(`/api/surveys/${demo.surveyId}/indices/bootstrap`, json("POST", { samples: 50, seed: 5 }, bearer(KEY)));
    await executeBootstrapRun(db(), ((await res.json()) as { id: string }).id);
    const body = await get<IndicesResponse>(`/api/surveys/${demo.surveyId}/indices`);
    const raw = await demoRows();
    const expected = predictiveCheck(raw.spec, raw.matrix, 5)!;
    expect(body.prediction?.target).toBe("loyalty");
    expect(body.prediction?.power).toBe(expected.power);
    expect(body.prediction?.indicators.map((i) => i.q2predict)).toEqual(expected.indicators.map((i) => i.q2predict));
  });
});

describe("Kano results", () => {
  it("reads each feature's category and Better/Worse from the stored pair histograms, per segment", async () => {
    const survey = await createPublishedSurvey(other.keys.manager, "kano-survey", { template: "kano" });
    // [functional, dysfunctional, region] per respondent.
    const pairs: Array<[number, number, string]> = [
      [1, 5, "north"], [1, 5, "north"], [1, 3, "north"], [2, 5, "south"], [2, 5, "south"], [2, 5, "south"], [1, 1, "south"], [5, 1, "south"],
    ];
    for (const [f, d, region] of pairs) {
      const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: { kano_delivery_functional: f, kano_delivery_dysfunctional: d, kano_tracking_functional: f }, complete: true, hidden: { region } });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const bad = await submit(survey.slug, { submissionId: newSubmissionId(), answers: { kano_delivery_functional: 6 }, complete: true });
    expect(bad.status).toBe(422);

    const expectFeature = (body: KanoResponse, subset: typeof pairs) => {
      const histogram = createKanoHistogram();
      for (const [f, d] of subset) addKanoPair(histogram, f, d);
      const delivery = body.features.find((feature) => feature.feature === "kano_delivery")!;
      expect(delivery.histogram).toEqual(histogram);
      expect(delivery).toMatchObject(analyzeKanoFeature(histogram));
    };
    const all = await get<KanoResponse>(`/api/surveys/${survey.id}/kano`, other.keys.manager);
    expect(all.features.map((f) => f.feature)).toEqual(["kano_delivery", "kano_tracking", "kano_returns", "kano_support"]);
    expectFeature(all, pairs);
    // M 3, O 2, A 1, Q 2: must-be.
    expect(all.features[0]!.category).toBe("M");
    // Half-answered pairs are not counted.
    expect(all.features[1]!.n).toBe(0);
    expectFeature(await get<KanoResponse>(`/api/surveys/${survey.id}/kano?region=north`, other.keys.manager), pairs.filter((p) => p[2] === "north"));
  });
});

describe("improvement plans", () => {
  it("evaluates a plan with the before/after change of its target over equal windows", async () => {
    const invalid = await call(`/api/surveys/${demo.surveyId}/plans`, json("POST", { title: "x", sourceKind: "driver", sourceRef: "perceived_quality", owner: "Li", targetValue: 80, startDate: "2026-09-01", reviewDate: "2026-08-01" }, bearer(KEY)));
    expect(invalid.status).toBe(422);
    const created = await call(
      `/api/surveys/${demo.surveyId}/plans`,
      json("POST", { title: "Faster answers", sourceKind: "driver", sourceRef: "perceived_quality", owner: "Li Wei", targetConstruct: "satisfaction", targetValue: 99, startDate: "2026-09-01", reviewDate: "2026-11-20" }, bearer(KEY)),
    );
    expect(created.status, await created.clone().text()).toBe(201);
    const plan = (await created.json()) as PlanDetail;
    const detail = await get<PlanDetail>(`/api/surveys/${demo.surveyId}/plans/${plan.id}`);
    // After: 2026-09-01..2026-11-20 (81 days); before: the 81 days up to 2026-08-31.
    expect(detail.effect?.after).toMatchObject({ from: "2026-09-01", to: "2026-11-20" });
    expect(detail.effect?.before).toMatchObject({ from: "2026-06-12", to: "2026-08-31" });
    const change = await get<ChangeResponse>(`/api/surveys/${demo.surveyId}/indices/change?since=2026-09-01&from=2026-06-12&to=2026-11-20`);
    expect(detail.effect?.difference).toBe(change.difference);
    expect(detail.effect?.verdict).toBe(change.verdict);
    expect(detail.effect?.targetReached).toBe(false);

    const patched = await call(`/api/surveys/${demo.surveyId}/plans/${plan.id}`, json("PATCH", { status: "in_progress" }, bearer(KEY)));
    expect(((await patched.json()) as PlanDetail).status).toBe("in_progress");
    const list = await get<{ plans: PlanDetail[] }>(`/api/surveys/${demo.surveyId}/plans`);
    expect(list.plans.map((p) => p.id)).toContain(plan.id);
    expect((await call(`/api/surveys/${demo.surveyId}/plans/${plan.id}`, { headers: bearer(other.keys.owner) })).status).toBe(404);

    const future = await call(`/api/surveys/${demo.surveyId}/plans`, json("POST", { title: "Later", sourceKind: "kano", sourceRef: "kano_delivery", owner: "Li", targetValue: 80, startDate: "2099-01-01", reviewDate: "2099-06-01" }, bearer(KEY)));
    const later = await get<PlanDetail>(`/api/surveys/${demo.surveyId}/plans/${((await future.json()) as PlanDetail).id}`);
    expect(later.effect).toBeNull();
    expect(later.effectProblem).toMatch(/not started/);
  });
});

describe("benchmarks", () => {
  it("compares the selection's index with each stored figure, with an interval only when n and SD are given", async () => {
    expect((await call("/api/benchmarks", json("POST", { source: "x", year: 2025, value: 70, n: 100 }, bearer(KEY)))).status).toBe(422);
    const withSampling = await call("/api/benchmarks", json("POST", { source: "ACSI retail 2025", year: 2025, value: 70, n: 250, sd: 18 }, bearer(KEY)));
    expect(withSampling.status).toBe(201);
    const plain = await call("/api/benchmarks", json("POST", { source: "Competitor report", year: 2024, value: 75 }, bearer(KEY)));
    const plainId = ((await plain.json()) as { id: string }).id;
    const indices = await get<IndicesResponse>(`/api/surveys/${demo.surveyId}/indices`);
    const body = await get<BenchmarkComparisons>(`/api/surveys/${demo.surveyId}/benchmarks`);
    const sampled = body.comparisons.find((c) => c.benchmark.source === "ACSI retail 2025")!;
    expect(sampled.index).toBeCloseTo(indices.acsi!, 9);
    expect(sampled.difference).toBeCloseTo(indices.acsi! - 70, 9);
    expect(sampled.interval).not.toBeNull();
    expect(["above", "below", "no-detectable-difference"]).toContain(sampled.verdict);
    expect(body.comparisons.find((c) => c.benchmark.id === plainId)?.verdict).toBe("no-interval");
    // Benchmarks belong to the organisation.
    expect((await get<{ benchmarks: unknown[] }>("/api/benchmarks", other.keys.owner)).benchmarks).toEqual([]);
    expect((await call(`/api/benchmarks/${plainId}`, { method: "DELETE", headers: bearer(other.keys.owner) })).status).toBe(404);
    expect((await call(`/api/benchmarks/${plainId}`, { method: "DELETE", headers: bearer(KEY) })).status).toBe(204);
  });
});
