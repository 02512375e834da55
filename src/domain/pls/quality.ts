/**
 * Measurement-quality statistics. All of them are functions of the item correlation matrix R,
 * the loadings and the standardized outer weights, so they work identically from raw rows and
 * from aggregated moments. Formulas follow seminr (compute_metrics.R, evaluate_reliability.R)
 * and plspm (get_gof.r); see docs/statistics.md.
 */
import type { ConstructReliability, FornellLarckerCheck } from "./types";

/**
 * Reliability of one block.
 * `items`: positions in R (size×size, row-major); `loadings`/`weights`: same order, weights
 * normalized so that wᵀ R_bb w = 1 (ρ_A is not scale invariant). `sds` gives raw-scale alpha.
 */
export function computeBlockReliability(
  items: readonly number[],
  loadings: readonly number[],
  weights: readonly number[],
  correlation: ArrayLike<number>,
  size: number,
  sds: readonly number[] | null,
): ConstructReliability {
  const k = items.length;
  const ave = loadings.reduce((sum, l) => sum + l * l, 0) / k;
  if (k === 1) {
    // Single-item convention (seminr): the item is its own perfectly reliable measure.
    return { ave, rhoC: 1, alpha: 1, alphaRaw: sds ? 1 : null, rhoA: 1 };
  }
  const loadingSum = loadings.reduce((sum, l) => sum + l, 0);
  const errorSum = loadings.reduce((sum, l) => sum + (1 - l * l), 0);
  const rhoC = (loadingSum * loadingSum) / (loadingSum * loadingSum + errorSum);

  let correlationSum = 0;
  let covarianceSum = 0;
  let varianceSum = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const r = correlation[items[a] * size + items[b]];
      correlationSum += r;
      if (sds) covarianceSum += r * sds[a] * sds[b];
    }
    if (sds) varianceSum += sds[a] * sds[a];
  }
  const alpha = (k / (k - 1)) * (1 - k / correlationSum);
  const alphaRaw = sds ? (k / (k - 1)) * (1 - varianceSum / covarianceSum) : null;

  // ρ_A = (wᵀw)² · wᵀ(R − diag R)w / wᵀ(wwᵀ − diag(wwᵀ))w (Dijkstra & Henseler 2015).
  let wSquared = 0;
  let wFourth = 0;
  let offDiagonalQuadratic = 0;
  for (let a = 0; a < k; a++) {
    wSquared += weights[a] * weights[a];
    wFourth += weights[a] ** 4;
    for (let b = 0; b < k; b++) {
      if (a !== b) offDiagonalQuadratic += weights[a] * correlation[items[a] * size + items[b]] * weights[b];
    }
  }
  const rhoA = (wSquared * wSquared * offDiagonalQuadratic) / (wSquared * wSquared - wFourth);
  return { ave, rhoC, alpha, alphaRaw, rhoA };
}

/**
 * HTMT (Henseler, Ringle & Sarstedt 2015) on absolute item correlations: mean heterotrait
 * correlation over the geometric mean of the two mean monotrait correlations. A single-item
 * block's monotrait mean is taken as 1 (seminr's convention).
 */
export function computeHtmt(
  blocks: ReadonlyArray<readonly number[]>,
  correlation: ArrayLike<number>,
  size: number,
): number[][] {
  const monotrait = blocks.map((block) => {
    if (block.length < 2) return 1;
    let sum = 0;
    let count = 0;
    for (let a = 0; a < block.length; a++) {
      for (let b = a + 1; b < block.length; b++) {
        sum += Math.abs(correlation[block[a] * size + block[b]]);
        count++;
      }
    }
    return sum / count;
  });
  const result = blocks.map(() => blocks.map(() => NaN));
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      let sum = 0;
      for (const a of blocks[i]) for (const b of blocks[j]) sum += Math.abs(correlation[a * size + b]);
      const value = sum / (blocks[i].length * blocks[j].length) / Math.sqrt(monotrait[i] * monotrait[j]);
      result[i][j] = value;
      result[j][i] = value;
    }
  }
  return result;
}

/** Fornell–Larcker criterion: √AVE of a construct should exceed its correlations with the others. */
export function computeFornellLarcker(ave: readonly number[], constructCorrelation: ArrayLike<number>): FornellLarckerCheck[] {
  const count = ave.length;
  return ave.map((value, j) => {
    let maxCorrelation = 0;
    for (let k = 0; k < count; k++) {
      if (k !== j) maxCorrelation = Math.max(maxCorrelation, Math.abs(constructCorrelation[j * count + k]));
    }
    const sqrtAve = Math.sqrt(value);
    return { sqrtAve, maxCorrelation, satisfied: sqrtAve > maxCorrelation };
  });
}

/**
 * Tenenhaus et al. (2005) GoF as in plspm: √(mean communality over the items of multi-item
 * blocks × mean R² of the endogenous constructs).
 */
export function computeGoodnessOfFit(
  blocks: ReadonlyArray<readonly number[]>,
  ownLoadings: readonly number[],
  endogenousRSquared: readonly number[],
): number | null {
  let communality = 0;
  let items = 0;
  for (const block of blocks) {
    if (block.length < 2) continue;
    for (const item of block) {
      communality += ownLoadings[item] * ownLoadings[item];
      items++;
    }
  }
  if (items === 0 || endogenousRSquared.length === 0) return null;
  const meanRSquared = endogenousRSquared.reduce((sum, r) => sum + r, 0) / endogenousRSquared.length;
  return Math.sqrt((communality / items) * meanRSquared);
}
