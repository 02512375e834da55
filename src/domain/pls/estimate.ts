/**
 * PLS path modeling (Wold / Lohmöller) computed on the item correlation matrix.
 *
 * Every result of PLS-PM with standardized items is a function of the item correlation matrix R
 * (cSEM's formulation), so the iteration never touches rows:
 *   construct correlations  C = Wᵀ R W
 *   proxy covariances       cov(x, Z) = R W E   (E = inner weights from C)
 *   mode A update           w_j ← (R W E)[block j, j]
 *   mode B update           w_j ← R_jj⁻¹ (R W E)[block j, j]
 *   normalization           w_j ← w_j / √(w_jᵀ R_jj w_j)   (construct scores have variance 1)
 * Raw rows and stored moments both reduce to (n, means, SDs, R) and call the same core, so the
 * two routes cannot drift apart; rows are used again only to compute construct scores.
 */
import { StatsInputError } from "../stats/errors";
import {
  addMatrixToMoments,
  computeItemStatistics,
  createEmptyMoments,
  type ItemMoments,
  type ItemStatistics,
  type MissingDataTreatment,
} from "../stats/item-moments";
import { choleskyDecompose, selectSubmatrix, solveLinearSystem, solveWithCholesky, type DenseMatrix } from "../stats/linear-algebra";
import type { ResponseMatrix } from "../stats/response-matrix";
import { compilePlsModel, type CompiledPlsModel, type MeasurementMode, type PlsModelSpec } from "./model";
import { computeBlockReliability, computeFornellLarcker, computeGoodnessOfFit, computeHtmt } from "./quality";
import type {
  ConstructEffect,
  ConstructReliability,
  FornellLarckerCheck,
  PlsEstimate,
  PlsEstimationOptions,
  PlsPathResult,
  ResolvedPlsOptions,
  WeightsByConstruct,
} from "./types";
import { collectEstimateWarnings } from "./warnings";

export const DEFAULT_PLS_OPTIONS: ResolvedPlsOptions = {
  scheme: "path",
  tolerance: 1e-7,
  maxIterations: 300,
  convergenceCriterion: "sum_abs",
  itemScaling: "standardized",
  missing: "mean-replacement",
};

export function resolvePlsOptions(options: PlsEstimationOptions = {}): ResolvedPlsOptions {
  const resolved = { ...DEFAULT_PLS_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  if (!(resolved.tolerance > 0)) throw new RangeError("tolerance must be positive");
  if (!Number.isInteger(resolved.maxIterations) || resolved.maxIterations < 1) {
    throw new RangeError("maxIterations must be a positive integer");
  }
  if (!["path", "centroid", "factorial"].includes(resolved.scheme)) throw new RangeError(`unknown scheme ${resolved.scheme}`);
  return resolved;
}

/** Moments of the model's items: what the core needs besides the model. */
export interface CorrelationInput {
  /** Ids of the rows/columns of `correlation` (may include items the model does not use). */
  itemIds: readonly string[];
  n: number;
  /** Row-major itemIds.length² correlation matrix. */
  correlation: ArrayLike<number>;
  /** Item means, needed for indices and scores. */
  means?: readonly number[];
  /** Item SDs (divisor n − 1), needed for indices, raw alpha and itemScaling = centered. */
  sds?: readonly number[];
  missing?: MissingDataTreatment | null;
}

/** Internal result of the core that bootstrap and scoring reuse without re-keying. */
export interface CoreEstimate {
  estimate: PlsEstimate;
  /** Standardized outer weight of each model item (model item order). */
  standardizedWeights: Float64Array;
  /** Model-item means/SDs (model item order), when known. */
  means: Float64Array | null;
  sds: Float64Array | null;
  /** Path coefficients in `model.paths` order. */
  pathValues: Float64Array;
}

function toCompiled(model: PlsModelSpec | CompiledPlsModel, availableItems: readonly string[]): CompiledPlsModel {
  if ("blocks" in model && "topologicalOrder" in model) {
    const missing = model.items.filter((item) => !availableItems.includes(item));
    // A compiled model is re-validated against the data so unknown items still fail clearly.
    return missing.length === 0 ? model : compilePlsModel(model.spec, availableItems);
  }
  return compilePlsModel(model, availableItems);
}

/** Estimate from a correlation matrix (plus n and, optionally, means and SDs). */
export function estimatePlsFromCorrelation(
  model: PlsModelSpec | CompiledPlsModel,
  input: CorrelationInput,
  options: PlsEstimationOptions = {},
): PlsEstimate {
  const compiled = toCompiled(model, input.itemIds);
  return runPlsCore(compiled, input, resolvePlsOptions(options)).estimate;
}

/** Estimate from aggregated moments (e.g. merged daily buckets). No construct scores: rows are gone. */
export function estimatePlsFromMoments(
  model: PlsModelSpec | CompiledPlsModel,
  moments: ItemMoments,
  options: PlsEstimationOptions = {},
): PlsEstimate {
  const compiled = toCompiled(model, moments.itemIds);
  const resolved = resolvePlsOptions(options);
  const statistics = computeItemStatistics(moments, { itemIds: compiled.items, missing: resolved.missing });
  return runPlsCore(compiled, statisticsToInput(statistics), resolved).estimate;
}

/**
 * Estimate from raw rows: accumulates the model items' moments (the same kernel as the stored
 * aggregates), runs the core, then scores every row. Columns not in the model are ignored.
 */
export function estimatePlsPath(
  model: PlsModelSpec | CompiledPlsModel,
  data: ResponseMatrix,
  options: PlsEstimationOptions = {},
): PlsPathResult {
  const compiled = toCompiled(model, data.itemIds);
  const resolved = resolvePlsOptions(options);
  const statistics = computeModelStatistics(compiled, data, resolved.missing);
  const core = runPlsCore(compiled, statisticsToInput(statistics), resolved);
  const constructScores = computeConstructScores(compiled, core, data);
  return { ...core.estimate, constructScores };
}

export function statisticsToInput(statistics: ItemStatistics): CorrelationInput {
  return {
    itemIds: statistics.itemIds,
    n: statistics.n,
    correlation: statistics.correlation,
    means: statistics.means,
    sds: statistics.sds,
    missing: statistics.missing,
  };
}

/** Moments → statistics of the model items only (other columns cost nothing). */
export function computeModelStatistics(
  model: CompiledPlsModel,
  data: ResponseMatrix,
  missing: MissingDataTreatment,
): ItemStatistics {
  const moments = addMatrixToMoments(createEmptyMoments(model.items), data, model.items);
  return computeItemStatistics(moments, { itemIds: model.items, missing });
}

/**
 * Construct scores Y_rj = Σ_i w̃_i (x_ri − mean_i) / sd_i over the block of j; a missing answer
 * contributes 0, i.e. it is replaced by the item mean, consistent with mean replacement.
 */
export function computeConstructScores(model: CompiledPlsModel, core: CoreEstimate, data: ResponseMatrix): number[][] {
  if (!core.means || !core.sds) throw new StatsInputError("INSUFFICIENT_DATA", "scores need item means and SDs");
  const columns = new Map(data.itemIds.map((id, position) => [id, position]));
  const positions = model.items.map((item) => columns.get(item)!);
  const factors = model.items.map((_, i) => core.standardizedWeights[i] / core.sds![i]);
  const means = core.means;
  const constructCount = model.constructs.length;
  return data.rows.map((row) => {
    const scores = new Array<number>(constructCount).fill(0);
    for (let i = 0; i < positions.length; i++) {
      const value = row[positions[i]];
      if (value === null || value === undefined || value !== value) continue;
      scores[model.itemConstruct[i]] += factors[i] * (value - means[i]);
    }
    return scores;
  });
}

function checkInput(model: CompiledPlsModel, input: CorrelationInput, positions: number[], options: ResolvedPlsOptions): void {
  if (!(input.n >= 3)) {
    throw new StatsInputError("INSUFFICIENT_DATA", `need at least 3 rows to estimate a PLS model, got ${input.n}`, { n: input.n });
  }
  const p = input.itemIds.length;
  if (input.correlation.length !== p * p) throw new StatsInputError("INVALID_MOMENTS", "correlation matrix size does not match itemIds");
  if (options.itemScaling === "centered" && !input.sds) {
    throw new StatsInputError("INSUFFICIENT_DATA", "itemScaling 'centered' needs item SDs");
  }
  const constant = model.items.filter((_, i) => input.sds !== undefined && !(input.sds[positions[i]] > 0));
  if (constant.length > 0) {
    throw new StatsInputError("ZERO_VARIANCE", `item(s) without variance (everyone gave the same answer or none): ${constant.join(", ")}`, {
      items: constant,
    });
  }
  for (const a of positions) {
    for (const b of positions) {
      if (!Number.isFinite(input.correlation[a * p + b])) {
        throw new StatsInputError(
          "INSUFFICIENT_DATA",
          `correlation of ${input.itemIds[a]} and ${input.itemIds[b]} is undefined (too few rows answering both)`,
        );
      }
    }
  }
}

/** The estimator shared by every entry point. */
export function runPlsCore(model: CompiledPlsModel, input: CorrelationInput, options: ResolvedPlsOptions): CoreEstimate {
  return assembleEstimate(iteratePlsWeights(model, input, options));
}

/**
 * The iteration alone (weights, construct correlations, signs fixed), without the quality
 * measures: repeated fits (cross-validation folds, permutations) read paths and weights off it.
 */
export function iteratePlsWeights(
  model: CompiledPlsModel,
  input: CorrelationInput,
  options: ResolvedPlsOptions,
  /** Starting weights (estimation scale, model item order); default all 1 as in seminr/plspm. */
  initialWeights?: ArrayLike<number>,
): PlsIteration {
  const inputIndex = new Map(input.itemIds.map((id, position) => [id, position]));
  const positions = model.items.map((item) => inputIndex.get(item)!);
  checkInput(model, input, positions, options);

  const p = model.items.length;
  const J = model.constructs.length;
  const inputSize = input.itemIds.length;
  const centered = options.itemScaling === "centered";
  const sds = input.sds ? Float64Array.from(positions, (position) => input.sds![position]) : null;
  const means = input.means ? Float64Array.from(positions, (position) => input.means![position]) : null;

  // R: model-item correlations; M: the moment matrix the weights act on (R, or covariances).
  const R = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) R[a * p + b] = a === b ? 1 : input.correlation[positions[a] * inputSize + positions[b]];
  }
  const scale = centered ? sds! : new Float64Array(p).fill(1);
  const M = centered ? R.map((r, k) => r * scale[Math.floor(k / p)] * scale[k % p]) : R;

  const blocks = model.blocks;
  const modeBFactors: Array<DenseMatrix | null> = blocks.map((block, j) => {
    if (model.modes[j] !== "B" || block.length < 2) return null;
    const factor = choleskyDecompose(selectSubmatrix(M, p, block));
    if (!factor) {
      throw new StatsInputError("INSUFFICIENT_DATA", `formative block ${model.constructs[j]}: item correlation matrix is singular`);
    }
    return factor;
  });

  const normalizeBlocks = (weights: Float64Array) => {
    for (const block of blocks) {
      let variance = 0;
      for (const a of block) for (const b of block) variance += weights[a] * M[a * p + b] * weights[b];
      const factor = 1 / Math.sqrt(variance);
      for (const a of block) weights[a] *= factor;
    }
  };

  // MW[x, j] = Σ_{i ∈ block j} M[x, i] w_i : covariance of item x with construct j.
  const MW = new Float64Array(p * J);
  const C = new Float64Array(J * J);
  const refresh = (weights: Float64Array) => {
    MW.fill(0);
    for (let x = 0; x < p; x++) {
      const row = x * p;
      for (let j = 0; j < J; j++) {
        let sum = 0;
        for (const i of blocks[j]) sum += M[row + i] * weights[i];
        MW[x * J + j] = sum;
      }
    }
    C.fill(0);
    for (let j = 0; j < J; j++) {
      for (let k = 0; k < J; k++) {
        let sum = 0;
        for (const x of blocks[j]) sum += weights[x] * MW[x * J + k];
        C[j * J + k] = sum;
      }
    }
  };

  const E = new Float64Array(J * J);
  const computeInnerWeights = () => {
    E.fill(0);
    for (let j = 0; j < J; j++) {
      const predecessors = model.predecessors[j];
      const successors = model.successors[j];
      if (predecessors.length === 0 && successors.length === 0) {
        // An isolated construct is its own proxy, which makes mode A a power iteration on R_jj.
        E[j * J + j] = 1;
        continue;
      }
      if (options.scheme === "path") {
        // Lohmöller: constructs explaining j enter with j's regression coefficients,
        // constructs explained by j with their correlation.
        if (predecessors.length > 0) {
          const beta = solveLinearSystem(
            selectSubmatrix(C, J, predecessors),
            predecessors.map((m) => C[m * J + j]),
          );
          predecessors.forEach((m, k) => (E[m * J + j] = beta[k]));
        }
        for (const m of successors) E[m * J + j] = C[m * J + j];
      } else {
        for (const m of [...predecessors, ...successors]) {
          const r = C[m * J + j];
          E[m * J + j] = options.scheme === "centroid" ? Math.sign(r) : r;
        }
      }
    }
  };

  // A warm start (e.g. the full-sample weights for a cross-validation fold) converges in fewer updates
  // to the same fixed point, within the tolerance.
  let weights = initialWeights ? Float64Array.from(initialWeights) : new Float64Array(p).fill(1);
  normalizeBlocks(weights);
  let next = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations) {
    refresh(weights);
    computeInnerWeights();
    // Mode A target: cov(x, Z_j) = Σ_m MW[x, m] E[m, j] for the items x of block j.
    for (let j = 0; j < J; j++) {
      for (const x of blocks[j]) {
        let sum = 0;
        for (let m = 0; m < J; m++) sum += MW[x * J + m] * E[m * J + j];
        next[x] = sum;
      }
      const factor = modeBFactors[j];
      if (factor) {
        const solved = solveWithCholesky(factor, blocks[j].map((x) => next[x]));
        blocks[j].forEach((x, k) => (next[x] = solved[k]));
      }
    }
    normalizeBlocks(next);
    iterations++;
    const change = weightChange(weights, next, options.convergenceCriterion);
    [weights, next] = [next, weights];
    if (!Number.isFinite(change)) break;
    if (change < options.tolerance) {
      converged = true;
      break;
    }
  }

  // Sign fix: flip a block when most of its loadings are negative (signs are arbitrary in PLS).
  refresh(weights);
  let flipped = false;
  blocks.forEach((block, j) => {
    let negative = 0;
    for (const x of block) if (MW[x * J + j] < 0) negative++;
    if (negative > block.length - negative) {
      for (const x of block) weights[x] = -weights[x];
      flipped = true;
    }
  });
  if (flipped) refresh(weights);

  return { model, input, options, R, MW, C, weights, scale, sds, means, converged, iterations };
}

function weightChange(previous: Float64Array, current: Float64Array, criterion: ResolvedPlsOptions["convergenceCriterion"]): number {
  let result = 0;
  for (let i = 0; i < previous.length; i++) {
    const diff = Math.abs(current[i] - previous[i]);
    switch (criterion) {
      case "sum_abs":
        result += diff;
        break;
      case "max_abs":
        result = Math.max(result, diff);
        break;
      case "sumsq_absdiff":
        result += (Math.abs(previous[i]) - Math.abs(current[i])) ** 2;
        break;
      case "max_rel":
        result = Math.max(result, diff / Math.abs(current[i]));
        break;
    }
  }
  return result;
}

export interface PlsIteration {
  model: CompiledPlsModel;
  input: CorrelationInput;
  options: ResolvedPlsOptions;
  R: Float64Array;
  MW: Float64Array;
  C: Float64Array;
  weights: Float64Array;
  scale: Float64Array;
  sds: Float64Array | null;
  means: Float64Array | null;
  converged: boolean;
  iterations: number;
}

/** OLS of each endogenous construct on its predecessors, from the construct correlations C. */
export function estimateStructuralModel(model: CompiledPlsModel, C: Float64Array): { direct: Float64Array; rSquared: Float64Array } {
  const J = model.constructs.length;
  const direct = new Float64Array(J * J);
  const rSquared = new Float64Array(J).fill(NaN);
  for (let j = 0; j < J; j++) {
    const predecessors = model.predecessors[j];
    if (predecessors.length === 0) continue;
    const covariances = predecessors.map((m) => C[m * J + j]);
    const beta = solveLinearSystem(selectSubmatrix(C, J, predecessors), covariances);
    let explained = 0;
    predecessors.forEach((m, k) => {
      direct[m * J + j] = beta[k];
      explained += beta[k] * covariances[k];
    });
    rSquared[j] = explained;
  }
  return { direct, rSquared };
}

function assembleEstimate(parts: PlsIteration): CoreEstimate {
  const { model, input, options, R, MW, C, weights, scale, sds, means } = parts;
  const p = model.items.length;
  const J = model.constructs.length;
  const n = input.n;
  const names = model.constructs;

  // cor(x, Y_j) = cov(x, Y_j) / sd(x), as Var(Y_j) = 1.
  const loadingMatrix = new Float64Array(p * J);
  for (let x = 0; x < p; x++) for (let j = 0; j < J; j++) loadingMatrix[x * J + j] = MW[x * J + j] / scale[x];
  const ownLoadings = model.items.map((_, x) => loadingMatrix[x * J + model.itemConstruct[x]]);
  const standardizedWeights = Float64Array.from(weights, (w, x) => w * scale[x]);

  const byConstruct = (values: ArrayLike<number>): WeightsByConstruct =>
    Object.fromEntries(names.map((name, j) => [name, Object.fromEntries(model.blocks[j].map((x) => [model.items[x], values[x]]))]));

  const crossLoadings: Record<string, Record<string, number>> = {};
  model.items.forEach((item, x) => {
    crossLoadings[item] = Object.fromEntries(names.map((name, j) => [name, loadingMatrix[x * J + j]]));
  });

  const structural = estimateStructuralModel(model, C);
  const direct = structural.direct;
  const rSquared: Record<string, number> = {};
  const rSquaredAdjusted: Record<string, number> = {};
  const endogenousRSquared: number[] = [];
  for (let j = 0; j < J; j++) {
    const predecessors = model.predecessors[j];
    if (predecessors.length === 0) continue;
    const explained = structural.rSquared[j];
    rSquared[names[j]] = explained;
    rSquaredAdjusted[names[j]] = 1 - ((1 - explained) * (n - 1)) / (n - predecessors.length - 1);
    endogenousRSquared.push(explained);
  }
  const pathValues = Float64Array.from(model.paths, ([from, to]) => direct[from * J + to]);
  const pathCoefficients: ConstructEffect[] = model.paths.map(([from, to], k) => ({
    from: names[from],
    to: names[to],
    value: pathValues[k],
  }));

  // Total effects: in topological order, T[:, j] = B[:, j] + Σ_{m → j} T[:, m]·B[m, j].
  const total = new Float64Array(J * J);
  const reaches = new Uint8Array(J * J);
  for (const j of model.topologicalOrder) {
    for (const m of model.predecessors[j]) {
      const b = direct[m * J + j];
      total[m * J + j] += b;
      reaches[m * J + j] = 1;
      for (let i = 0; i < J; i++) {
        if (reaches[i * J + m]) {
          total[i * J + j] += total[i * J + m] * b;
          reaches[i * J + j] = 1;
        }
      }
    }
  }
  const totalEffects: ConstructEffect[] = [];
  for (let i = 0; i < J; i++) {
    for (let j = 0; j < J; j++) {
      if (reaches[i * J + j]) totalEffects.push({ from: names[i], to: names[j], value: total[i * J + j] });
    }
  }

  const reliabilityList: ConstructReliability[] = model.blocks.map((block) =>
    computeBlockReliability(
      block,
      block.map((x) => ownLoadings[x]),
      block.map((x) => standardizedWeights[x]),
      R,
      p,
      sds ? block.map((x) => sds[x]) : null,
    ),
  );
  const reliability = Object.fromEntries(names.map((name, j) => [name, reliabilityList[j]]));
  const htmtMatrix = computeHtmt(model.blocks, R, p);
  const htmt = Object.fromEntries(
    names.map((name, i) => [name, Object.fromEntries(names.flatMap((other, j) => (i === j ? [] : [[other, htmtMatrix[i][j]]])))]),
  );
  const fornellList: FornellLarckerCheck[] = computeFornellLarcker(
    reliabilityList.map((r) => r.ave),
    C,
  );
  const fornellLarcker = Object.fromEntries(names.map((name, j) => [name, fornellList[j]]));
  const constructCorrelations = Object.fromEntries(
    names.map((name, i) => [name, Object.fromEntries(names.map((other, j) => [other, i === j ? 1 : C[i * J + j]]))]),
  );
  const standardizedOuterWeights = byConstruct(standardizedWeights);
  const modes: Record<string, MeasurementMode> = Object.fromEntries(names.map((name, j) => [name, model.modes[j]]));

  const warnings = collectEstimateWarnings({
    model,
    n,
    converged: parts.converged,
    iterations: parts.iterations,
    reliability,
    htmt,
    fornellLarcker,
    standardizedOuterWeights,
  });

  const estimate: PlsEstimate = {
    n,
    scheme: options.scheme,
    itemScaling: options.itemScaling,
    missing: input.missing ?? null,
    converged: parts.converged,
    iterations: parts.iterations,
    tolerance: options.tolerance,
    convergenceCriterion: options.convergenceCriterion,
    constructs: [...names],
    items: [...model.items],
    modes,
    outerWeights: byConstruct(weights),
    standardizedOuterWeights,
    outerLoadings: byConstruct(ownLoadings),
    crossLoadings,
    pathCoefficients,
    totalEffects,
    rSquared,
    rSquaredAdjusted,
    constructCorrelations,
    reliability,
    htmt,
    fornellLarcker,
    goodnessOfFit: computeGoodnessOfFit(model.blocks, ownLoadings, endogenousRSquared),
    itemMeans: means ? Object.fromEntries(model.items.map((item, x) => [item, means[x]])) : null,
    itemSds: sds ? Object.fromEntries(model.items.map((item, x) => [item, sds[x]])) : null,
    warnings,
  };
  return { estimate, standardizedWeights, means, sds, pathValues };
}
