/**
 * Where a period or segment stands against its sample plan: the margin of error of its index now
 * (SD of respondent indices from its moments, with the selection's fixed weights), the complete
 * responses still needed for the target n, and whether its index may be shown at all.
 */
import type { ConstructIndex } from "../pls/acsi-index";
import type { ItemMoments } from "../stats/item-moments";
import { periodIndexFromMoments } from "./period-comparison";
import { ACSI_CONVENTIONAL_SAMPLE_SIZE, indexSampleProgress } from "./sample-size";

/** Below this many complete responses a segment's index is hidden: its margin would exceed ±10 points for typical SDs. */
export const MINIMUM_RESPONSES_TO_SHOW_INDEX = 30;

export interface GroupSampleStatus {
  /** 95 % margin of error of the index in points; null when it cannot be computed. */
  marginOfError: number | null;
  target: number;
  stillNeeded: number;
  indexShown: boolean;
}

export function groupSampleStatus(
  moments: ItemMoments,
  index: ConstructIndex | undefined,
  options: { target?: number; minimum?: number } = {},
): GroupSampleStatus {
  const target = options.target ?? ACSI_CONVENTIONAL_SAMPLE_SIZE;
  const minimum = options.minimum ?? MINIMUM_RESPONSES_TO_SHOW_INDEX;
  const n = moments.rowCount;
  let sd: number | null = null;
  if (index && n >= 2 && index.items.every((item) => moments.itemIds.includes(item))) {
    const period = periodIndexFromMoments(moments, { weights: index.normalizedWeights, scales: index.itemScales });
    sd = Number.isFinite(period.sd) ? period.sd : null;
  }
  const progress = indexSampleProgress(n, sd ?? 0, target, minimum);
  return { marginOfError: sd === null ? null : progress.marginNow, target, stillNeeded: progress.stillNeeded, indexShown: progress.showIndex };
}
