/**
 * train:text: fit the text engine's models from data/text/ and write
 * src/domain/text/model/text-model.json. Deterministic: fixed split seed, fixed training seeds,
 * no clock or Math.random, so the same data gives byte-identical weights.
 *
 *   npm run train:text [-- --out <file>]
 *
 * Models (hyperparameters chosen on a validation part carved out of the training split, never on
 * the held-out texts the bench reports):
 * - Chinese sentiment: NB-scaled logistic regression on the takeaway/hotel training split plus the
 *   shopping reviews' sentiment labels, over domain-augmented features (each feature also hashed
 *   with the review's domain: takeaway, hotel or shopping, predicted at scoring time by a small
 *   softmax model); buckets in ≥ 3 texts, the 150,000 strongest kept.
 * - English sentiment: NB-scaled logistic regression on the Amazon/Yelp/IMDb training split with
 *   VADER lexicon polarity features; every bucket kept (the set is small).
 * - Chinese topics: softmax regression over the ten shopping categories in a 2¹⁸ hash space, every
 *   bucket kept, stored at 11 levels one base64 digit per weight (within the 1 MiB gzip budget),
 *   reading the text's length features too (thresholds 1.3× apart, fixed before any run).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { TEXT_MODEL_BUNDLE_FORMAT, modelVersionOf, type SerializedTextModelBundle } from "../src/domain/text/engine";
import { FEATURE_HASH_BITS, domainAugmented, extractFeatures, geometricLengthThresholds, type FeatureOptions } from "../src/domain/text/features";
import { createChineseDictionary, normalizeText, segmentChinese, splitClauses } from "../src/domain/text/tokens";
import type { TextLanguage } from "../src/domain/text/language";
import { pruneLinearModel, serializeLinearModel, withLengthThresholds, zeroSmallWeights, type LinearModel, type SerializedLinearModel } from "../src/domain/text/linear-model";
import { DEFAULT_TRAINING_OPTIONS, trainLinearModel, type LabelledText, type LinearTrainingOptions } from "../src/domain/text/training";
import { loadReferenceSplits, readLexicon, sentimentDomainOf } from "./lib/text-data";

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL("../src/domain/text/model/text-model.json", import.meta.url));
const SENTIMENT_LABELS = ["negative", "positive"];
const NEUTRAL_BAND = 0.2;

/** Size of the segmenter's word list: the most frequent multi-character words ICU finds. */
export const DICTIONARY_WORDS = 20_000;

/** The words ICU finds in the Chinese training texts (2–4 Han characters, most frequent first). */
export function buildChineseWordList(texts: readonly string[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const clause of splitClauses(normalizeText(text))) {
      for (const word of segmentChinese(clause)) {
        if (word.length >= 2 && word.length <= 4 && /^[\u3400-\u4dbf\u4e00-\u9fff]+$/u.test(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()]
    .filter(([, count]) => count >= 3)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, size)
    .map(([word]) => word)
    .sort();
}

/** Training settings of one model, chosen with scripts/tune-text.ts on validation parts of the training split. */
export interface ModelSetting {
  training: Partial<LinearTrainingOptions>;
  /** Keep only this many strongest buckets (weights size and scoring speed). */
  maxBuckets?: number;
  /** The model's hash space (default FEATURE_HASH_BITS): a small one scores from a dense table that stays in cache. */
  hashBits?: number;
  /** Largest stored weight magnitude (default 127): fewer levels, smaller gzip (serializeLinearModel). */
  quantumLevels?: number;
  /** Zero weights of at most this many 127-level quanta and drop buckets left empty (zeroSmallWeights). */
  zeroQuanta?: number;
  /**
   * Chinese sentiment only: read domain-augmented features (each bucket also as its copy for the
   * text's domain, takeaway / hotel / shopping), the domain predicted by the sentimentDomainsZh model.
   */
  domainAugmented?: boolean;
  /**
   * Also read the text's length features at these thresholds (addLengthFeatures); the model records
   * them. Topic models only: the engine refuses a sentiment model that reads them.
   */
  lengthThresholds?: number[];
}

/** A fitted model as it is stored: small weights zeroed, quantised to the setting's levels. */
export function storedModel(model: LinearModel, setting: ModelSetting): SerializedLinearModel {
  return serializeLinearModel(zeroSmallWeights(model, setting.zeroQuanta ?? 0), setting.quantumLevels);
}

export const MODEL_SETTINGS: Record<"sentimentZh" | "sentimentDomainsZh" | "sentimentEn" | "topics", ModelSetting> = {
  sentimentZh: { training: { naiveBayesScaling: true, epochs: 6, learningRate: 0.1, minDocumentFrequency: 3 }, maxBuckets: 150_000, domainAugmented: true },
  /** The domain of a Chinese sentiment text (takeaway / hotel / shopping review), trained on the sentiment texts' sources. */
  sentimentDomainsZh: { training: { epochs: 10, learningRate: 0.2, minDocumentFrequency: 2 }, hashBits: 16, quantumLevels: 11, maxBuckets: 20_000 },
  sentimentEn: { training: { naiveBayesScaling: true, epochs: 5, minDocumentFrequency: 1 }, hashBits: 16 },
  topics: {
    training: { epochs: 20, learningRate: 0.2, minDocumentFrequency: 1, averageLastEpochs: 10 },
    hashBits: 18,
    quantumLevels: 11,
    // Lengths 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 35, … 485 (ninth pass, docs/text-analytics.md).
    lengthThresholds: geometricLengthThresholds(1.3, 600),
  },
};

function fit(
  rows: readonly LabelledText[],
  labels: readonly string[],
  language: TextLanguage,
  setting: ModelSetting,
  features: FeatureOptions,
  /** The text's domain, for a model reading domain-augmented features. */
  domainIndexOf?: (row: LabelledText) => number,
): LinearModel {
  const hashBits = setting.hashBits ?? FEATURE_HASH_BITS;
  const { lengthThresholds } = setting;
  const examples = rows.map((row) => {
    const vector = extractFeatures(row.text, language, { ...features, hashBits, lengthThresholds });
    return { features: domainIndexOf ? domainAugmented(vector, domainIndexOf(row), hashBits) : vector, label: row.label };
  });
  const model = withLengthThresholds(trainLinearModel(examples, labels, language, hashBits, { ...DEFAULT_TRAINING_OPTIONS, ...setting.training }), lengthThresholds);
  return setting.maxBuckets ? pruneLinearModel(model, setting.maxBuckets) : model;
}

export function trainTextModels(): SerializedTextModelBundle {
  const splits = loadReferenceSplits();
  const lexicon = readLexicon();
  const chineseWords = buildChineseWordList(
    [...splits.sentimentZh.train, ...splits.sentimentZhExtra, ...splits.topicsZh.train].map((row) => row.text),
    DICTIONARY_WORDS,
  );
  const features: FeatureOptions = { hashBits: FEATURE_HASH_BITS, lexicon, dictionary: createChineseDictionary(chineseWords) };

  const sentimentRowsZh = [...splits.sentimentZh.train, ...splits.sentimentZhExtra];
  let sentimentZh: LinearModel;
  let sentimentDomainsZh: LinearModel | null = null;
  if (MODEL_SETTINGS.sentimentZh.domainAugmented) {
    // The domain is known for training texts (their source) and predicted by its model at scoring time.
    const topicOfText = new Map(splits.topicsZh.train.map((row) => [row.text, row.label]));
    const domainRows = sentimentRowsZh.map((row) => ({ ...row, label: sentimentDomainOf(row, topicOfText) }));
    const domainLabels = [...new Set(domainRows.map((row) => row.label))].sort();
    sentimentDomainsZh = fit(domainRows, domainLabels, "zh", MODEL_SETTINGS.sentimentDomainsZh, features);
    sentimentZh = fit(sentimentRowsZh, SENTIMENT_LABELS, "zh", MODEL_SETTINGS.sentimentZh, features, (row) =>
      domainLabels.indexOf(sentimentDomainOf(row, topicOfText)),
    );
  } else {
    sentimentZh = fit(sentimentRowsZh, SENTIMENT_LABELS, "zh", MODEL_SETTINGS.sentimentZh, features);
  }
  const sentimentEn = fit(splits.sentimentEn.train, SENTIMENT_LABELS, "en", MODEL_SETTINGS.sentimentEn, features);
  const topicLabels = [...new Set(splits.topicsZh.train.map((row) => row.label))].sort();
  const topics = fit(splits.topicsZh.train, topicLabels, "zh", MODEL_SETTINGS.topics, features);

  const models = {
    sentiment: { zh: storedModel(sentimentZh, MODEL_SETTINGS.sentimentZh), en: storedModel(sentimentEn, MODEL_SETTINGS.sentimentEn) },
    ...(sentimentDomainsZh ? { sentimentDomains: { zh: storedModel(sentimentDomainsZh, MODEL_SETTINGS.sentimentDomainsZh) } } : {}),
    topics: storedModel(topics, MODEL_SETTINGS.topics),
    lexicon: [...lexicon],
    chineseWords: chineseWords.join(" "),
    neutralBand: NEUTRAL_BAND,
  };
  return { format: TEXT_MODEL_BUNDLE_FORMAT, version: `text-${modelVersionOf(models)}`, ...models };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outIndex = process.argv.indexOf("--out");
  const out = outIndex > 0 ? process.argv[outIndex + 1] : DEFAULT_MODEL_PATH;
  const started = performance.now();
  const bundle = trainTextModels();
  const json = JSON.stringify(bundle);
  writeFileSync(out, json + "\n");
  console.log(`wrote ${out}: version ${bundle.version}, ${(json.length / 1024).toFixed(0)} KiB, ` +
    `${(gzipSync(json).length / 1024).toFixed(0)} KiB gzip, trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
