/**
 * Guard-rails: typed warnings that travel with every estimate so the UI can say why a number
 * deserves less trust. Thresholds and their sources are listed in docs/statistics.md.
 */
import type { CompiledPlsModel } from "./model";

export type PlsWarningCode =
  | "NOT_CONVERGED"
  | "SAMPLE_BELOW_TEN_TIMES_RULE"
  | "SAMPLE_BELOW_100"
  | "LOW_AVE"
  | "LOW_COMPOSITE_RELIABILITY"
  | "HIGH_COMPOSITE_RELIABILITY"
  | "LOW_CRONBACH_ALPHA"
  | "HIGH_HTMT"
  | "FORNELL_LARCKER_VIOLATION"
  | "NEGATIVE_OUTER_WEIGHT"
  | "INDEX_EQUAL_WEIGHTS_FALLBACK"
  | "IPMA_NEGATIVE_OUTER_WEIGHT"
  | "IPMA_CODING_DIRECTION";

/** "warning": results may be wrong or misleading. "notice": worth a look, commonly tolerated. */
export type PlsWarningSeverity = "warning" | "notice";

export interface PlsWarning {
  code: PlsWarningCode;
  severity: PlsWarningSeverity;
  message: string;
  construct?: string;
  /** Second construct (HTMT pairs) or the item concerned. */
  related?: string;
  value?: number;
  threshold?: number;
}

export const QUALITY_THRESHOLDS = {
  minimumAve: 0.5,
  minimumCompositeReliability: 0.7,
  maximumCompositeReliability: 0.95,
  minimumAlpha: 0.7,
  maximumHtmt: 0.9,
  softMinimumSampleSize: 100,
  tenTimesRuleFactor: 10,
} as const;

/**
 * The "10-times rule" (Barclay, Higgins & Thompson 1995; Hair et al. 2011): n should be at least
 * 10 × the largest number of arrows pointing at any construct, counting the indicators of a
 * formative (mode B) block as arrows pointing at it.
 */
export function minimumSampleSizeTenTimesRule(model: CompiledPlsModel): number {
  let arrows = 1;
  model.constructs.forEach((_, j) => {
    arrows = Math.max(arrows, model.predecessors[j].length);
    if (model.modes[j] === "B") arrows = Math.max(arrows, model.blocks[j].length);
  });
  return QUALITY_THRESHOLDS.tenTimesRuleFactor * arrows;
}

export interface WarningInputs {
  model: CompiledPlsModel;
  n: number;
  converged: boolean;
  iterations: number;
  reliability: Record<string, { ave: number; rhoC: number; alpha: number }>;
  htmt: Record<string, Record<string, number>>;
  fornellLarcker: Record<string, { satisfied: boolean; sqrtAve: number; maxCorrelation: number }>;
  standardizedOuterWeights: Record<string, Record<string, number>>;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function collectEstimateWarnings(inputs: WarningInputs): PlsWarning[] {
  const { model, n } = inputs;
  const t = QUALITY_THRESHOLDS;
  const warnings: PlsWarning[] = [];
  if (!inputs.converged) {
    warnings.push({
      code: "NOT_CONVERGED",
      severity: "warning",
      message: `PLS weights did not converge within ${inputs.iterations} iterations; results are not a solution of the PLS equations`,
      value: inputs.iterations,
    });
  }
  const minimum = minimumSampleSizeTenTimesRule(model);
  if (n < minimum) {
    warnings.push({
      code: "SAMPLE_BELOW_TEN_TIMES_RULE",
      severity: "warning",
      message: `n = ${n} is below the 10-times rule minimum of ${minimum} for this model`,
      value: n,
      threshold: minimum,
    });
  } else if (n < t.softMinimumSampleSize) {
    warnings.push({
      code: "SAMPLE_BELOW_100",
      severity: "notice",
      message: `n = ${n} is below 100; estimates and their intervals will be imprecise`,
      value: n,
      threshold: t.softMinimumSampleSize,
    });
  }
  model.constructs.forEach((construct, j) => {
    const reflectiveMultiItem = model.modes[j] === "A" && model.blocks[j].length > 1;
    const quality = inputs.reliability[construct];
    if (reflectiveMultiItem) {
      if (quality.ave < t.minimumAve) {
        warnings.push({
          code: "LOW_AVE",
          severity: "warning",
          message: `${construct}: AVE ${round(quality.ave)} < ${t.minimumAve} (the construct explains less than half of its items' variance)`,
          construct,
          value: quality.ave,
          threshold: t.minimumAve,
        });
      }
      if (quality.rhoC < t.minimumCompositeReliability) {
        warnings.push({
          code: "LOW_COMPOSITE_RELIABILITY",
          severity: "warning",
          message: `${construct}: composite reliability ${round(quality.rhoC)} < ${t.minimumCompositeReliability}`,
          construct,
          value: quality.rhoC,
          threshold: t.minimumCompositeReliability,
        });
      } else if (quality.rhoC > t.maximumCompositeReliability) {
        warnings.push({
          code: "HIGH_COMPOSITE_RELIABILITY",
          severity: "notice",
          message: `${construct}: composite reliability ${round(quality.rhoC)} > ${t.maximumCompositeReliability} (items may be near-duplicates)`,
          construct,
          value: quality.rhoC,
          threshold: t.maximumCompositeReliability,
        });
      }
      if (quality.alpha < t.minimumAlpha) {
        warnings.push({
          code: "LOW_CRONBACH_ALPHA",
          severity: "notice",
          message: `${construct}: Cronbach's alpha ${round(quality.alpha)} < ${t.minimumAlpha}`,
          construct,
          value: quality.alpha,
          threshold: t.minimumAlpha,
        });
      }
      const fl = inputs.fornellLarcker[construct];
      if (!fl.satisfied) {
        warnings.push({
          code: "FORNELL_LARCKER_VIOLATION",
          severity: "notice",
          message: `${construct}: √AVE ${round(fl.sqrtAve)} is not above its largest construct correlation ${round(fl.maxCorrelation)}`,
          construct,
          value: fl.sqrtAve,
          threshold: fl.maxCorrelation,
        });
      }
    }
    for (const [item, weight] of Object.entries(inputs.standardizedOuterWeights[construct])) {
      if (weight < 0) {
        warnings.push({
          code: "NEGATIVE_OUTER_WEIGHT",
          severity: "warning",
          message: `${construct}: item ${item} has a negative outer weight (${round(weight)}); the index falls back to equal weights`,
          construct,
          related: item,
          value: weight,
          threshold: 0,
        });
      }
    }
  });
  model.constructs.forEach((first, a) => {
    for (let b = a + 1; b < model.constructs.length; b++) {
      const second = model.constructs[b];
      const value = inputs.htmt[first][second];
      if (value > t.maximumHtmt) {
        warnings.push({
          code: "HIGH_HTMT",
          severity: "warning",
          message: `${first} / ${second}: HTMT ${round(value)} > ${t.maximumHtmt} (the two constructs may not be distinct)`,
          construct: first,
          related: second,
          value,
          threshold: t.maximumHtmt,
        });
      }
    }
  });
  return warnings;
}
