/**
 * SERVQUAL gap scores (Parasuraman, Zeithaml & Berry 1988; peers-and-methods §B): item gap
 * Qᵢ = P̄ᵢ − Ēᵢ, dimension score = mean of its item gaps, overall = mean of dimension scores
 * (optionally importance-weighted). Negative means service falls below expectations.
 */
import type { ServqualDimension } from "../survey/definition";
import { SERVQUAL_DIMENSIONS } from "../survey/definition";
import { meanOf, type MeanAccumulator } from "./histogram";

export type ServqualPairAggregate = {
  pairKey: string;
  dimension: ServqualDimension;
  expectation: MeanAccumulator;
  perception: MeanAccumulator;
};

export type ServqualItemGap = {
  pairKey: string;
  dimension: ServqualDimension;
  expectationMean: number | null;
  perceptionMean: number | null;
  gap: number | null;
};

export type ServqualDimensionScore = { gap: number | null; itemCount: number };

export type ServqualResult = {
  items: ServqualItemGap[];
  dimensions: Record<ServqualDimension, ServqualDimensionScore>;
  /** Unweighted mean of the dimension scores that have data. */
  overall: number | null;
  /** Importance-weighted overall score; null unless weights were given and apply. */
  weightedOverall: number | null;
};

const average = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

export function computeServqualGaps(
  pairs: readonly ServqualPairAggregate[],
  options: { weights?: Partial<Record<ServqualDimension, number>> } = {},
): ServqualResult {
  const items: ServqualItemGap[] = pairs.map((pair) => {
    const expectationMean = meanOf(pair.expectation);
    const perceptionMean = meanOf(pair.perception);
    const gap = expectationMean === null || perceptionMean === null ? null : perceptionMean - expectationMean;
    return { pairKey: pair.pairKey, dimension: pair.dimension, expectationMean, perceptionMean, gap };
  });
  const dimensions = {} as Record<ServqualDimension, ServqualDimensionScore>;
  for (const dimension of SERVQUAL_DIMENSIONS) {
    const gaps = items.filter((item) => item.dimension === dimension && item.gap !== null).map((item) => item.gap as number);
    dimensions[dimension] = { gap: average(gaps), itemCount: gaps.length };
  }
  const scored = SERVQUAL_DIMENSIONS.filter((dimension) => dimensions[dimension].gap !== null);
  const overall = average(scored.map((dimension) => dimensions[dimension].gap as number));

  let weightedOverall: number | null = null;
  if (options.weights) {
    const weights = options.weights;
    // Weights are renormalized over dimensions that have data so a missing dimension does not
    // silently pull the score toward zero.
    const weighted = scored.filter((dimension) => (weights[dimension] ?? 0) > 0);
    const totalWeight = weighted.reduce((sum, dimension) => sum + (weights[dimension] as number), 0);
    if (totalWeight > 0) {
      weightedOverall =
        weighted.reduce((sum, dimension) => sum + (weights[dimension] as number) * (dimensions[dimension].gap as number), 0) / totalWeight;
    }
  }
  return { items, dimensions, overall, weightedOverall };
}
