/**
 * ACSI-style 0–100 indices (Fornell et al. 1996) from a PLS estimate.
 *
 * For a construct with items i: u_i = w̃_i / s_i (standardized outer weight over the item SD, i.e.
 * the weight on the raw item), w_i = u_i / Σu, and
 *   index = (Σ w_i·mean_i − Σ w_i·min_i) / (Σ w_i·(max_i − min_i)) × 100
 * with the items' theoretical scale bounds. With one scale for all items this is
 * (Σ w_i·mean_i − min) / (max − min) × 100. A respondent's index applies the same w_i to their
 * own answers, so the mean of respondent indices equals the construct index.
 */
import { StatsInputError } from "../stats/errors";
import type { ResponseMatrix } from "../stats/response-matrix";
import type { PlsEstimate } from "./types";
import type { PlsWarning } from "./warnings";

export interface ScaleBounds {
  min: number;
  max: number;
}

export interface AcsiIndexOptions {
  /** Theoretical bounds of every item (e.g. 1..10), unless overridden in `itemScales`. */
  scale?: ScaleBounds;
  /** Per-item bounds, e.g. `{ complained: { min: 0, max: 1 } }`. */
  itemScales?: Readonly<Record<string, ScaleBounds>>;
  /** Constructs to index; default all. */
  constructs?: readonly string[];
}

export interface ConstructIndex {
  construct: string;
  /** 0–100. */
  index: number;
  items: string[];
  standardizedWeights: Record<string, number>;
  /** u_i = w̃_i / s_i (or 1 under the equal-weights fallback). */
  unstandardizedWeights: Record<string, number>;
  /** w_i = u_i / Σu. */
  normalizedWeights: Record<string, number>;
  /** True when a negative (or undefined) weight forced equal weights. */
  equalWeightsFallback: boolean;
  itemMeans: Record<string, number>;
  itemSds: Record<string, number>;
  itemScales: Record<string, ScaleBounds>;
}

export interface AcsiIndexResult {
  indices: Record<string, ConstructIndex>;
  warnings: PlsWarning[];
}

/** Index arithmetic on plain arrays, shared by the public function and the bootstrap. */
export interface IndexWeights {
  normalized: number[];
  unstandardized: number[];
  equalWeightsFallback: boolean;
}

export function deriveIndexWeights(standardizedWeights: readonly number[], sds: readonly number[]): IndexWeights {
  const unstandardized = standardizedWeights.map((w, i) => w / sds[i]);
  // Negative weights would let "better" answers lower the index; equal weights keep it monotone.
  const fallback = unstandardized.some((u) => !(u >= 0)) || unstandardized.every((u) => u === 0);
  const used = fallback ? unstandardized.map(() => 1) : unstandardized;
  const total = used.reduce((sum, u) => sum + u, 0);
  return { normalized: used.map((u) => u / total), unstandardized: used, equalWeightsFallback: fallback };
}

export function indexFromWeights(
  normalized: readonly number[],
  values: readonly number[],
  bounds: readonly ScaleBounds[],
): number {
  let score = 0;
  let minimum = 0;
  let range = 0;
  normalized.forEach((w, i) => {
    score += w * values[i];
    minimum += w * bounds[i].min;
    range += w * (bounds[i].max - bounds[i].min);
  });
  return ((score - minimum) / range) * 100;
}

export function resolveItemScales(items: readonly string[], options: AcsiIndexOptions): ScaleBounds[] {
  return items.map((item) => {
    const bounds = options.itemScales?.[item] ?? options.scale;
    if (!bounds) throw new RangeError(`no scale bounds for item "${item}" (give a default scale or per-item bounds)`);
    if (!(Number.isFinite(bounds.min) && Number.isFinite(bounds.max) && bounds.max > bounds.min)) {
      throw new RangeError(`item "${item}": scale bounds need min < max, got ${bounds.min}..${bounds.max}`);
    }
    return bounds;
  });
}

/** Indices of the chosen constructs. The estimate must carry item means and SDs (rows or moments). */
export function computeAcsiIndices(estimate: PlsEstimate, options: AcsiIndexOptions): AcsiIndexResult {
  const { itemMeans, itemSds } = estimate;
  if (!itemMeans || !itemSds) {
    throw new StatsInputError("INSUFFICIENT_DATA", "ACSI indices need item means and SDs: estimate from rows or moments");
  }
  const constructs = options.constructs ?? estimate.constructs;
  const indices: Record<string, ConstructIndex> = {};
  const warnings: PlsWarning[] = [];
  for (const construct of constructs) {
    const standardized = estimate.standardizedOuterWeights[construct];
    if (!standardized) throw new RangeError(`unknown construct "${construct}"`);
    const items = Object.keys(standardized);
    const scales = resolveItemScales(items, options);
    const weights = deriveIndexWeights(
      items.map((item) => standardized[item]),
      items.map((item) => itemSds[item]),
    );
    const index = indexFromWeights(
      weights.normalized,
      items.map((item) => itemMeans[item]),
      scales,
    );
    const keyed = (values: readonly number[]) => Object.fromEntries(items.map((item, i) => [item, values[i]]));
    indices[construct] = {
      construct,
      index,
      items,
      standardizedWeights: { ...standardized },
      unstandardizedWeights: keyed(weights.unstandardized),
      normalizedWeights: keyed(weights.normalized),
      equalWeightsFallback: weights.equalWeightsFallback,
      itemMeans: keyed(items.map((item) => itemMeans[item])),
      itemSds: keyed(items.map((item) => itemSds[item])),
      itemScales: Object.fromEntries(items.map((item, i) => [item, scales[i]])),
    };
    if (weights.equalWeightsFallback) {
      warnings.push({
        code: "INDEX_EQUAL_WEIGHTS_FALLBACK",
        severity: "warning",
        message: `${construct}: some outer weights are negative, so its index uses equal item weights`,
        construct,
      });
    }
  }
  return { indices, warnings };
}

/**
 * Per-respondent indices (same weights as the construct index). A missing answer is replaced by
 * the item mean, consistent with mean replacement in the estimation.
 */
export function computeRespondentIndices(result: AcsiIndexResult, data: ResponseMatrix): Record<string, number[]> {
  const columns = new Map(data.itemIds.map((id, position) => [id, position]));
  const output: Record<string, number[]> = {};
  for (const [construct, entry] of Object.entries(result.indices)) {
    const positions = entry.items.map((item) => {
      const position = columns.get(item);
      if (position === undefined) throw new StatsInputError("UNKNOWN_ITEM", `item "${item}" is not in the data`, { item });
      return position;
    });
    const weights = entry.items.map((item) => entry.normalizedWeights[item]);
    const means = entry.items.map((item) => entry.itemMeans[item]);
    const scales = entry.items.map((item) => entry.itemScales[item]);
    output[construct] = data.rows.map((row) =>
      indexFromWeights(
        weights,
        positions.map((position, i) => {
          const value = row[position];
          return value === null || value === undefined || value !== value ? means[i] : value;
        }),
        scales,
      ),
    );
  }
  return output;
}
