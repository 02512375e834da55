/**
 * Permutation test of two segments (Chin & Dibbern 2010; Hair et al. 2018, "Advanced Issues in
 * PLS-SEM", ch. 4) with MICOM steps 2–3 (Henseler, Ringle & Sarstedt 2016, "Testing measurement
 * invariance of composites using partial least squares", International Marketing Review 33(3)).
 *
 * Statistics, each as segment A − segment B: path coefficients, R² of every endogenous construct,
 * 0–100 indices (when scale bounds are given). Under H0 (segment membership does not matter) the
 * labels are exchangeable: permutation k shuffles the labels (group sizes fixed) and re-estimates
 * both segments. Two-sided p = (1 + #{|d_k| ≥ |d_obs|}) / (1 + valid permutations).
 *
 * MICOM step 2 (compositional invariance): c_j = cor(X w_Aj, X w_Bj) on the pooled standardized
 * items, computed as w_Aᵀ R_jj w_B / √(w_Aᵀ R_jj w_A · w_Bᵀ R_jj w_B) from the pooled correlation
 * matrix; p = (1 + #{c_k ≤ c_obs}) / (1 + valid); invariance holds when p > 0.05 (c_obs is not below
 * the 5 % quantile of the permutation distribution). Step 3 (equal composite means and variances):
 * the pooled estimate's standardized scores, difference of segment means and of log variances,
 * two-sided permutation p-values.
 *
 * Reproducibility: rows are put in a canonical order (sorted by their answers, then the label)
 * before shuffling, so the same rows in any order give the same p-values; permutation k draws from
 * its own generator seeded by (seed, k), so a background job can stop after any permutation and
 * resume from `nextPermutation` with the counts in `PermutationTestState` (plain JSON).
 * Segment moments: A from its rows, B = pooled − A (`subtractMoments`), one pass per permutation.
 */
import { StatsInputError } from "../stats/errors";
import { addMatrixToMoments, computeItemStatistics, createEmptyMoments, subtractMoments, type ItemMoments } from "../stats/item-moments";
import { SingularMatrixError } from "../stats/linear-algebra";
import { createSeededRandom } from "../stats/random";
import type { ItemValue, ResponseMatrix } from "../stats/response-matrix";
import { deriveIndexWeights, indexFromWeights, resolveItemScales, type AcsiIndexOptions, type ScaleBounds } from "./acsi-index";
import { computeConstructScores, resolvePlsOptions, runPlsCore, statisticsToInput, type CoreEstimate } from "./estimate";
import { compilePlsModel, type CompiledPlsModel, type PlsModelSpec } from "./model";
import type { PlsEstimationOptions, ResolvedPlsOptions } from "./types";

export interface PermutationTestOptions {
  /** Number of permutations, e.g. 1000. */
  permutations: number;
  seed: number;
  estimation?: PlsEstimationOptions;
  /** When given, 0–100 indices are compared too. */
  index?: AcsiIndexOptions;
  /** Significance level of the marks; default 0.05. */
  alpha?: number;
}

/** Everything a chunk needs besides its state; rebuilt from the data on every job step. */
export interface PermutationContext {
  model: CompiledPlsModel;
  options: ResolvedPlsOptions;
  permutations: number;
  seed: number;
  alpha: number;
  /** Model-item columns of the rows in canonical order. */
  rows: Array<ArrayLike<ItemValue>>;
  /** Canonical-order labels: 1 = segment A. */
  labels: Uint8Array;
  pooled: ItemMoments;
  /** Pooled item correlations of the model items (p × p), for MICOM step 2. */
  pooledCorrelation: Float64Array;
  /** Pooled standardized construct scores (rows × constructs), for MICOM step 3. */
  pooledScores: number[][];
  scales: ScaleBounds[][] | null;
}

/** JSON-safe progress of a permutation test: resume with `runPermutationChunk`. */
export interface PermutationTestState {
  nextPermutation: number;
  valid: number;
  failed: number;
  observed: number[];
  observedCompositional: number[];
  observedMeanDifference: number[];
  observedLogVarianceRatio: number[];
  /** #{|d_k| ≥ |d_obs|} per statistic. */
  exceedCounts: number[];
  /** #{c_k ≤ c_obs} per construct. */
  compositionalBelowCounts: number[];
  meanExceedCounts: number[];
  varianceExceedCounts: number[];
}

export interface SegmentDifference {
  groupA: number;
  groupB: number;
  difference: number;
  pValue: number;
  significant: boolean;
}

export interface MicomConstructResult {
  construct: string;
  compositionalCorrelation: number;
  compositionalPValue: number;
  compositionalInvariance: boolean;
  meanDifference: number;
  meanPValue: number;
  logVarianceRatio: number;
  variancePValue: number;
  /** Steps 2 and 3 both hold: the segments' composites may be compared directly. */
  fullInvariance: boolean;
}

export interface PermutationTestResult {
  permutations: number;
  seed: number;
  alpha: number;
  valid: number;
  failed: number;
  groupSizes: { a: number; b: number };
  pathCoefficients: Array<{ from: string; to: string } & SegmentDifference>;
  rSquared: Array<{ construct: string } & SegmentDifference>;
  indices: Array<{ construct: string } & SegmentDifference> | null;
  micom: MicomConstructResult[];
}

const EPSILON = 1e-12;

function compareRows(a: ArrayLike<ItemValue>, b: ArrayLike<ItemValue>, width: number): number {
  for (let c = 0; c < width; c++) {
    const x = a[c] ?? -Infinity;
    const y = b[c] ?? -Infinity;
    if (x !== y) return (x as number) < (y as number) || Number.isNaN(x as number) ? -1 : 1;
  }
  return 0;
}

/**
 * Prepares a test of segment A (`inSegmentA[r]` true) against B (the other rows). The model's
 * item columns are extracted once; a missing answer is null.
 */
export function preparePermutationTest(
  spec: PlsModelSpec,
  data: ResponseMatrix,
  inSegmentA: readonly boolean[],
  options: PermutationTestOptions,
): PermutationContext {
  if (!Number.isInteger(options.permutations) || options.permutations < 1) throw new RangeError("permutations must be a positive integer");
  if (inSegmentA.length !== data.rows.length) throw new RangeError("one segment label per row is needed");
  const model = compilePlsModel(spec, data.itemIds);
  const resolved = resolvePlsOptions(options.estimation);
  const columns = new Map(data.itemIds.map((id, position) => [id, position]));
  const positions = model.items.map((item) => columns.get(item)!);
  const width = positions.length;
  const tagged = data.rows.map((row, r) => {
    const values: ItemValue[] = positions.map((position) => {
      const value = row[position];
      return value === undefined || value === null || value !== value ? null : value;
    });
    return { values, label: inSegmentA[r] ? 1 : 0 };
  });
  tagged.sort((a, b) => compareRows(a.values, b.values, width) || a.label - b.label);
  const rows = tagged.map((entry) => entry.values);
  const labels = Uint8Array.from(tagged, (entry) => entry.label);
  const sizeA = labels.reduce((sum, label) => sum + label, 0);
  if (sizeA < 3 || rows.length - sizeA < 3) {
    throw new StatsInputError("INSUFFICIENT_DATA", `each segment needs at least 3 rows (got ${sizeA} and ${rows.length - sizeA})`);
  }
  const matrix = { itemIds: model.items, rows };
  const pooled = addMatrixToMoments(createEmptyMoments(model.items), matrix);
  const pooledStatistics = computeItemStatistics(pooled, { itemIds: model.items, missing: resolved.missing });
  const pooledCore = runPlsCore(model, statisticsToInput(pooledStatistics), resolved);
  const scales = options.index ? model.blocks.map((block) => resolveItemScales(block.map((x) => model.items[x]), options.index!)) : null;
  return {
    model,
    options: resolved,
    permutations: options.permutations,
    seed: options.seed,
    alpha: options.alpha ?? 0.05,
    rows,
    labels,
    pooled,
    pooledCorrelation: pooledStatistics.correlation,
    pooledScores: computeConstructScores(model, pooledCore, matrix),
    scales,
  };
}

function segmentCore(context: PermutationContext, moments: ItemMoments): CoreEstimate {
  const statistics = computeItemStatistics(moments, { itemIds: context.model.items, missing: context.options.missing });
  return runPlsCore(context.model, statisticsToInput(statistics), context.options);
}

/** Paths, R² (endogenous constructs in model order), then indices. */
function segmentStatistics(context: PermutationContext, core: CoreEstimate): number[] {
  const { model } = context;
  const values = [...core.pathValues];
  for (const construct of model.constructs) if (construct in core.estimate.rSquared) values.push(core.estimate.rSquared[construct]);
  if (context.scales) {
    model.blocks.forEach((block, j) => {
      const weights = deriveIndexWeights(
        block.map((x) => core.standardizedWeights[x]),
        block.map((x) => core.sds![x]),
      );
      values.push(indexFromWeights(weights.normalized, block.map((x) => core.means![x]), context.scales![j]));
    });
  }
  return values;
}

function compositionalCorrelations(context: PermutationContext, a: CoreEstimate, b: CoreEstimate): number[] {
  const { model, pooledCorrelation: R } = context;
  const p = model.items.length;
  const wa = a.standardizedWeights;
  const wb = b.standardizedWeights;
  return model.blocks.map((block) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (const x of block) {
      for (const y of block) {
        const r = R[x * p + y];
        ab += wa[x] * r * wb[y];
        aa += wa[x] * r * wa[y];
        bb += wb[x] * r * wb[y];
      }
    }
    return ab / Math.sqrt(aa * bb);
  });
}

/** Segment mean difference and log variance ratio of each pooled construct score. */
function scoreMoments(context: PermutationContext, labels: Uint8Array): { meanDifference: number[]; logVarianceRatio: number[] } {
  const J = context.model.constructs.length;
  const sums = [new Float64Array(J), new Float64Array(J)];
  const squares = [new Float64Array(J), new Float64Array(J)];
  const counts = [0, 0];
  context.pooledScores.forEach((scores, r) => {
    const g = labels[r];
    counts[g]++;
    for (let j = 0; j < J; j++) {
      sums[g][j] += scores[j];
      squares[g][j] += scores[j] * scores[j];
    }
  });
  const meanDifference: number[] = [];
  const logVarianceRatio: number[] = [];
  for (let j = 0; j < J; j++) {
    const mean = [0, 1].map((g) => sums[g][j] / counts[g]);
    const variance = [0, 1].map((g) => (squares[g][j] - counts[g] * mean[g] * mean[g]) / (counts[g] - 1));
    meanDifference.push(mean[1] - mean[0]);
    logVarianceRatio.push(Math.log(variance[1]) - Math.log(variance[0]));
  }
  return { meanDifference, logVarianceRatio };
}

/** A and B statistics for one labelling, or null when a segment cannot be estimated. */
function evaluateLabels(context: PermutationContext, labels: Uint8Array) {
  const rowsA: Array<ArrayLike<ItemValue>> = [];
  labels.forEach((label, r) => {
    if (label === 1) rowsA.push(context.rows[r]);
  });
  try {
    const momentsA = addMatrixToMoments(createEmptyMoments(context.model.items), { itemIds: context.model.items, rows: rowsA });
    const coreA = segmentCore(context, momentsA);
    const coreB = segmentCore(context, subtractMoments(context.pooled, momentsA));
    if (!coreA.estimate.converged || !coreB.estimate.converged) return null;
    return {
      a: segmentStatistics(context, coreA),
      b: segmentStatistics(context, coreB),
      compositional: compositionalCorrelations(context, coreA, coreB),
      ...scoreMoments(context, labels),
    };
  } catch (error) {
    // A permuted segment can lose all variance in an item; that permutation is skipped and counted.
    if (error instanceof StatsInputError || error instanceof SingularMatrixError) return null;
    throw error;
  }
}

/** Seed of permutation k: independent streams so any chunk can start anywhere. */
function permutationSeed(seed: number, k: number): number {
  let h = (Math.trunc(seed) ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function permutedLabels(labels: Uint8Array, seed: number): Uint8Array {
  const out = Uint8Array.from(labels);
  const random = createSeededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return out;
}

export function startPermutationTest(context: PermutationContext): PermutationTestState {
  const observed = evaluateLabels(context, context.labels);
  if (!observed) throw new StatsInputError("INSUFFICIENT_DATA", "the segments cannot be estimated separately (an item is constant within a segment or the estimate did not converge)");
  const J = context.model.constructs.length;
  return {
    nextPermutation: 0,
    valid: 0,
    failed: 0,
    observed: observed.a.map((value, k) => value - observed.b[k]),
    observedCompositional: observed.compositional,
    observedMeanDifference: observed.meanDifference,
    observedLogVarianceRatio: observed.logVarianceRatio,
    exceedCounts: observed.a.map(() => 0),
    compositionalBelowCounts: new Array<number>(J).fill(0),
    meanExceedCounts: new Array<number>(J).fill(0),
    varianceExceedCounts: new Array<number>(J).fill(0),
  };
}

/** Runs up to `count` further permutations; returns a new state (the input is not modified). */
export function runPermutationChunk(context: PermutationContext, state: PermutationTestState, count: number): PermutationTestState {
  const next: PermutationTestState = structuredClone(state);
  const end = Math.min(context.permutations, state.nextPermutation + count);
  for (let k = state.nextPermutation; k < end; k++) {
    const result = evaluateLabels(context, permutedLabels(context.labels, permutationSeed(context.seed, k)));
    next.nextPermutation = k + 1;
    if (!result) {
      next.failed++;
      continue;
    }
    next.valid++;
    result.a.forEach((value, i) => {
      if (Math.abs(value - result.b[i]) >= Math.abs(next.observed[i]) - EPSILON) next.exceedCounts[i]++;
    });
    result.compositional.forEach((c, j) => {
      if (c <= next.observedCompositional[j] + EPSILON) next.compositionalBelowCounts[j]++;
    });
    result.meanDifference.forEach((d, j) => {
      if (Math.abs(d) >= Math.abs(next.observedMeanDifference[j]) - EPSILON) next.meanExceedCounts[j]++;
    });
    result.logVarianceRatio.forEach((d, j) => {
      if (Math.abs(d) >= Math.abs(next.observedLogVarianceRatio[j]) - EPSILON) next.varianceExceedCounts[j]++;
    });
  }
  return next;
}

export function isPermutationTestDone(context: PermutationContext, state: PermutationTestState): boolean {
  return state.nextPermutation >= context.permutations;
}

export function summarizePermutationTest(context: PermutationContext, state: PermutationTestState): PermutationTestResult {
  if (state.valid < 1) throw new StatsInputError("INSUFFICIENT_DATA", "no permutation could be estimated");
  const observed = evaluateLabels(context, context.labels)!;
  const pValue = (count: number) => (1 + count) / (1 + state.valid);
  const { model, alpha } = context;
  const entry = (k: number): SegmentDifference => {
    const p = pValue(state.exceedCounts[k]);
    return { groupA: observed.a[k], groupB: observed.b[k], difference: state.observed[k], pValue: p, significant: p <= alpha };
  };
  let position = 0;
  const pathCoefficients = model.paths.map(([from, to]) => ({ from: model.constructs[from], to: model.constructs[to], ...entry(position++) }));
  const rSquared = model.constructs.filter((_, j) => model.predecessors[j].length > 0).map((construct) => ({ construct, ...entry(position++) }));
  const indices = context.scales ? model.constructs.map((construct) => ({ construct, ...entry(position++) })) : null;
  const micom = model.constructs.map((construct, j): MicomConstructResult => {
    const compositionalPValue = pValue(state.compositionalBelowCounts[j]);
    const meanPValue = pValue(state.meanExceedCounts[j]);
    const variancePValue = pValue(state.varianceExceedCounts[j]);
    const compositionalInvariance = compositionalPValue > alpha;
    return {
      construct,
      compositionalCorrelation: state.observedCompositional[j],
      compositionalPValue,
      compositionalInvariance,
      meanDifference: state.observedMeanDifference[j],
      meanPValue,
      logVarianceRatio: state.observedLogVarianceRatio[j],
      variancePValue,
      fullInvariance: compositionalInvariance && meanPValue > alpha && variancePValue > alpha,
    };
  });
  const sizeA = context.labels.reduce((sum, label) => sum + label, 0);
  return {
    permutations: context.permutations,
    seed: context.seed,
    alpha,
    valid: state.valid,
    failed: state.failed,
    groupSizes: { a: sizeA, b: context.labels.length - sizeA },
    pathCoefficients,
    rSquared,
    indices,
    micom,
  };
}

/** The whole test in one call (tests, CLI); a background job uses the chunked functions instead. */
export function permutationTestPlsPath(
  spec: PlsModelSpec,
  data: ResponseMatrix,
  inSegmentA: readonly boolean[],
  options: PermutationTestOptions,
): PermutationTestResult {
  const context = preparePermutationTest(spec, data, inSegmentA, options);
  const state = runPermutationChunk(context, startPermutationTest(context), options.permutations);
  return summarizePermutationTest(context, state);
}
