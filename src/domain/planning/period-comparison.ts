/**
 * An index in one period from stored moments, its standard error, and comparisons: before/after
 * an improvement plan (the seeds' steps 9–11) and against an external benchmark.
 *
 * With fixed normalized item weights w (e.g. from the estimate over both periods, so a change in
 * weights cannot pose as a change in satisfaction) a respondent's index is
 *   I_r = 100 · Σ w_i (x_ri − min_i) / Σ w_i (max_i − min_i),
 * the period index is its mean (item means), and Var(I_r) = (100 / Σ w_i range_i)² · wᵀ S w with S
 * the item covariance matrix (missing answers replaced by the item mean), so SE = √(Var / n).
 * Difference of two independent periods: d = I_after − I_before, SE_d = √(SE_a² + SE_b²), interval
 * d ± z·SE_d (normal approximation, sound for the tens of responses per period a plan needs);
 * verdict: improved when the interval lies above 0, worse when below, otherwise no detectable change.
 */
import { indexFromWeights, type ScaleBounds } from "../pls/acsi-index";
import { computeItemStatistics, type ItemMoments } from "../stats/item-moments";
import { zForConfidence } from "./sample-size";

export interface IndexDefinition {
  /** Normalized weights by item (sum 1), e.g. ConstructIndex.normalizedWeights. */
  weights: Readonly<Record<string, number>>;
  scales: Readonly<Record<string, ScaleBounds>>;
}

export interface PeriodIndex {
  n: number;
  index: number;
  /** SD of respondent indices. */
  sd: number;
  standardError: number;
}

export function periodIndexFromMoments(moments: ItemMoments, definition: IndexDefinition): PeriodIndex {
  const items = Object.keys(definition.weights);
  const statistics = computeItemStatistics(moments, { itemIds: items, missing: "mean-replacement" });
  const weights = items.map((item) => definition.weights[item]);
  const scales = items.map((item) => definition.scales[item]);
  const span = scales.reduce((sum, bounds, i) => sum + weights[i] * (bounds.max - bounds.min), 0);
  const p = items.length;
  let variance = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) variance += weights[a] * weights[b] * statistics.covariance[a * p + b];
  const factor = 100 / span;
  const sd = factor * Math.sqrt(Math.max(0, variance));
  return { n: statistics.n, index: indexFromWeights(weights, statistics.means, scales), sd, standardError: sd / Math.sqrt(statistics.n) };
}

export type ChangeVerdict = "improved" | "no-detectable-change" | "worse";

export interface DifferenceInterval {
  difference: number;
  standardError: number;
  lower: number;
  upper: number;
  confidence: number;
}

export function differenceInterval(first: { index: number; standardError: number }, second: { index: number; standardError: number }, confidence = 0.95): DifferenceInterval {
  const difference = first.index - second.index;
  const standardError = Math.sqrt(first.standardError ** 2 + second.standardError ** 2);
  const half = zForConfidence(confidence) * standardError;
  return { difference, standardError, lower: difference - half, upper: difference + half, confidence };
}

export interface ImprovementEffect extends DifferenceInterval {
  before: PeriodIndex;
  after: PeriodIndex;
  verdict: ChangeVerdict;
}

export function evaluateImprovement(before: PeriodIndex, after: PeriodIndex, confidence = 0.95): ImprovementEffect {
  const interval = differenceInterval(after, before, confidence);
  const verdict: ChangeVerdict = interval.lower > 0 ? "improved" : interval.upper < 0 ? "worse" : "no-detectable-change";
  return { ...interval, before, after, verdict };
}

export interface BenchmarkFigure {
  source: string;
  year: number;
  /** On the same 0–100 scale as the index. */
  value: number;
  n?: number | null;
  sd?: number | null;
}

export type BenchmarkVerdict = "above" | "below" | "no-detectable-difference" | "no-interval";

export interface BenchmarkComparison {
  benchmark: BenchmarkFigure;
  index: number;
  /** index − benchmark value. */
  difference: number;
  /** Only when the benchmark carries n and SD (its own sampling error is then known). */
  interval: DifferenceInterval | null;
  verdict: BenchmarkVerdict;
}

export function compareWithBenchmark(own: PeriodIndex, benchmark: BenchmarkFigure, confidence = 0.95): BenchmarkComparison {
  const difference = own.index - benchmark.value;
  if (!(benchmark.n && benchmark.n > 1 && benchmark.sd !== undefined && benchmark.sd !== null && benchmark.sd >= 0)) {
    return { benchmark, index: own.index, difference, interval: null, verdict: "no-interval" };
  }
  const interval = differenceInterval(own, { index: benchmark.value, standardError: benchmark.sd / Math.sqrt(benchmark.n) }, confidence);
  const verdict: BenchmarkVerdict = interval.lower > 0 ? "above" : interval.upper < 0 ? "below" : "no-detectable-difference";
  return { benchmark, index: own.index, difference, interval, verdict };
}
