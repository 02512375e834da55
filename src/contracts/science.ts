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
        indices: z.array(TestedDifferenceSchema.extend({ construct: z.string() })),
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
