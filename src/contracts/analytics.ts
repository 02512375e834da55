/**
 * Response contract of the analytics endpoints (the manager dashboard reads exactly these).
 * Constructs are keyed by the survey's construct tags: expectations, perceived_quality,
 * perceived_value, satisfaction, complaints, loyalty, image, custom:<name>.
 */
import { z } from "@hono/zod-openapi";
import { PredictionSchema, SegmentTestSchema } from "./science";

export const AnalyticsWarningSchema = z.object({ code: z.string(), severity: z.enum(["warning", "notice"]), message: z.string() });

export const IntervalSchema = z.object({ low: z.number(), high: z.number(), level: z.number() }).nullable();

export const ConstructResultSchema = z.object({
  construct: z.string(),
  /** 0-100 ACSI-style index; null when the construct could not be estimated. */
  index: z.number().nullable(),
  /** Bootstrap percentile interval, when a bootstrap has been run for this filter. */
  interval: IntervalSchema,
  items: z.array(z.string()),
  weights: z.record(z.string(), z.number()),
  loadings: z.record(z.string(), z.number()),
  rSquared: z.number().nullable(),
  reliability: z.object({ ave: z.number(), rhoC: z.number(), alpha: z.number(), rhoA: z.number() }).nullable(),
  equalWeightsFallback: z.boolean(),
});

export const PathResultSchema = z.object({ from: z.string(), to: z.string(), coefficient: z.number(), interval: IntervalSchema });

export const DriverResultSchema = z.object({
  construct: z.string(),
  importance: z.number(),
  loyaltyImportance: z.number().nullable(),
  performance: z.number(),
  priorityScore: z.number(),
  quadrant: z.string(),
  rank: z.number(),
});

/** IPMA of one indicator on the target (Ringle & Sarstedt 2016), ranked by importance × (100 − performance). */
export const DriverIndicatorSchema = z.object({
  indicator: z.string(),
  construct: z.string(),
  importance: z.number(),
  performance: z.number(),
  priorityScore: z.number(),
  rank: z.number(),
});

export const MetricsSchema = z.object({
  nps: z.object({ score: z.number(), promoters: z.number(), passives: z.number(), detractors: z.number(), n: z.number() }).nullable(),
  csat: z.object({ topTwoShare: z.number(), mean: z.number(), n: z.number() }).nullable(),
  ces: z.object({ mean: z.number(), agreeShare: z.number(), n: z.number() }).nullable(),
  /** Counts per level 1..5 of the five-level satisfaction item, and the three-level roll-up. */
  satisfactionLevels: z
    .object({ counts: z.array(z.number()), dissatisfied: z.number(), neutral: z.number(), satisfied: z.number(), n: z.number() })
    .nullable(),
  complaintRate: z.object({ rate: z.number(), complained: z.number(), n: z.number() }).nullable(),
  loyalty: z
    .object({ repurchaseMean: z.number().nullable(), priceToleranceIncreaseMean: z.number().nullable(), priceToleranceDecreaseMean: z.number().nullable() })
    .nullable(),
});

export const IndicesResponseSchema = z
  .object({
    surveyId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    filters: z.record(z.string(), z.string()),
    /** Completed responses in the selection. */
    n: z.number(),
    /** The satisfaction construct's index (the ACSI), null if not estimable. */
    acsi: z.number().nullable(),
    estimation: z.object({ scheme: z.string(), converged: z.boolean(), iterations: z.number(), goodnessOfFit: z.number().nullable() }).nullable(),
    constructs: z.array(ConstructResultSchema),
    paths: z.array(PathResultSchema),
    totalEffects: z.array(z.object({ from: z.string(), to: z.string(), value: z.number() })),
    drivers: z.array(DriverResultSchema),
    driverIndicators: z.array(DriverIndicatorSchema),
    /** Predictive validity (PLSpredict), present once a bootstrap run of this selection has finished. */
    prediction: PredictionSchema,
    metrics: MetricsSchema,
    warnings: z.array(AnalyticsWarningSchema),
    /**
     * Responses of current, former and potential customers in the selection (respondent-status hidden
     * field; A13 pitfall 5). `sufficient` only when former and potential customers each reach `minimum`:
     * the plan's "includes former customers" warning clears on this, not on the plan's own flag.
     */
    customerCoverage: z.object({
      statusFieldId: z.string().nullable(),
      counts: z.object({ current: z.number(), former: z.number(), potential: z.number() }),
      minimum: z.number(),
      sufficient: z.boolean(),
    }),
    /** Measurement plan of the survey (seeds: purpose, sampling plan, benchmark) shown beside the results. */
    measurementPlan: z.record(z.string(), z.unknown()).nullable(),
    computeMs: z.number(),
  })
  .openapi("Indices");

/** Sample status of a period or segment against the plan (default target: the ACSI convention of ≈ 250). */
export const GroupSampleSchema = z.object({
  marginOfError: z.number().nullable(),
  target: z.number(),
  stillNeeded: z.number(),
  indexShown: z.boolean(),
});

export const TrendResponseSchema = z
  .object({
    interval: z.enum(["week", "month"]),
    points: z.array(
      z.object({
        period: z.string(),
        n: z.number(),
        acsi: z.number().nullable(),
        nps: z.number().nullable(),
        constructs: z.record(z.string(), z.number().nullable()),
        sample: GroupSampleSchema,
      }),
    ),
  })
  .openapi("IndexTrend");

export const SegmentsResponseSchema = z
  .object({
    by: z.enum(["touchpoint", "region", "tier"]),
    segments: z.array(
      z.object({
        value: z.string(),
        n: z.number(),
        acsi: z.number().nullable(),
        nps: z.number().nullable(),
        constructs: z.record(z.string(), z.number().nullable()),
        sample: GroupSampleSchema,
        /** The latest permutation test of this segment against the rest of the selection, if any. */
        test: SegmentTestSchema.nullable(),
      }),
    ),
    /** Multiple testing: the index differences are Holm-adjusted over the `tests` finished segment tests shown. */
    adjustment: z.object({ method: z.literal("holm"), tests: z.number() }),
  })
  .openapi("IndexSegments");

const PeriodIndexSchema = z.object({ n: z.number(), index: z.number(), sd: z.number(), standardError: z.number() });
const DifferenceFields = { difference: z.number(), standardError: z.number(), lower: z.number(), upper: z.number(), confidence: z.number() };

export const ChangeResponseSchema = z
  .object({
    construct: z.string(),
    since: z.string(),
    before: PeriodIndexSchema,
    after: PeriodIndexSchema,
    ...DifferenceFields,
    verdict: z.enum(["improved", "no-detectable-change", "worse"]),
    benchmark: z
      .object({
        benchmark: z.object({ source: z.string(), year: z.number(), value: z.number(), n: z.number().nullable().optional(), sd: z.number().nullable().optional() }),
        index: z.number(),
        difference: z.number(),
        interval: z.object(DifferenceFields).nullable(),
        verdict: z.enum(["above", "below", "no-detectable-difference", "no-interval"]),
      })
      .nullable(),
  })
  .openapi("IndexChange");

/** A background bootstrap run of a selection (docs/statistics.md §11.7); its intervals then come with the indices. */
export const BootstrapRunSchema = z
  .object({ id: z.string(), status: z.enum(["queued", "running", "finished", "failed"]), samples: z.number(), seed: z.number(), result: z.unknown().nullable(), error: z.string().nullable() })
  .openapi("BootstrapRun");

export type BootstrapRun = z.infer<typeof BootstrapRunSchema>;
export type ChangeResponse = z.infer<typeof ChangeResponseSchema>;
export type IndicesResponse = z.infer<typeof IndicesResponseSchema>;
export type TrendResponse = z.infer<typeof TrendResponseSchema>;
export type SegmentsResponse = z.infer<typeof SegmentsResponseSchema>;
