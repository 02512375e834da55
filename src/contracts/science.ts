/**
 * Contracts of "from index to action" (docs/statistics.md §11): segment permutation tests,
 * PLSpredict, Kano results, improvement plans and benchmarks.
 */
import { z } from "@hono/zod-openapi";

const Day = z.iso.date();

/** A difference segment − rest with its permutation p-value; significant when p ≤ 0.05. */
export const TestedDifferenceSchema = z.object({ segment: z.number(), rest: z.number(), difference: z.number(), pValue: z.number(), significant: z.boolean() });

export const SegmentTestSchema = z
  .object({
    id: z.string(),
    dimension: z.enum(["touchpoint", "region", "tier"]),
    value: z.string(),
    status: z.enum(["queued", "running", "finished", "failed"]),
    permutations: z.number(),
    /** Permutations done so far (progress of the background job). */
    done: z.number(),
    seed: z.number(),
    error: z.string().nullable(),
    /** Present when finished. */
    result: z
      .object({
        alpha: z.number(),
        valid: z.number(),
        sizes: z.object({ segment: z.number(), rest: z.number() }),
        /**
         * `adjustedPValue`/`significantAdjusted`: Holm (1979) adjustment over the family of this
         * construct's index differences of every segment tested in the same comparison (the
         * segments endpoint); null where the test is read on its own.
         */
        indices: z.array(TestedDifferenceSchema.extend({ construct: z.string(), adjustedPValue: z.number().nullable(), significantAdjusted: z.boolean().nullable() })),
        paths: z.array(TestedDifferenceSchema.extend({ from: z.string(), to: z.string() })),
        rSquared: z.array(TestedDifferenceSchema.extend({ construct: z.string() })),
        /** MICOM step 2 for every construct: the composites are formed alike in both groups. */
        compositionalInvariance: z.boolean(),
        micom: z.array(
          z.object({ construct: z.string(), compositionalCorrelation: z.number(), compositionalPValue: z.number(), meanPValue: z.number(), variancePValue: z.number(), fullInvariance: z.boolean() }),
        ),
      })
      .nullable(),
  })
  .openapi("SegmentTest");

export const StartSegmentTestsSchema = z
  .object({
    by: z.enum(["touchpoint", "region", "tier"]),
    /** Segment values, each tested against the rest of the selection. */
    values: z.array(z.string().min(1).max(200)).min(1).max(20),
    from: Day.optional(),
    to: Day.optional(),
    touchpoint: z.string().min(1).max(200).optional(),
    region: z.string().min(1).max(200).optional(),
    tier: z.string().min(1).max(200).optional(),
    permutations: z.number().int().min(99).max(5000).default(999),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict();

/** PLSpredict of the model's outcome (Shmueli et al. 2019), from the latest bootstrap run of the selection. */
export const PredictionSchema = z
  .object({
    target: z.string(),
    folds: z.number(),
    repetitions: z.number(),
    n: z.number(),
    power: z.enum(["none", "low", "medium", "high", "lacking"]),
    verdict: z.string(),
    indicators: z.array(z.object({ indicator: z.string(), q2predict: z.number(), plsRmse: z.number(), lmRmse: z.number(), plsMae: z.number(), lmMae: z.number() })),
  })
  .nullable();

export type SegmentTest = z.infer<typeof SegmentTestSchema>;
export type Prediction = z.infer<typeof PredictionSchema>;

const KanoCategorySchema = z.enum(["A", "O", "M", "I", "R", "Q"]);

export const KanoResponseSchema = z
  .object({
    surveyId: z.string(),
    features: z.array(
      z.object({
        feature: z.string(),
        label: z.record(z.string(), z.string()),
        /** Respondents with both answers; 25 counts, index (functional − 1)·5 + (dysfunctional − 1). */
        n: z.number(),
        histogram: z.array(z.number()),
        counts: z.record(KanoCategorySchema, z.number()),
        category: KanoCategorySchema.nullable(),
        mode: KanoCategorySchema.nullable(),
        fong: z.object({ first: KanoCategorySchema, second: KanoCategorySchema, difference: z.number(), threshold: z.number(), significant: z.boolean() }).nullable(),
        better: z.number().nullable(),
        worse: z.number().nullable(),
      }),
    ),
  })
  .openapi("KanoResults");

const PLAN_STATUS = z.enum(["planned", "in_progress", "done", "dropped"]);

export const PlanInputSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    sourceKind: z.enum(["driver", "indicator", "kano"]),
    /** The driver construct, indicator id or Kano feature id the plan acts on. */
    sourceRef: z.string().min(1).max(100),
    owner: z.string().trim().min(1).max(200),
    targetConstruct: z.string().min(1).max(100).default("satisfaction"),
    targetValue: z.number().min(0).max(100),
    startDate: Day,
    reviewDate: Day,
    status: PLAN_STATUS.default("planned"),
    notes: z.string().max(5000).optional(),
  })
  .strict()
  .refine((plan) => plan.reviewDate > plan.startDate, { message: "must be after startDate", path: ["reviewDate"] });

export const PlanPatchSchema = z
  .object({ status: PLAN_STATUS.optional(), owner: z.string().trim().min(1).max(200).optional(), reviewDate: Day.optional(), targetValue: z.number().min(0).max(100).optional(), notes: z.string().max(5000).optional() })
  .strict();

const PeriodIndexSchema = z.object({ n: z.number(), index: z.number(), sd: z.number(), standardError: z.number() });

export const PlanSchema = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    title: z.string(),
    sourceKind: z.enum(["driver", "indicator", "kano"]),
    sourceRef: z.string(),
    owner: z.string(),
    targetConstruct: z.string(),
    targetValue: z.number(),
    startDate: z.string(),
    reviewDate: z.string(),
    status: PLAN_STATUS,
    notes: z.string().nullable(),
  })
  .openapi("ImprovementPlan");

export const PlanDetailSchema = PlanSchema.extend({
  /** Before/after evaluation of the target construct; null with `effectProblem` when it cannot be computed yet. */
  effect: z
    .object({
      before: PeriodIndexSchema.extend({ from: z.string(), to: z.string() }),
      after: PeriodIndexSchema.extend({ from: z.string(), to: z.string() }),
      difference: z.number(),
      standardError: z.number(),
      lower: z.number(),
      upper: z.number(),
      confidence: z.number(),
      verdict: z.enum(["improved", "no-detectable-change", "worse"]),
      targetReached: z.boolean(),
    })
    .nullable(),
  effectProblem: z.string().nullable(),
}).openapi("ImprovementPlanDetail");

export const BenchmarkInputSchema = z
  .object({
    construct: z.string().min(1).max(100).default("satisfaction"),
    source: z.string().trim().min(1).max(200),
    year: z.number().int().min(1900).max(3000),
    value: z.number().min(0).max(100),
    n: z.number().int().min(2).optional(),
    sd: z.number().min(0).max(100).optional(),
  })
  .strict()
  .refine((b) => (b.n === undefined) === (b.sd === undefined), { message: "give both n and sd, or neither", path: ["sd"] });

export const BenchmarkSchema = z
  .object({ id: z.string(), construct: z.string(), source: z.string(), year: z.number(), value: z.number(), n: z.number().nullable(), sd: z.number().nullable() })
  .openapi("Benchmark");

export const BenchmarkComparisonsSchema = z
  .object({
    surveyId: z.string(),
    comparisons: z.array(
      z.object({
        benchmark: BenchmarkSchema,
        /** The survey's index of the benchmark's construct in the selection; null when not estimable. */
        index: z.number().nullable(),
        difference: z.number().nullable(),
        interval: z.object({ difference: z.number(), standardError: z.number(), lower: z.number(), upper: z.number(), confidence: z.number() }).nullable(),
        verdict: z.enum(["above", "below", "no-detectable-difference", "no-interval", "no-index"]),
      }),
    ),
  })
  .openapi("BenchmarkComparisons");

export type KanoResponse = z.infer<typeof KanoResponseSchema>;
export type Plan = z.infer<typeof PlanSchema>;
export type PlanDetail = z.infer<typeof PlanDetailSchema>;
export type Benchmark = z.infer<typeof BenchmarkSchema>;
export type BenchmarkComparisons = z.infer<typeof BenchmarkComparisonsSchema>;
