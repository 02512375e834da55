/**
 * PLSpredict (Shmueli, Ray, Velasquez Estrada & Chatla 2016, "The elephant in the room: predictive
 * performance of PLS models", Journal of Business Research 69(10); guidelines: Shmueli et al. 2019,
 * "Predictive model assessment in PLS-SEM", European Journal of Marketing 53(11)).
 *
 * k-fold cross-validation, repeated: for every fold the model is estimated on the other folds and
 * the held-out rows are predicted with the earliest-antecedents rule:
 *   scores of exogenous constructs from the held-out indicators, standardized with the training
 *   means/SDs and weighted by the training weights; endogenous scores propagated through the
 *   training path coefficients in causal order; indicator i of the target:
 *   x̂_i = mean_i + sd_i · λ_i · Ẑ_target (λ = training loading).
 * Benchmarks on the same folds: LM = OLS (with intercept) of each target indicator on every
 * exogenous indicator; naive = the training mean of the indicator.
 *   RMSE = √(Σ e²/n), MAE = Σ|e|/n over all out-of-fold predictions of one repetition;
 *   Q²predict = 1 − Σ e_PLS² / Σ e_naive²; figures are averaged over repetitions.
 * Missing answers count as the training mean (mean replacement). Training moments are the pooled
 * moments minus the fold's, so a fit never re-reads the training rows, and only the weights,
 * loadings and paths are computed (no quality measures); each fold's iteration starts from the
 * full-sample weights, which reaches the same fixed point (within the tolerance) in fewer updates.
 */
import { StatsInputError } from "../stats/errors";
import { addMatrixToMoments, computeItemStatistics, createEmptyMoments, subtractMoments, type ItemMoments } from "../stats/item-moments";
import { solveLinearSystem, type DenseMatrix } from "../stats/linear-algebra";
import { createSeededRandom } from "../stats/random";
import type { ItemValue, ResponseMatrix } from "../stats/response-matrix";
import { estimateStructuralModel, iteratePlsWeights, resolvePlsOptions, statisticsToInput } from "./estimate";
import { compilePlsModel, type CompiledPlsModel, type PlsModelSpec } from "./model";
import type { PlsEstimationOptions } from "./types";

export interface PlsPredictOptions {
  /** Endogenous construct whose indicators are predicted. */
  target: string;
  /** Default 10. */
  folds?: number;
  /** Default 10. */
  repetitions?: number;
  seed: number;
  estimation?: PlsEstimationOptions;
  /** Explicit fold of every row per repetition (overrides folds/repetitions/seed), e.g. for a check. */
  foldAssignments?: ReadonlyArray<readonly number[]>;
}

export interface PredictionErrors {
  rmse: number;
  mae: number;
}

export interface IndicatorPrediction {
  indicator: string;
  pls: PredictionErrors;
  lm: PredictionErrors;
  /** 1 − SSE(PLS) / SSE(training mean). */
  q2predict: number;
}

export type PredictivePower = "none" | "low" | "medium" | "high" | "lacking";

export interface PlsPredictResult {
  target: string;
  folds: number;
  repetitions: number;
  n: number;
  indicators: IndicatorPrediction[];
  /** Shmueli et al. (2019): compare PLS with LM indicator by indicator on RMSE. */
  power: PredictivePower;
  verdict: string;
}

/** Fold of every row: a seeded shuffle, then positions dealt round-robin. */
export function assignFolds(n: number, folds: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, r) => r);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const assignment = new Array<number>(n);
  order.forEach((row, position) => (assignment[row] = position % folds));
  return assignment;
}

interface PreparedData {
  model: CompiledPlsModel;
  /** Model-item values per row, NaN when missing. */
  values: Float64Array[];
  /** The same rows as a matrix (null when missing), for moment accumulation. */
  matrix: ResponseMatrix;
  /** Moments of all rows: a training set is these minus its fold's. */
  pooled: ItemMoments;
  /** Full-sample weights: the warm start of every fold's iteration. */
  startWeights: Float64Array;
  target: number;
  exogenousItems: number[];
}

function prepare(spec: PlsModelSpec, data: ResponseMatrix, target: string, options: PlsEstimationOptions | undefined): PreparedData {
  const model = compilePlsModel(spec, data.itemIds);
  const targetIndex = model.constructs.indexOf(target);
  if (targetIndex < 0) throw new RangeError(`unknown PLSpredict target "${target}"`);
  if (model.predecessors[targetIndex].length === 0) throw new RangeError(`PLSpredict target "${target}" must be endogenous`);
  const columns = new Map(data.itemIds.map((id, position) => [id, position]));
  const positions = model.items.map((item) => columns.get(item)!);
  const values = data.rows.map((row) =>
    Float64Array.from(positions, (position) => {
      const value = row[position];
      return value === null || value === undefined ? NaN : (value as number);
    }),
  );
  const exogenousItems = model.constructs.flatMap((_, j) => (model.predecessors[j].length === 0 ? [...model.blocks[j]] : []));
  const matrix: ResponseMatrix = { itemIds: model.items, rows: values.map((row) => Array.from(row, (v): ItemValue => (v === v ? v : null))) };
  const pooled = addMatrixToMoments(createEmptyMoments(model.items), matrix);
  const resolved = resolvePlsOptions(options);
  const startWeights = iteratePlsWeights(model, statisticsToInput(computeItemStatistics(pooled, { itemIds: model.items, missing: resolved.missing })), resolved).weights;
  return { model, values, matrix, pooled, startWeights, target: targetIndex, exogenousItems };
}

const fill = (value: number, mean: number) => (value === value ? value : mean);

/** OLS with intercept from training moments: returns [intercept, slopes...] per target indicator. */
function fitLinearBenchmark(covariance: Float64Array, means: readonly number[], p: number, inputs: number[], outputs: readonly number[]): number[][] {
  const gram: DenseMatrix = { rows: inputs.length, cols: inputs.length, data: new Float64Array(inputs.length * inputs.length) };
  inputs.forEach((a, i) => inputs.forEach((b, k) => (gram.data[i * inputs.length + k] = covariance[a * p + b])));
  return outputs.map((y) => {
    const slopes = solveLinearSystem(gram, inputs.map((a) => covariance[a * p + y]));
    const intercept = means[y] - inputs.reduce((sum, a, i) => sum + slopes[i] * means[a], 0);
    return [intercept, ...slopes];
  });
}

function oneRepetition(prepared: PreparedData, assignment: readonly number[], folds: number, options: PlsEstimationOptions | undefined) {
  const { model, values, matrix, pooled, startWeights, target, exogenousItems } = prepared;
  const resolved = resolvePlsOptions(options);
  const p = model.items.length;
  const J = model.constructs.length;
  const targetItems = model.blocks[target];
  const n = values.length;
  const foldMoments: ItemMoments[] = [];
  for (let f = 0; f < folds; f++) {
    foldMoments.push(addMatrixToMoments(createEmptyMoments(model.items), { itemIds: model.items, rows: matrix.rows.filter((_, r) => assignment[r] === f) }));
  }

  const errors = targetItems.map(() => ({ plsSquared: 0, plsAbsolute: 0, lmSquared: 0, lmAbsolute: 0, naiveSquared: 0 }));
  for (let f = 0; f < folds; f++) {
    const training = subtractMoments(pooled, foldMoments[f]);
    if (training.rowCount < 3) throw new StatsInputError("INSUFFICIENT_DATA", "PLSpredict: a training set has fewer than 3 rows");
    const statistics = computeItemStatistics(training, { itemIds: model.items, missing: resolved.missing });
    // Only weights, loadings and paths are needed: the quality measures of a full estimate are skipped.
    const fit = iteratePlsWeights(model, statisticsToInput(statistics), resolved, startWeights);
    const { means, sds } = statistics;
    const weights = Float64Array.from(fit.weights, (w, x) => w * fit.scale[x]);
    const { direct } = estimateStructuralModel(model, fit.C);
    const loadings = model.items.map((_, x) => fit.MW[x * J + model.itemConstruct[x]] / fit.scale[x]);
    const lm = fitLinearBenchmark(statistics.covariance, means, p, exogenousItems, targetItems);

    for (let r = 0; r < n; r++) {
      if (assignment[r] !== f) continue;
      const row = values[r];
      const scores = new Float64Array(J);
      for (const j of model.topologicalOrder) {
        if (model.predecessors[j].length === 0) {
          for (const x of model.blocks[j]) scores[j] += (weights[x] * (fill(row[x], means[x]) - means[x])) / sds[x];
        } else {
          for (const m of model.predecessors[j]) scores[j] += direct[m * J + j] * scores[m];
        }
      }
      targetItems.forEach((y, t) => {
        const actual = row[y];
        if (actual !== actual) return;
        const pls = means[y] + sds[y] * loadings[y] * scores[target];
        const coefficients = lm[t];
        let linear = coefficients[0];
        exogenousItems.forEach((x, i) => (linear += coefficients[i + 1] * fill(row[x], means[x])));
        const entry = errors[t];
        entry.plsSquared += (actual - pls) ** 2;
        entry.plsAbsolute += Math.abs(actual - pls);
        entry.lmSquared += (actual - linear) ** 2;
        entry.lmAbsolute += Math.abs(actual - linear);
        entry.naiveSquared += (actual - means[y]) ** 2;
      });
    }
  }
  return targetItems.map((y, t) => {
    const answered = values.reduce((count, row) => count + (row[y] === row[y] ? 1 : 0), 0);
    const entry = errors[t];
    return {
      pls: { rmse: Math.sqrt(entry.plsSquared / answered), mae: entry.plsAbsolute / answered },
      lm: { rmse: Math.sqrt(entry.lmSquared / answered), mae: entry.lmAbsolute / answered },
      q2predict: 1 - entry.plsSquared / entry.naiveSquared,
    };
  });
}

/** Shmueli et al. (2019), on RMSE: all/majority/minority/none of the indicators better than LM. */
export function judgePredictivePower(indicators: readonly IndicatorPrediction[]): { power: PredictivePower; verdict: string } {
  if (indicators.some((entry) => !(entry.q2predict > 0))) {
    return {
      power: "none",
      verdict: "The model predicts some answers no better than their average (Q²predict ≤ 0): it has no predictive relevance for this construct.",
    };
  }
  const better = indicators.filter((entry) => entry.pls.rmse < entry.lm.rmse).length;
  if (better === indicators.length) return { power: "high", verdict: "The model predicts every answer better than a plain regression: high predictive power." };
  if (better * 2 > indicators.length) return { power: "medium", verdict: "The model predicts most answers better than a plain regression: medium predictive power." };
  if (better > 0) return { power: "low", verdict: "The model beats a plain regression on only a few answers: low predictive power." };
  return {
    power: "lacking",
    verdict: "The model predicts better than averages but no answer better than a plain regression: it lacks predictive power beyond a simple benchmark.",
  };
}

export function plsPredict(spec: PlsModelSpec, data: ResponseMatrix, options: PlsPredictOptions): PlsPredictResult {
  const prepared = prepare(spec, data, options.target, options.estimation);
  const n = prepared.values.length;
  let assignments: ReadonlyArray<readonly number[]>;
  let folds: number;
  if (options.foldAssignments) {
    assignments = options.foldAssignments;
    if (assignments.some((assignment) => assignment.length !== n)) throw new RangeError("every fold assignment needs one fold per row");
    folds = Math.max(...assignments.flat()) + 1;
  } else {
    folds = options.folds ?? 10;
    const repetitions = options.repetitions ?? 10;
    if (!Number.isInteger(folds) || folds < 2 || folds > n) throw new RangeError("folds must be an integer between 2 and n");
    if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError("repetitions must be a positive integer");
    const random = createSeededRandom(options.seed);
    assignments = Array.from({ length: repetitions }, () => assignFolds(n, folds, random));
  }
  const runs = assignments.map((assignment) => oneRepetition(prepared, assignment, folds, options.estimation));
  const average = (pick: (run: (typeof runs)[number][number]) => number, t: number) => runs.reduce((sum, run) => sum + pick(run[t]), 0) / runs.length;
  const indicators = prepared.model.blocks[prepared.target].map((y, t): IndicatorPrediction => ({
    indicator: prepared.model.items[y],
    pls: { rmse: average((e) => e.pls.rmse, t), mae: average((e) => e.pls.mae, t) },
    lm: { rmse: average((e) => e.lm.rmse, t), mae: average((e) => e.lm.mae, t) },
    q2predict: average((e) => e.q2predict, t),
  }));
  return { target: options.target, folds, repetitions: assignments.length, n, indicators, ...judgePredictivePower(indicators) };
}
