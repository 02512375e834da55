/**
 * The seeds' satisfaction concepts: the labelled five-level scale with a three-level roll-up
 * (seeds digest A6) and the satisfaction ratio C = b/a (seeds digest A5).
 */
import {
  countWhere,
  describeEntries,
  meanOf,
  safeRatio,
  scaleEntries,
  totalCount,
  type MeanAccumulator,
  type ValueHistogram,
} from "./histogram";

export type SatisfactionLevelValue = 1 | 2 | 3 | 4 | 5;
const LEVEL_VALUES: SatisfactionLevelValue[] = [1, 2, 3, 4, 5];

export type ShareCount = { count: number; share: number | null };

export type SatisfactionDistribution = {
  n: number;
  /** Per level 1 (很不满意 very dissatisfied) … 5 (很满意 very satisfied). */
  levels: Record<SatisfactionLevelValue, ShareCount>;
  /**
   * dissatisfied = 1-2, neutral = 3, satisfied = 4-5. The seeds' own three-way split (000 L44:
   * 不满意 / 一般满意 / 高度满意) is worded differently; this roll-up follows the five-level
   * table's emotional boundary instead — levels 1-2 carry complaint and word-of-mouth risk,
   * 4-5 carry advocacy (seeds digest A6).
   */
  rollUp: { dissatisfied: ShareCount; neutral: ShareCount; satisfied: ShareCount };
  mean: number | null;
  excluded: number;
};

export function computeSatisfactionLevels(histogram: ValueHistogram): SatisfactionDistribution {
  const { entries, excluded } = scaleEntries(histogram, { min: 1, max: 5 });
  const n = totalCount(entries);
  const shareCount = (predicate: (value: number) => boolean): ShareCount => {
    const count = countWhere(entries, predicate);
    return { count, share: safeRatio(count, n) };
  };
  const levels = Object.fromEntries(LEVEL_VALUES.map((level) => [level, shareCount((value) => value === level)])) as Record<
    SatisfactionLevelValue,
    ShareCount
  >;
  return {
    n,
    levels,
    rollUp: {
      dissatisfied: shareCount((value) => value <= 2),
      neutral: shareCount((value) => value === 3),
      satisfied: shareCount((value) => value >= 4),
    },
    mean: describeEntries(entries).mean,
    excluded,
  };
}

export type ExpectationPerceptionAggregate = {
  pairKey: string;
  /** Accumulated answers to the expectation item (a in C = b/a). */
  expectation: MeanAccumulator;
  /** Accumulated answers to the perception item (b in C = b/a). */
  perception: MeanAccumulator;
};

export type RatioVerdict = "exceeds" | "meets" | "falls_short";

export type SatisfactionRatio = {
  expectationMean: number | null;
  perceptionMean: number | null;
  /** C = b/a; null when either mean is missing or the expectation mean is not positive. */
  ratio: number | null;
  verdict: RatioVerdict | null;
};

export type SatisfactionRatioResult = {
  pairs: Array<SatisfactionRatio & { pairKey: string }>;
  /** Ratio of the average perception mean to the average expectation mean over complete pairs. */
  overall: SatisfactionRatio & { pairCount: number };
};

/**
 * The seeds' satisfaction ratio C = b / a (000 L46: perceived actual experience over expectation),
 * computed per expectation/perception pair and overall. From aggregates this is a ratio of means,
 * not a mean of per-respondent ratios. It needs a scale without zero or negative points (e.g.
 * 1-7). The seeds give no thresholds; the verdict uses C > 1 exceeds / C = 1 meets / C < 1 falls
 * short (the digest's suggestion, consistent with 000 L287 "Q1 >> Q0 → highly satisfied"), with an
 * optional tolerance band around 1.
 */
export function computeSatisfactionRatios(
  pairs: readonly ExpectationPerceptionAggregate[],
  options: { tolerance?: number } = {},
): SatisfactionRatioResult {
  const tolerance = Math.max(0, options.tolerance ?? 0);
  const judge = (ratio: number | null): RatioVerdict | null => {
    if (ratio === null) return null;
    if (ratio > 1 + tolerance) return "exceeds";
    if (ratio < 1 - tolerance) return "falls_short";
    return "meets";
  };
  const ratioOf = (perception: number | null, expectation: number | null): number | null =>
    perception === null || expectation === null || expectation <= 0 ? null : safeRatio(perception, expectation);

  const results = pairs.map((pair) => {
    const expectationMean = meanOf(pair.expectation);
    const perceptionMean = meanOf(pair.perception);
    const ratio = ratioOf(perceptionMean, expectationMean);
    return { pairKey: pair.pairKey, expectationMean, perceptionMean, ratio, verdict: judge(ratio) };
  });
  const complete = results.filter((result) => result.expectationMean !== null && result.perceptionMean !== null);
  const average = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
  const expectationMean = average(complete.map((result) => result.expectationMean as number));
  const perceptionMean = average(complete.map((result) => result.perceptionMean as number));
  const ratio = ratioOf(perceptionMean, expectationMean);
  return {
    pairs: results,
    overall: { expectationMean, perceptionMean, ratio, verdict: judge(ratio), pairCount: complete.length },
  };
}
