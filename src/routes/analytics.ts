import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { getSurvey, loadVersionDefinition } from "../db/queries/surveys";
import { loadMergedStats, SEGMENT_DIMENSIONS, type DayRange, type SegmentFilter, type StatsGrouping } from "../db/queries/analytics";
import { computeSurveyIndices, computeSurveyMetrics, indicesWithFixedWeights, type SurveyIndices } from "../domain/analytics/survey-indices";
import { createEmptyMoments, mergeAllMoments } from "../domain/stats/item-moments";
import { holmAdjust } from "../domain/stats/multiple-testing";
import { statusCoverage } from "../domain/loyalty/formulas";
import { createEmptyLoyaltyStats } from "../domain/loyalty/stats";
import { loyaltyModelFor } from "../domain/loyalty/spec";
import { groupSampleStatus } from "../domain/planning/group-sample";
import { compareWithBenchmark, evaluateImprovement, periodIndexFromMoments, type ImprovementEffect } from "../domain/planning/period-comparison";
import type { SurveyDefinition } from "../domain/survey/definition";
import type { Db } from "../env";
import type { PermutationTestResult, PlsPredictResult, SegmentDifference } from "../domain/pls";
import { createBootstrapRun, getBootstrapRun, latestFinishedBootstrap, type BootstrapRunResult } from "../db/queries/bootstrap";
import { createSegmentTests, getSegmentTest, latestSegmentTests, type SegmentTestRow } from "../db/queries/segment-tests";
import { SegmentTestSchema, StartSegmentTestsSchema, type Prediction, type SegmentTest } from "../contracts/science";
import type { FeedloopEvent } from "../domain/queue-messages";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { BootstrapRunSchema, ChangeResponseSchema, IndicesResponseSchema, SegmentsResponseSchema, TrendResponseSchema, type IndicesResponse } from "../contracts/analytics";

const Day = z.iso.date();
const SegmentValue = z.string().min(1).max(200);
export const FilterQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  touchpoint: SegmentValue.optional(),
  region: SegmentValue.optional(),
  tier: SegmentValue.optional(),
  scheme: z.enum(["path", "centroid", "factorial"]).default("path"),
});
export const IdParam = z.object({ id: z.string().min(1).max(64) });

export function rangeAndFilter(query: z.infer<typeof FilterQuery>): { range: DayRange; filter: SegmentFilter } {
  if (query.from && query.to && query.from > query.to) throw new ProblemError("bad-request", "`from` must not be after `to`.");
  const filter: SegmentFilter = {};
  for (const d of SEGMENT_DIMENSIONS) if (query[d] !== undefined) filter[d] = query[d];
  return { range: { from: query.from, to: query.to }, filter };
}

export async function latestDefinition(db: Db, organizationId: string, surveyId: string): Promise<{ definition: SurveyDefinition; plan: Record<string, unknown> | null }> {
  const survey = await getSurvey(db, organizationId, surveyId);
  if (survey.publishedVersion === null) throw new ProblemError("conflict", "This survey has not been published yet, so it has no results.");
  const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion);
  return { definition, plan: (definition.measurementPlan as Record<string, unknown> | undefined) ?? null };
}

function shapeIndices(result: SurveyIndices, bootstrap: BootstrapRunResult | null): Omit<IndicesResponse, "surveyId" | "from" | "to" | "filters" | "measurementPlan" | "customerCoverage" | "computeMs"> {
  const estimate = result.estimate;
  const indices = result.indices?.indices ?? {};
  return {
    n: result.n,
    acsi: result.acsi,
    estimation: estimate ? { scheme: estimate.scheme, converged: estimate.converged, iterations: estimate.iterations, goodnessOfFit: estimate.goodnessOfFit } : null,
    constructs: (estimate?.constructs ?? []).map((construct) => ({
      construct,
      index: indices[construct]?.index ?? null,
      interval: toInterval(bootstrap?.indices?.[construct], bootstrap),
      items: indices[construct]?.items ?? [],
      weights: indices[construct]?.normalizedWeights ?? {},
      loadings: estimate!.outerLoadings[construct] ?? {},
      rSquared: estimate!.rSquared[construct] ?? null,
      reliability: estimate!.reliability[construct]
        ? { ave: estimate!.reliability[construct]!.ave, rhoC: estimate!.reliability[construct]!.rhoC, alpha: estimate!.reliability[construct]!.alpha, rhoA: estimate!.reliability[construct]!.rhoA }
        : null,
      equalWeightsFallback: indices[construct]?.equalWeightsFallback ?? false,
    })),
    paths: (estimate?.pathCoefficients ?? []).map((p) => ({
      from: p.from,
      to: p.to,
      coefficient: p.value,
      interval: toInterval(bootstrap?.pathCoefficients.find((b) => b.from === p.from && b.to === p.to), bootstrap),
    })),
    totalEffects: estimate?.totalEffects ?? [],
    drivers: result.drivers?.drivers ?? [],
    driverIndicators: (result.drivers?.indicators ?? []).map(({ indicator, construct, importance, performance, priorityScore, rank }) => ({
      indicator,
      construct,
      importance,
      performance,
      priorityScore,
      rank,
    })),
    prediction: shapePrediction(bootstrap?.prediction ?? null),
    metrics: result.metrics,
    warnings: result.warnings,
  };
}

function toInterval(interval: { lower: number; upper: number } | undefined, run: BootstrapRunResult | null) {
  return interval && run ? { low: interval.lower, high: interval.upper, level: run.confidenceLevel } : null;
}

function shapePrediction(prediction: PlsPredictResult | null): Prediction {
  if (!prediction) return null;
  const { target, folds, repetitions, n, power, verdict, indicators } = prediction;
  return {
    target,
    folds,
    repetitions,
    n,
    power,
    verdict,
    indicators: indicators.map((entry) => ({ indicator: entry.indicator, q2predict: entry.q2predict, plsRmse: entry.pls.rmse, lmRmse: entry.lm.rmse, plsMae: entry.pls.mae, lmMae: entry.lm.mae })),
  };
}

/** Segment = group A of the test, rest = group B. */
function testedDifference(entry: SegmentDifference) {
  return { segment: entry.groupA, rest: entry.groupB, difference: entry.difference, pValue: entry.pValue, significant: entry.significant };
}

/**
 * The segment comparison tests several segments at once: per construct, Holm-adjust the index
 * differences of every finished test (docs/statistics.md §11.2), in place. Returns the family size.
 */
function adjustIndexDifferences(tests: Array<SegmentTest | null>): { method: "holm"; tests: number } {
  const results = tests.flatMap((test) => (test?.result ? [test.result] : []));
  const constructs = new Set(results.flatMap((result) => result.indices.map((entry) => entry.construct)));
  for (const construct of constructs) {
    const family = results.flatMap((result) => result.indices.filter((entry) => entry.construct === construct).map((entry) => ({ entry, alpha: result.alpha })));
    const adjusted = holmAdjust(family.map(({ entry }) => entry.pValue));
    family.forEach(({ entry, alpha }, k) => {
      entry.adjustedPValue = adjusted[k];
      entry.significantAdjusted = adjusted[k] <= alpha;
    });
  }
  return { method: "holm", tests: results.length };
}

export function shapeSegmentTest(row: SegmentTestRow): SegmentTest {
  const result = row.result as PermutationTestResult | null;
  const state = row.state as { test: { nextPermutation: number } } | null;
  return {
    id: row.id,
    dimension: row.dimension,
    value: row.segmentValue,
    status: row.status,
    permutations: row.permutations,
    done: state?.test.nextPermutation ?? 0,
    seed: row.seed,
    error: row.error,
    result: result
      ? {
          alpha: result.alpha,
          valid: result.valid,
          sizes: { segment: result.groupSizes.a, rest: result.groupSizes.b },
          indices: (result.indices ?? []).map((entry) => ({ construct: entry.construct, ...testedDifference(entry), adjustedPValue: null, significantAdjusted: null })),
          paths: result.pathCoefficients.map((entry) => ({ from: entry.from, to: entry.to, ...testedDifference(entry) })),
          rSquared: result.rSquared.map((entry) => ({ construct: entry.construct, ...testedDifference(entry) })),
          compositionalInvariance: result.micom.every((entry) => entry.compositionalInvariance),
          micom: result.micom.map(({ construct, compositionalCorrelation, compositionalPValue, meanPValue, variancePValue, fullInvariance }) => ({
            construct,
            compositionalCorrelation,
            compositionalPValue,
            meanPValue,
            variancePValue,
            fullInvariance,
          })),
        }
      : null,
  };
}

/**
 * Periods or segments of a selection, each indexed with the weights of the whole selection (the
 * ACSI practice of fixed weights keeps small groups comparable and stable).
 */
async function groupsOnCommonWeights(db: Db, organizationId: string, surveyId: string, query: z.infer<typeof FilterQuery>, grouping: StatsGrouping) {
  const { range, filter } = rangeAndFilter(query);
  const { definition } = await latestDefinition(db, organizationId, surveyId);
  const groups = await loadMergedStats(db, organizationId, surveyId, range, filter, grouping);
  // Periods and segment values partition the selection, so the whole selection is their sum (one read, not two).
  const base = computeSurveyIndices(definition, mergeAllMoments(groups.map((g) => g.moments)), { scheme: query.scheme });
  return groups.map((g) => {
    const constructs = base.indices ? indicesWithFixedWeights(base.indices, g.moments) : {};
    const sample = groupSampleStatus(g.moments, base.indices?.indices.satisfaction);
    return { key: g.key, n: g.n, acsi: constructs.satisfaction ?? null, nps: computeSurveyMetrics(definition, g.moments).nps?.score ?? null, constructs, sample };
  });
}

const indicesRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices",
  tags: ["analytics"],
  summary: "ACSI-style indices, PLS path model, drivers and KPIs for a period and segment",
  description:
    "Computed from the per-day sufficient statistics only (never from the responses), so the cost does not grow with the number of responses. Segment filters: touchpoint, region, tier.",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery },
  responses: { 200: { description: "Indices", content: { "application/json": { schema: IndicesResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

const trendRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices/trend",
  tags: ["analytics"],
  summary: "Index trend by week or month (weights of the whole selection, applied per period)",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery.extend({ interval: z.enum(["week", "month"]).default("month") }) },
  responses: { 200: { description: "Trend", content: { "application/json": { schema: TrendResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

const segmentsRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices/segments",
  tags: ["analytics"],
  summary: "Compare segments (touchpoint, region or tier) on common weights",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery.extend({ by: z.enum(SEGMENT_DIMENSIONS) }) },
  responses: { 200: { description: "Segments", content: { "application/json": { schema: SegmentsResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

const BootstrapRequestSchema = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    touchpoint: SegmentValue.optional(),
    region: SegmentValue.optional(),
    tier: SegmentValue.optional(),
    samples: z.number().int().min(50).max(5000).default(500),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict();

const startBootstrapRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/indices/bootstrap",
  tags: ["analytics"],
  summary: "Start bootstrap confidence intervals for a selection (runs in the background)",
  description: "Percentile intervals from resampling the raw completed responses (seeded). Poll the run, then the indices endpoint for the same selection carries the intervals.",
  permission: "analytics:read",
  request: { params: IdParam, body: { content: { "application/json": { schema: BootstrapRequestSchema } }, required: true } },
  responses: { 202: { description: "Queued", content: { "application/json": { schema: BootstrapRunSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const getBootstrapRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices/bootstrap/{runId}",
  tags: ["analytics"],
  summary: "A bootstrap run and, when finished, its intervals",
  permission: "analytics:read",
  request: { params: IdParam.extend({ runId: z.string().min(1).max(64) }) },
  responses: { 200: { description: "The run", content: { "application/json": { schema: BootstrapRunSchema } } }, ...problemResponses(401, 403, 404) },
});

const startSegmentTestsRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/indices/segments/tests",
  tags: ["analytics"],
  summary: "Test segments against the rest of the selection (permutation test + MICOM, runs in the background)",
  description:
    "One seeded permutation test per value: index, path and R² differences segment − rest with p-values, MICOM steps 2–3. The job runs in steps of at most 2,000,000 row-permutations (≈ 2 s of CPU) each; the segments endpoint for the same selection then carries each segment's latest test.",
  permission: "analytics:read",
  request: { params: IdParam, body: { content: { "application/json": { schema: StartSegmentTestsSchema } }, required: true } },
  responses: { 202: { description: "Queued", content: { "application/json": { schema: z.object({ tests: z.array(SegmentTestSchema) }) } } }, ...problemResponses(401, 403, 404, 422) },
});

const getSegmentTestRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices/segments/tests/{testId}",
  tags: ["analytics"],
  summary: "A segment test: progress and, when finished, its differences and p-values",
  permission: "analytics:read",
  request: { params: IdParam.extend({ testId: z.string().min(1).max(64) }) },
  responses: { 200: { description: "The test", content: { "application/json": { schema: SegmentTestSchema } } }, ...problemResponses(401, 403, 404) },
});

const changeRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/indices/change",
  tags: ["analytics"],
  summary: "Did the satisfaction index change at a date (an improvement plan's start)? Optional benchmark comparison",
  description:
    "Before = [from, since − 1 day], after = [since, to]. Both periods use the weights of the whole selection, so only answers, not weights, can move the index. The interval of the difference comes from the periods' sufficient statistics; the verdict is improved / no-detectable-change / worse. With `benchmarkValue` (and optionally `benchmarkN`, `benchmarkSd`), the after-period index is compared with that figure too.",
  permission: "analytics:read",
  request: {
    params: IdParam,
    query: FilterQuery.extend({
      since: Day,
      benchmarkValue: z.coerce.number().min(0).max(100).optional(),
      benchmarkSource: z.string().min(1).max(200).optional(),
      benchmarkYear: z.coerce.number().int().min(1900).max(3000).optional(),
      benchmarkN: z.coerce.number().int().min(2).optional(),
      benchmarkSd: z.coerce.number().min(0).optional(),
    }),
  },
  responses: { 200: { description: "Change", content: { "application/json": { schema: ChangeResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

/**
 * The index of `construct` in two periods on the weights of both together (so only answers, not
 * weights, can move it), the interval of the difference and the verdict. Three independent reads:
 * one round of I/O, not three in a row. Throws 409 when a period or the estimate is missing.
 */
export async function computeIndexChange(
  db: Db,
  organizationId: string,
  surveyId: string,
  construct: string,
  beforeRange: DayRange,
  afterRange: DayRange,
  filter: SegmentFilter,
  scheme: "path" | "centroid" | "factorial" = "path",
): Promise<ImprovementEffect> {
  const [{ definition }, [before], [after]] = await Promise.all([
    latestDefinition(db, organizationId, surveyId),
    loadMergedStats(db, organizationId, surveyId, beforeRange, filter),
    loadMergedStats(db, organizationId, surveyId, afterRange, filter),
  ]);
  const beforeMoments = before?.moments ?? createEmptyMoments();
  const afterMoments = after?.moments ?? createEmptyMoments();
  const base = computeSurveyIndices(definition, mergeAllMoments([beforeMoments, afterMoments]), { scheme });
  const target = base.indices?.indices[construct];
  if (!target || beforeMoments.rowCount < 2 || afterMoments.rowCount < 2) {
    throw new ProblemError("conflict", `Both periods need completed responses and the selection an estimated ${construct} index to evaluate a change.`);
  }
  const definitionOfIndex = { weights: target.normalizedWeights, scales: target.itemScales };
  return evaluateImprovement(periodIndexFromMoments(beforeMoments, definitionOfIndex), periodIndexFromMoments(afterMoments, definitionOfIndex));
}

export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function shapeRun(run: Awaited<ReturnType<typeof getBootstrapRun>>) {
  return { id: run.id, status: run.status, samples: run.samples, seed: run.seed, result: run.result ?? null, error: run.error };
}

export const analyticsRoutes = createRouter()
  .openapi(startBootstrapRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    const { samples, seed, ...selection } = c.req.valid("json");
    if (selection.from && selection.to && selection.from > selection.to) throw new ProblemError("validation-failed", "`from` must not be after `to`.", { errors: [{ field: "to", code: "invalid_range", message: "must not be before from" }] });
    const runId = await createBootstrapRun(db, principal, id, selection, samples, seed);
    const message: FeedloopEvent = { type: "bootstrap.run", runId };
    c.executionCtx.waitUntil(c.env.EVENTS.send(message));
    return c.json(shapeRun(await getBootstrapRun(db, principal.organizationId, id, runId)), 202);
  })
  .openapi(startSegmentTestsRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    const { by, values, permutations, seed, ...selection } = c.req.valid("json");
    if (selection.from && selection.to && selection.from > selection.to) throw new ProblemError("validation-failed", "`from` must not be after `to`.", { errors: [{ field: "to", code: "invalid_range", message: "must not be before from" }] });
    const ids = await createSegmentTests(db, principal, id, selection, by, [...new Set(values)], permutations, seed);
    const messages = ids.map((testId): { body: FeedloopEvent } => ({ body: { type: "segment-test.step", testId } }));
    c.executionCtx.waitUntil(c.env.EVENTS.sendBatch(messages));
    const tests = await Promise.all(ids.map((testId) => getSegmentTest(db, principal.organizationId, id, testId)));
    return c.json({ tests: tests.map(shapeSegmentTest) }, 202);
  })
  .openapi(getSegmentTestRoute, async (c) => {
    const { id, testId } = c.req.valid("param");
    return c.json(shapeSegmentTest(await getSegmentTest(c.get("db"), c.get("principal").organizationId, id, testId)), 200);
  })
  .openapi(getBootstrapRoute, async (c) => {
    const { id, runId } = c.req.valid("param");
    return c.json(shapeRun(await getBootstrapRun(c.get("db"), c.get("principal").organizationId, id, runId)), 200);
  })
  .openapi(indicesRoute, async (c) => {
    const started = performance.now();
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { range, filter } = rangeAndFilter(query);
    const { definition, plan } = await latestDefinition(db, organizationId, id);
    const [group] = await loadMergedStats(db, organizationId, id, range, filter);
    const result = computeSurveyIndices(definition, group?.moments ?? createEmptyMoments(), { scheme: query.scheme });
    // Intervals come from the latest bootstrap run for exactly this selection (path scheme only).
    const bootstrap = query.scheme === "path" ? await latestFinishedBootstrap(db, organizationId, id, { ...range, ...filter }) : null;
    return c.json(
      {
        surveyId: id,
        from: range.from ?? null,
        to: range.to ?? null,
        filters: filter as Record<string, string>,
        ...shapeIndices(result, bootstrap),
        customerCoverage: (({ counts, minimum, sufficient }) => ({ statusFieldId: loyaltyModelFor(definition)?.statusFieldId ?? null, counts, minimum, sufficient }))(
          statusCoverage(group?.loyalty ?? createEmptyLoyaltyStats()),
        ),
        measurementPlan: plan,
        computeMs: Math.round((performance.now() - started) * 100) / 100,
      },
      200,
    );
  })
  .openapi(changeRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { range, filter } = rangeAndFilter(query);
    if ((range.from && query.since <= range.from) || (range.to && query.since > range.to)) {
      throw new ProblemError("bad-request", "`since` must fall after `from` and not after `to`, so that both periods exist.");
    }
    const effect = await computeIndexChange(db, organizationId, id, "satisfaction", { from: range.from, to: previousDay(query.since) }, { from: query.since, to: range.to }, filter, query.scheme);
    const benchmark =
      query.benchmarkValue === undefined
        ? null
        : compareWithBenchmark(effect.after, {
            source: query.benchmarkSource ?? "",
            year: query.benchmarkYear ?? new Date().getUTCFullYear(),
            value: query.benchmarkValue,
            n: query.benchmarkN ?? null,
            sd: query.benchmarkSd ?? null,
          });
    return c.json({ construct: "satisfaction", since: query.since, ...effect, benchmark }, 200);
  })
  .openapi(trendRoute, async (c) => {
    const query = c.req.valid("query");
    const points = await groupsOnCommonWeights(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id, query, { interval: query.interval });
    return c.json(
      { interval: query.interval, points: points.sort((a, b) => a.key.localeCompare(b.key)).map(({ key, ...rest }) => ({ period: key, ...rest })) },
      200,
    );
  })
  .openapi(segmentsRoute, async (c) => {
    const query = c.req.valid("query");
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const surveyId = c.req.valid("param").id;
    const { range, filter } = rangeAndFilter(query);
    const [groups, tests] = await Promise.all([
      groupsOnCommonWeights(db, organizationId, surveyId, query, { splitBy: query.by }),
      latestSegmentTests(db, organizationId, surveyId, { ...range, ...filter }, query.by),
    ]);
    const segments = groups
      .filter((g) => g.key !== "")
      // Largest first; ties by value, so the order does not depend on which rows were read first.
      .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key))
      // A segment below its minimum shows no index: its margin of error would make it misleading.
      .map(({ key, acsi, constructs, ...rest }) => {
        const test = tests.get(key);
        return { value: key, ...rest, acsi: rest.sample.indexShown ? acsi : null, constructs: rest.sample.indexShown ? constructs : {}, test: test ? shapeSegmentTest(test) : null };
      });
    return c.json({ by: query.by, segments, adjustment: adjustIndexDifferences(segments.map((segment) => segment.test)) }, 200);
  });
