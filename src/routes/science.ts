/**
 * From index to action (docs/statistics.md §11): Kano results from the stored pair histograms,
 * improvement plans judged by the before/after change of their target index, and the
 * organisation's benchmark figures compared with a selection's indices.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { loadMergedStats } from "../db/queries/analytics";
import { createBenchmark, createPlan, deleteBenchmark, getPlan, listBenchmarks, listPlans, updatePlan, type BenchmarkRow, type PlanRow } from "../db/queries/plans-benchmarks";
import { analyzeKanoFeature, createKanoHistogram } from "../domain/kano";
import { computeSurveyIndices } from "../domain/analytics/survey-indices";
import { compareWithBenchmark, periodIndexFromMoments } from "../domain/planning/period-comparison";
import { planEvaluationWindows, targetReached } from "../domain/planning/improvement-plan";
import { kanoItems } from "../domain/survey/kano-item";
import { createEmptyMoments, type ItemMoments } from "../domain/stats/item-moments";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { computeIndexChange, FilterQuery, IdParam, latestDefinition, rangeAndFilter } from "./analytics";
import {
  BenchmarkComparisonsSchema,
  BenchmarkInputSchema,
  BenchmarkSchema,
  KanoResponseSchema,
  PlanDetailSchema,
  PlanInputSchema,
  PlanPatchSchema,
  PlanSchema,
  type Benchmark,
  type Plan,
  type PlanDetail,
} from "../contracts/science";

/** The 25 pair counts of a Kano feature, read from the stored histogram of its pair code. */
function kanoHistogramOf(moments: ItemMoments, featureId: string): number[] {
  const histogram = createKanoHistogram();
  const position = moments.itemIds.indexOf(featureId);
  if (position < 0) return histogram;
  for (const [code, count] of Object.entries(moments.valueCounts[position] ?? {})) histogram[Number(code)] += count;
  return histogram;
}

const kanoRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/kano",
  tags: ["analytics"],
  summary: "Kano category, Fong's test and Better/Worse of every Kano feature for a period and segment",
  description: "Read from the stored per-day/per-month histograms of answer pairs (never from the responses).",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery.omit({ scheme: true }) },
  responses: { 200: { description: "Kano results", content: { "application/json": { schema: KanoResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

const PlanParam = IdParam.extend({ planId: z.string().min(1).max(64) });

const listPlansRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/plans",
  tags: ["plans"],
  summary: "Improvement plans of a survey (oldest start first): the dashboard's trend markers",
  permission: "analytics:read",
  request: { params: IdParam },
  responses: { 200: { description: "Plans", content: { "application/json": { schema: z.object({ plans: z.array(PlanSchema) }) } } }, ...problemResponses(401, 403, 404) },
});

const createPlanRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/plans",
  tags: ["plans"],
  summary: "Create an improvement plan from a driver, an indicator or a Kano feature",
  permission: "surveys:write",
  request: { params: IdParam, body: { content: { "application/json": { schema: PlanInputSchema } }, required: true } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: PlanSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const getPlanRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/plans/{planId}",
  tags: ["plans"],
  summary: "A plan and its effect: the target index before and after its start, the interval of the difference and a verdict",
  description:
    "After = [start, min(review date, today)]; before = the same number of days ending the day before the start. Both on the weights of the two periods together; interval from the periods' sufficient statistics (normal approximation).",
  permission: "analytics:read",
  request: { params: PlanParam },
  responses: { 200: { description: "The plan", content: { "application/json": { schema: PlanDetailSchema } } }, ...problemResponses(401, 403, 404) },
});

const patchPlanRoute = staffRoute({
  method: "patch",
  path: "/surveys/{id}/plans/{planId}",
  tags: ["plans"],
  summary: "Update a plan's status, owner, review date, target value or notes",
  permission: "surveys:write",
  request: { params: PlanParam, body: { content: { "application/json": { schema: PlanPatchSchema } }, required: true } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: PlanSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const listBenchmarksRoute = staffRoute({
  method: "get",
  path: "/benchmarks",
  tags: ["benchmarks"],
  summary: "The organisation's benchmark figures (competitor or industry indices it entered)",
  permission: "analytics:read",
  responses: { 200: { description: "Benchmarks", content: { "application/json": { schema: z.object({ benchmarks: z.array(BenchmarkSchema) }) } } }, ...problemResponses(401, 403) },
});

const createBenchmarkRoute = staffRoute({
  method: "post",
  path: "/benchmarks",
  tags: ["benchmarks"],
  summary: "Enter a benchmark figure (source, year, 0–100 value; n and SD for an interval of the difference)",
  permission: "surveys:write",
  request: { body: { content: { "application/json": { schema: BenchmarkInputSchema } }, required: true } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: BenchmarkSchema } } }, ...problemResponses(401, 403, 422) },
});

const deleteBenchmarkRoute = staffRoute({
  method: "delete",
  path: "/benchmarks/{benchmarkId}",
  tags: ["benchmarks"],
  summary: "Delete a benchmark figure",
  permission: "surveys:write",
  request: { params: z.object({ benchmarkId: z.string().min(1).max(64) }) },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

const compareBenchmarksRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/benchmarks",
  tags: ["benchmarks"],
  summary: "A selection's indices against every stored benchmark of the organisation",
  description: "Difference index − benchmark; with the benchmark's n and SD also its interval (SE_d = √(SE² + SD²/n)) and a verdict above / below / no detectable difference.",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery },
  responses: { 200: { description: "Comparisons", content: { "application/json": { schema: BenchmarkComparisonsSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

function shapePlan(row: PlanRow): Plan {
  const { id, surveyId, title, sourceKind, sourceRef, owner, targetConstruct, targetValue, startDate, reviewDate, status, notes } = row;
  return { id, surveyId, title, sourceKind, sourceRef, owner, targetConstruct, targetValue, startDate, reviewDate, status, notes };
}

function shapeBenchmark(row: BenchmarkRow): Benchmark {
  return { id: row.id, construct: row.construct, source: row.source, year: row.year, value: row.value, n: row.n, sd: row.sd };
}

export const scienceRoutes = createRouter()
  .openapi(kanoRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    const { range, filter } = rangeAndFilter({ ...c.req.valid("query"), scheme: "path" });
    const [{ definition }, [group]] = await Promise.all([latestDefinition(db, organizationId, id), loadMergedStats(db, organizationId, id, range, filter)]);
    const moments = group?.moments ?? createEmptyMoments();
    const features = kanoItems(definition).map((item) => {
      const histogram = kanoHistogramOf(moments, item.id);
      return { feature: item.id, label: item.label, histogram, ...analyzeKanoFeature(histogram) };
    });
    return c.json({ surveyId: id, features }, 200);
  })
  .openapi(listPlansRoute, async (c) => {
    const plans = await listPlans(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id);
    return c.json({ plans: plans.map(shapePlan) }, 200);
  })
  .openapi(createPlanRoute, async (c) => {
    const input = c.req.valid("json");
    const row = await createPlan(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id, { ...input, notes: input.notes ?? null });
    return c.json(shapePlan(row), 201);
  })
  .openapi(getPlanRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id, planId } = c.req.valid("param");
    const plan = await getPlan(db, organizationId, id, planId);
    const windows = planEvaluationWindows(plan.startDate, plan.reviewDate, new Date().toISOString().slice(0, 10));
    let effect: PlanDetail["effect"] = null;
    let effectProblem: string | null = null;
    if (!windows) effectProblem = "The plan has not started yet, so there is no after-period to evaluate.";
    else {
      try {
        const change = await computeIndexChange(db, organizationId, id, plan.targetConstruct, windows.before, windows.after, {});
        effect = {
          ...change,
          before: { ...change.before, ...windows.before },
          after: { ...change.after, ...windows.after },
          targetReached: targetReached(change.after.index, plan.targetValue)!,
        };
      } catch (error) {
        // A period without responses is an expected state of a young plan, not a failure of the page.
        if (!(error instanceof ProblemError) || error.status !== 409) throw error;
        effectProblem = error.message;
      }
    }
    return c.json({ ...shapePlan(plan), effect, effectProblem }, 200);
  })
  .openapi(patchPlanRoute, async (c) => {
    const { id, planId } = c.req.valid("param");
    const patch = c.req.valid("json");
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    if (patch.reviewDate && patch.reviewDate <= (await getPlan(db, organizationId, id, planId)).startDate) {
      throw new ProblemError("validation-failed", "The review date must be after the start date.", { errors: [{ field: "reviewDate", code: "invalid_range", message: "must be after startDate" }] });
    }
    return c.json(shapePlan(await updatePlan(db, organizationId, id, planId, patch)), 200);
  })
  .openapi(listBenchmarksRoute, async (c) => {
    const rows = await listBenchmarks(c.get("db"), c.get("principal").organizationId);
    return c.json({ benchmarks: rows.map(shapeBenchmark) }, 200);
  })
  .openapi(createBenchmarkRoute, async (c) => {
    const input = c.req.valid("json");
    const row = await createBenchmark(c.get("db"), c.get("principal").organizationId, { ...input, n: input.n ?? null, sd: input.sd ?? null });
    return c.json(shapeBenchmark(row), 201);
  })
  .openapi(deleteBenchmarkRoute, async (c) => {
    await deleteBenchmark(c.get("db"), c.get("principal").organizationId, c.req.valid("param").benchmarkId);
    return c.body(null, 204);
  })
  .openapi(compareBenchmarksRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { range, filter } = rangeAndFilter(query);
    const [{ definition }, [group], stored] = await Promise.all([
      latestDefinition(db, organizationId, id),
      loadMergedStats(db, organizationId, id, range, filter),
      listBenchmarks(db, organizationId),
    ]);
    const moments = group?.moments ?? createEmptyMoments();
    const indices = computeSurveyIndices(definition, moments, { scheme: query.scheme }).indices?.indices ?? {};
    const comparisons = stored.map((row) => {
      const benchmark = shapeBenchmark(row);
      const construct = indices[row.construct];
      if (!construct || moments.rowCount < 2) return { benchmark, index: null, difference: null, interval: null, verdict: "no-index" as const };
      const own = periodIndexFromMoments(moments, { weights: construct.normalizedWeights, scales: construct.itemScales });
      const comparison = compareWithBenchmark(own, { source: row.source, year: row.year, value: row.value, n: row.n, sd: row.sd });
      return { benchmark, index: comparison.index, difference: comparison.difference, interval: comparison.interval, verdict: comparison.verdict };
    });
    return c.json({ surveyId: id, comparisons }, 200);
  });
