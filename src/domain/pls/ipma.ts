/**
 * Importance–performance map analysis (IPMA), as defined by Ringle & Sarstedt (2016), "Gain more
 * insight from your PLS-SEM results: the importance-performance map analysis", Industrial
 * Management & Data Systems 116(9).
 *
 * Every indicator is rescaled to 0–100 with its theoretical bounds: x* = 100 (x − min) / (max − min).
 * With u_i = w̃_i / s_i (the unstandardized outer weight) the rescaled weight of indicator i in
 * block j is v_i = u_i (max_i − min_i) / Σ_k u_k (max_k − min_k), so the rescaled latent score
 * Y*_j = Σ v_i x*_i lies in 0–100 and equals a_j + c_j Z_j with Z_j the standardized PLS score and
 * c_j = 100 / Σ_k u_k (max_k − min_k). Hence
 *   performance_j   = mean of Y*_j = Σ v_i mean(x*_i)
 *   importance_j→t  = unstandardized total effect of Y*_j on Y*_t = T_jt · c_t / c_j
 *   indicator i:  performance = mean(x*_i), importance = v_i · importance_{construct(i)→t}.
 * Only moments are needed (means, SDs, standardized weights, total effects), so IPMA runs on
 * stored aggregates as well as on rows.
 */
import { StatsInputError } from "../stats/errors";
import { resolveItemScales, type AcsiIndexOptions } from "./acsi-index";
import type { PlsEstimate } from "./types";
import type { PlsWarning } from "./warnings";

export interface IpmaOptions extends Pick<AcsiIndexOptions, "scale" | "itemScales"> {
  /** Target construct, e.g. "Satisfaction" or "Loyalty". */
  target: string;
}

export interface IpmaConstructEntry {
  construct: string;
  /** Unstandardized total effect on the target: points of target per point of this construct (0–100 scales). */
  importance: number;
  /** Mean rescaled latent score, 0–100. */
  performance: number;
}

export interface IpmaIndicatorEntry {
  indicator: string;
  construct: string;
  importance: number;
  performance: number;
  /** v_i: weight of the rescaled indicator in its rescaled construct score (block sums to 1). */
  rescaledWeight: number;
}

export interface IpmaResult {
  target: string;
  /** Target's own performance (mean rescaled score). */
  targetPerformance: number;
  /** Every construct with a total effect on the target, in model order. */
  constructs: IpmaConstructEntry[];
  indicators: IpmaIndicatorEntry[];
  warnings: PlsWarning[];
}

interface RescaledBlock {
  items: string[];
  rescaledWeights: number[];
  /** c_j: SD of the rescaled latent score. */
  scoreScale: number;
  performance: number;
  itemPerformance: number[];
}

function rescaleBlock(estimate: PlsEstimate, construct: string, options: IpmaOptions): RescaledBlock {
  const standardized = estimate.standardizedOuterWeights[construct];
  const items = Object.keys(standardized);
  const scales = resolveItemScales(items, options);
  const means = estimate.itemMeans!;
  const sds = estimate.itemSds!;
  const spans = items.map((item, i) => (standardized[item] / sds[item]) * (scales[i].max - scales[i].min));
  const total = spans.reduce((sum, value) => sum + value, 0);
  if (!(total > 0)) {
    throw new StatsInputError("INSUFFICIENT_DATA", `IPMA: the outer weights of ${construct} do not sum to a positive value, so it cannot be rescaled`);
  }
  const rescaledWeights = spans.map((value) => value / total);
  const itemPerformance = items.map((item, i) => (100 * (means[item] - scales[i].min)) / (scales[i].max - scales[i].min));
  const performance = rescaledWeights.reduce((sum, v, i) => sum + v * itemPerformance[i], 0);
  return { items, rescaledWeights, scoreScale: 100 / total, performance, itemPerformance };
}

/** IPMA of every construct with a total effect on `options.target`. */
export function computeIpma(estimate: PlsEstimate, options: IpmaOptions): IpmaResult {
  const { target } = options;
  if (!estimate.constructs.includes(target)) throw new RangeError(`unknown IPMA target construct "${target}"`);
  if (!estimate.itemMeans || !estimate.itemSds) {
    throw new StatsInputError("INSUFFICIENT_DATA", "IPMA needs item means and SDs: estimate from rows or moments");
  }
  const targetBlock = rescaleBlock(estimate, target, options);
  const warnings: PlsWarning[] = [];
  const constructs: IpmaConstructEntry[] = [];
  const indicators: IpmaIndicatorEntry[] = [];
  const effects = new Map(estimate.totalEffects.filter((effect) => effect.to === target).map((effect) => [effect.from, effect.value]));
  const checked = estimate.constructs.filter((construct) => construct === target || effects.has(construct));

  for (const construct of checked) {
    for (const [item, weight] of Object.entries(estimate.standardizedOuterWeights[construct])) {
      if (weight < 0) {
        warnings.push({
          code: "IPMA_NEGATIVE_OUTER_WEIGHT",
          severity: "warning",
          message: `${construct}: indicator ${item} has a negative outer weight, so a better answer lowers the rescaled score; IPMA assumes non-negative weights`,
          construct,
          related: item,
          value: weight,
        });
      }
      const loading = estimate.outerLoadings[construct][item];
      if (loading < 0) {
        warnings.push({
          code: "IPMA_CODING_DIRECTION",
          severity: "warning",
          message: `${construct}: indicator ${item} correlates negatively with its construct; IPMA needs every indicator coded so that a higher value is better (reverse-code it)`,
          construct,
          related: item,
          value: loading,
        });
      }
    }
  }

  for (const construct of estimate.constructs) {
    const effect = effects.get(construct);
    if (effect === undefined) continue;
    const block = rescaleBlock(estimate, construct, options);
    const importance = (effect * targetBlock.scoreScale) / block.scoreScale;
    constructs.push({ construct, importance, performance: block.performance });
    block.items.forEach((indicator, i) => {
      indicators.push({
        indicator,
        construct,
        importance: block.rescaledWeights[i] * importance,
        performance: block.itemPerformance[i],
        rescaledWeight: block.rescaledWeights[i],
      });
    });
  }
  return { target, targetPerformance: targetBlock.performance, constructs, indicators, warnings };
}
