/** Public API of the PLS path-modeling engine (pure functions, no I/O). */
export { compilePlsModel, PlsModelError } from "./model";
export type { CompiledPlsModel, MeasurementMode, PlsModelIssue, PlsModelIssueCode, PlsModelSpec } from "./model";
export {
  DEFAULT_PLS_OPTIONS,
  estimatePlsFromCorrelation,
  estimatePlsFromMoments,
  estimatePlsPath,
} from "./estimate";
export type { CorrelationInput } from "./estimate";
export type {
  ConstructEffect,
  ConstructReliability,
  ConvergenceCriterion,
  FornellLarckerCheck,
  InnerWeightingScheme,
  ItemScaling,
  PlsEstimate,
  PlsEstimationOptions,
  PlsPathResult,
  WeightsByConstruct,
} from "./types";
export { computeAcsiIndices, computeRespondentIndices } from "./acsi-index";
export type { AcsiIndexOptions, AcsiIndexResult, ConstructIndex, ScaleBounds } from "./acsi-index";
export { bootstrapPlsPath } from "./bootstrap";
export type { BootstrapInterval, BootstrapOptions, BootstrapResult, EffectInterval } from "./bootstrap";
export { analyzeDrivers } from "./drivers";
export type { DriverAnalysis, DriverAnalysisOptions, DriverEntry, DriverQuadrant } from "./drivers";
export { QUALITY_THRESHOLDS, minimumSampleSizeTenTimesRule } from "./warnings";
export type { PlsWarning, PlsWarningCode, PlsWarningSeverity } from "./warnings";
export { computeIpma } from "./ipma";
export type { IpmaConstructEntry, IpmaIndicatorEntry, IpmaOptions, IpmaResult } from "./ipma";
export {
  isPermutationTestDone,
  permutationTestPlsPath,
  preparePermutationTest,
  runPermutationChunk,
  startPermutationTest,
  summarizePermutationTest,
} from "./permutation";
export type {
  MicomConstructResult,
  PermutationContext,
  PermutationTestOptions,
  PermutationTestResult,
  PermutationTestState,
  SegmentDifference,
} from "./permutation";
export { assignFolds, judgePredictivePower, plsPredict } from "./predict";
export type { IndicatorPrediction, PlsPredictOptions, PlsPredictResult, PredictionErrors, PredictivePower } from "./predict";
