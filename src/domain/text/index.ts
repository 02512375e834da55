/** Public API of the text engine: language, segmentation, negation, sentiment and topics. */
export { detectLanguage, type TextLanguage } from "./language";
export {
  createChineseDictionary,
  markNegation,
  normalizeText,
  segmentChinese,
  segmentChineseByDictionary,
  splitClauses,
  tokenizeEnglish,
  wordsOf,
  NEGATED_PREFIX,
  type ChineseDictionary,
} from "./tokens";
export {
  domainAugmented,
  domainBucket,
  extractFeatures,
  geometricLengthThresholds,
  hashFeature,
  FEATURE_HASH_BITS,
  type FeatureOptions,
  type FeatureVector,
  type PolarityLexicon,
} from "./features";
export {
  ModelFormatError,
  deserializeLinearModel,
  labelProbabilities,
  pruneLinearModel,
  serializeLinearModel,
  withLengthThresholds,
  zeroSmallWeights,
  type LinearModel,
  type SerializedLinearModel,
} from "./linear-model";
export {
  DEFAULT_TRAINING_OPTIONS,
  TrainingDataError,
  splitHeldOut,
  trainLinearModel,
  type LabelledText,
  type LinearTrainingOptions,
} from "./training";
export {
  TEXT_MODEL_BUNDLE_FORMAT,
  createTextEngine,
  modelVersionOf,
  textFeatureOptions,
  sentimentOfScore,
  type SentimentLabel,
  type SerializedTextModelBundle,
  type TextAnalysis,
  type TextEngine,
} from "./engine";
export { defaultTextEngine } from "./default-engine";
export {
  DEFAULT_ONLINE_OPTIONS,
  ORGANISATION_MODEL_FORMAT,
  emptyOrganisationModel,
  learnFromCorrection,
  parseOrganisationModel,
  suggestCategory,
  type CategorySuggestion,
  type OnlineLearningOptions,
  type OrganisationTextModel,
} from "./organisation-model";
export {
  DEFAULT_OPEN_ANSWERS_OPTIONS,
  summariseOpenAnswers,
  type OpenAnswersOptions,
  type OpenAnswersSummary,
  type RepresentativeComment,
  type ScoredComment,
  type TopicSummary,
} from "./open-answers";
