/** Public API of the statistics helpers: sufficient statistics, CSV, metrics, PRNG, linear algebra. */
export {
  ITEM_MOMENTS_FORMAT,
  addMatrixToMoments,
  addRowToMoments,
  cloneMoments,
  subtractMoments,
  computeItemStatistics,
  createEmptyMoments,
  mergeAllMoments,
  mergeMoments,
  momentsFromMatrix,
  parseMoments,
  serializeMoments,
  summarizeItem,
} from "./item-moments";
export type { ItemMoments, ItemStatistics, ItemSummary, MissingDataTreatment } from "./item-moments";
export { StatsInputError } from "./errors";
export type { StatsInputErrorCode } from "./errors";
export { responseMatrixFromRecords } from "./response-matrix";
export type { ItemValue, ResponseMatrix, ResponseRecord } from "./response-matrix";
export { csvToResponseMatrix, parseCsv } from "./csv";
export type { CsvTable } from "./csv";
export { countResponses, meanFromCounts, netPromoterScore, topBoxShare } from "./value-distribution";
export type { ValueCounts } from "./value-distribution";
export { createSeededRandom, createNormalSampler } from "./random";
export type { UniformRandom } from "./random";
export { holmAdjust } from "./multiple-testing";
