/**
 * Building blocks for metrics computed from aggregates rather than raw rows.
 *
 * The analytics store keeps per-item value histograms (`{ "9": 120, "10": 80, … }`) and
 * `{ sum, count }` accumulators, which merge across days and segments by simple addition. Every
 * metric here is a pure function of those, so dashboards never need to scan responses.
 * Conventions: shares are fractions in [0, 1]; an empty input yields null, never NaN.
 */

/** Answer value → number of responses with that value. Keys arrive as strings from JSON/SQL. */
export type ValueHistogram = Readonly<Record<string | number, number>>;

/** Mergeable running total for a mean (sum of values and number of values). */
export type MeanAccumulator = { sum: number; count: number };

export type ScaleRange = { min: number; max: number };

export type HistogramEntry = { value: number; count: number };

function assertCount(key: string, count: unknown): number {
  if (typeof count !== "number" || !Number.isFinite(count) || count < 0) {
    // Corrupt aggregates must surface, not quietly bend a KPI.
    throw new RangeError(`histogram count for value "${key}" must be a non-negative finite number, got ${String(count)}`);
  }
  return count;
}

/**
 * Numeric entries of a histogram, split into those on the scale (integer values within range)
 * and the count of everything else, which summaries report as `excluded` for transparency.
 */
export function scaleEntries(histogram: ValueHistogram, range: ScaleRange): { entries: HistogramEntry[]; excluded: number } {
  const entries: HistogramEntry[] = [];
  let excluded = 0;
  for (const [key, rawCount] of Object.entries(histogram)) {
    const count = assertCount(key, rawCount);
    if (count === 0) continue;
    const value = key.trim() === "" ? Number.NaN : Number(key);
    if (Number.isInteger(value) && value >= range.min && value <= range.max) entries.push({ value, count });
    else excluded += count;
  }
  entries.sort((a, b) => a.value - b.value);
  return { entries, excluded };
}

/** numerator / denominator, or null when the denominator is 0 or either side is not finite. */
export function safeRatio(numerator: number, denominator: number): number | null {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return null;
  return numerator / denominator;
}

export function meanOf(accumulator: MeanAccumulator): number | null {
  return accumulator.count > 0 ? safeRatio(accumulator.sum, accumulator.count) : null;
}

export function totalCount(entries: readonly HistogramEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.count, 0);
}

export function countWhere(entries: readonly HistogramEntry[], predicate: (value: number) => boolean): number {
  return entries.reduce((sum, entry) => (predicate(entry.value) ? sum + entry.count : sum), 0);
}

export type DescriptiveStats = { n: number; mean: number | null; standardDeviation: number | null };

/** Mean and sample standard deviation (n − 1) from a histogram; sd needs at least 2 responses. */
export function describeEntries(entries: readonly HistogramEntry[]): DescriptiveStats {
  const n = totalCount(entries);
  if (n === 0) return { n, mean: null, standardDeviation: null };
  const mean = entries.reduce((sum, entry) => sum + entry.value * entry.count, 0) / n;
  if (n < 2) return { n, mean, standardDeviation: null };
  const squares = entries.reduce((sum, entry) => sum + entry.count * (entry.value - mean) ** 2, 0);
  return { n, mean, standardDeviation: Math.sqrt(squares / (n - 1)) };
}

export function accumulatorFromHistogram(histogram: ValueHistogram, range: ScaleRange): MeanAccumulator {
  const { entries } = scaleEntries(histogram, range);
  return {
    sum: entries.reduce((sum, entry) => sum + entry.value * entry.count, 0),
    count: totalCount(entries),
  };
}

/**
 * Linear rescale of a scale mean to 0-100, (x̄ − min)/(max − min) × 100 — the transformation the
 * ACSI index applies to 1-10 items (peers-and-methods §B index formula; seeds digest §2.4 item 2).
 */
export function rescaleTo100(mean: number | null, range: ScaleRange): number | null {
  if (mean === null) return null;
  const ratio = safeRatio(mean - range.min, range.max - range.min);
  return ratio === null ? null : ratio * 100;
}
