/**
 * Nonparametric bootstrap for path coefficients, total effects, R² and ACSI indices.
 *
 * Each replicate draws n rows with replacement (seeded mulberry32, so a seed reproduces the
 * intervals), re-estimates the model with the same options, and applies the same sign rule as the
 * point estimate: every block is oriented so that most of its loadings are positive. That is a
 * construct-level sign correction; individual weights are never flipped. Replicates that fail
 * (singular matrices, zero-variance items in the resample) or do not converge are excluded and
 * counted. Intervals are percentile intervals (quantile type 7, R's default).
 */
import { StatsInputError } from "../stats/errors";
import { SingularMatrixError } from "../stats/linear-algebra";
import { createSeededRandom, randomInteger } from "../stats/random";
import type { ResponseMatrix } from "../stats/response-matrix";
import { deriveIndexWeights, indexFromWeights, resolveItemScales, type AcsiIndexOptions, type ScaleBounds } from "./acsi-index";
import { computeModelStatistics, resolvePlsOptions, runPlsCore, statisticsToInput, type CoreEstimate } from "./estimate";
import { compilePlsModel, type CompiledPlsModel, type PlsModelSpec } from "./model";
import type { ConstructEffect, PlsEstimationOptions } from "./types";

export interface BootstrapOptions {
  /** Number of resamples, e.g. 500 (seminr) or 5000 (SmartPLS-style reporting). */
  samples: number;
  seed: number;
  /** Default 0.95. */
  confidenceLevel?: number;
  estimation?: PlsEstimationOptions;
  /** When given, indices are bootstrapped too. */
  index?: AcsiIndexOptions;
}

export interface BootstrapInterval {
  /** Full-sample estimate. */
  estimate: number;
  /** Mean over successful replicates. */
  mean: number;
  /** SD over successful replicates. */
  standardError: number;
  lower: number;
  upper: number;
}

export type EffectInterval = Pick<ConstructEffect, "from" | "to"> & BootstrapInterval;

export interface BootstrapResult {
  samples: number;
  seed: number;
  confidenceLevel: number;
  succeeded: number;
  failed: number;
  pathCoefficients: EffectInterval[];
  totalEffects: EffectInterval[];
  rSquared: Record<string, BootstrapInterval>;
  indices: Record<string, BootstrapInterval> | null;
}

/** Quantile type 7 of sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: readonly number[], probability: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * probability;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

function summarize(estimate: number, values: number[], level: number): BootstrapInterval {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(values.length - 1, 1);
  const alpha = 1 - level;
  return {
    estimate,
    mean,
    standardError: Math.sqrt(variance),
    lower: quantileSorted(sorted, alpha / 2),
    upper: quantileSorted(sorted, 1 - alpha / 2),
  };
}

/** Everything a replicate contributes, in fixed positions. */
function extract(model: CompiledPlsModel, core: CoreEstimate, scales: ScaleBounds[][] | null): number[] {
  const { estimate } = core;
  const values: number[] = [...core.pathValues];
  for (const effect of estimate.totalEffects) values.push(effect.value);
  for (const construct of model.constructs) {
    if (construct in estimate.rSquared) values.push(estimate.rSquared[construct]);
  }
  if (scales) {
    model.blocks.forEach((block, j) => {
      const weights = deriveIndexWeights(
        block.map((x) => core.standardizedWeights[x]),
        block.map((x) => core.sds![x]),
      );
      values.push(indexFromWeights(weights.normalized, block.map((x) => core.means![x]), scales[j]));
    });
  }
  return values;
}

export function bootstrapPlsPath(model: PlsModelSpec, data: ResponseMatrix, options: BootstrapOptions): BootstrapResult {
  if (!Number.isInteger(options.samples) || options.samples < 2) throw new RangeError("bootstrap samples must be an integer ≥ 2");
  const level = options.confidenceLevel ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError("confidenceLevel must be in (0, 1)");
  const compiled = compilePlsModel(model, data.itemIds);
  const resolved = resolvePlsOptions(options.estimation);
  const scales = options.index ? compiled.blocks.map((block) => resolveItemScales(block.map((x) => compiled.items[x]), options.index!)) : null;

  const estimateRows = (rows: ResponseMatrix["rows"]) =>
    runPlsCore(compiled, statisticsToInput(computeModelStatistics(compiled, { itemIds: data.itemIds, rows }, resolved.missing)), resolved);
  const full = estimateRows(data.rows);
  const fullValues = extract(compiled, full, scales);

  const random = createSeededRandom(options.seed);
  const n = data.rows.length;
  const replicates: number[][] = fullValues.map(() => []);
  let failed = 0;
  const resampled = new Array<ArrayLike<number | null>>(n);
  for (let b = 0; b < options.samples; b++) {
    for (let r = 0; r < n; r++) resampled[r] = data.rows[randomInteger(random, n)];
    try {
      const core = estimateRows(resampled);
      if (!core.estimate.converged) {
        failed++;
        continue;
      }
      extract(compiled, core, scales).forEach((value, k) => replicates[k].push(value));
    } catch (error) {
      // A resample can lose all variance in an item or become collinear; it is skipped, not fatal.
      if (error instanceof StatsInputError || error instanceof SingularMatrixError) {
        failed++;
        continue;
      }
      throw error;
    }
  }
  const succeeded = options.samples - failed;
  if (succeeded < 2) throw new StatsInputError("INSUFFICIENT_DATA", "fewer than 2 bootstrap replicates could be estimated");

  let position = 0;
  const next = () => {
    const k = position++;
    return summarize(fullValues[k], replicates[k], level);
  };
  const pathCoefficients = full.estimate.pathCoefficients.map((effect) => ({ from: effect.from, to: effect.to, ...next() }));
  const totalEffects = full.estimate.totalEffects.map((effect) => ({ from: effect.from, to: effect.to, ...next() }));
  const rSquared: Record<string, BootstrapInterval> = {};
  for (const construct of compiled.constructs) {
    if (construct in full.estimate.rSquared) rSquared[construct] = next();
  }
  let indices: Record<string, BootstrapInterval> | null = null;
  if (scales) {
    indices = {};
    for (const construct of compiled.constructs) indices[construct] = next();
  }
  return {
    samples: options.samples,
    seed: options.seed,
    confidenceLevel: level,
    succeeded,
    failed,
    pathCoefficients,
    totalEffects,
    rSquared,
    indices,
  };
}
