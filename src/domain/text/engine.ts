/**
 * The text engine: language, sentiment (with a score and a neutral band) and topic of one
 * comment, from a bundle of trained linear models (src/domain/text/model/, made by
 * `npm run train:text`). Pure: the same code scores in the Worker, in the CLI and in the bench.
 */
import { extractFeatures, hashFeature, type FeatureOptions } from "./features";
import { detectLanguage, type TextLanguage } from "./language";
import { NEGATED_PREFIX, createChineseDictionary, normalizeText, wordsOf } from "./tokens";
import {
  ModelFormatError,
  deserializeLinearModel,
  labelProbabilities,
  serializeLinearModel,
  type LinearModel,
  type SerializedLinearModel,
} from "./linear-model";

export const TEXT_MODEL_BUNDLE_FORMAT = "feedloop-text-bundle/1";

export interface SerializedTextModelBundle {
  format: typeof TEXT_MODEL_BUNDLE_FORMAT;
  /** Changes whenever the weights change; stored next to every score so a re-score can find stale ones. */
  version: string;
  sentiment: Record<TextLanguage, SerializedLinearModel>;
  topics: SerializedLinearModel | null;
  /** English prior polarity, [word, valence] (a feature of the English sentiment model). */
  lexicon: Array<[string, number]>;
  /** The Chinese segmenter's word list, space-separated. */
  chineseWords: string;
  // Every model reads the same features of a text (the lexicon adds English polarity bands), so a
  // topic model trained elsewhere (the CLI's --train) must extract them with this lexicon too.
  /** |score| below this is "neutral": the model is not sure enough to call it either way. */
  neutralBand: number;
}

export type SentimentLabel = "positive" | "negative" | "neutral";

export interface TextAnalysis {
  language: TextLanguage | null;
  sentiment: SentimentLabel;
  /** 2·P(positive) − 1, in [−1, 1], two decimals. */
  score: number;
  topic: string | null;
  /** The topic's probability under the topic model, two decimals; null without a topic. */
  topicConfidence: number | null;
}

export interface TextEngine {
  version: string;
  topicLabels: readonly string[];
  analyze(text: string): TextAnalysis;
  /** Content words of a text for keyword lists: no negated or one-character words, no English stop words. */
  keywords(text: string): string[];
}

const ENGLISH_STOP_WORDS = new Set(
  "the and for are but not you your was were this that with have has had they them their there what when which who will would could should been being from into than then its it's our out very just all any can about also more most some such only other over".split(" "),
);

/** A short stable version for weights that have none of their own (e.g. a topic model trained by the CLI). */
export function modelVersionOf(serialized: unknown): string {
  return hashFeature(JSON.stringify(serialized)).toString(16).padStart(8, "0");
}

/** The feature settings a bundle's models were trained with (lexicon, segmenter dictionary). */
export function textFeatureOptions(bundle: Pick<SerializedTextModelBundle, "lexicon" | "chineseWords">): FeatureOptions {
  return {
    lexicon: new Map(bundle.lexicon),
    dictionary: createChineseDictionary(bundle.chineseWords.split(" ").filter((word) => word.length > 0)),
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100 + 0;

export function sentimentOfScore(score: number, neutralBand: number): SentimentLabel {
  if (score >= neutralBand) return "positive";
  if (score <= -neutralBand) return "negative";
  return "neutral";
}

export function createTextEngine(bundle: SerializedTextModelBundle, options: { topicModel?: LinearModel } = {}): TextEngine {
  if (bundle?.format !== TEXT_MODEL_BUNDLE_FORMAT) {
    throw new ModelFormatError(`not a ${TEXT_MODEL_BUNDLE_FORMAT} weights file (format: ${String(bundle?.format)})`);
  }
  const sentiment = { zh: deserializeLinearModel(bundle.sentiment.zh), en: deserializeLinearModel(bundle.sentiment.en) };
  const topics = options.topicModel ?? (bundle.topics ? deserializeLinearModel(bundle.topics) : null);
  const featureOptions = textFeatureOptions(bundle);
  for (const model of Object.values(sentiment)) {
    if (model.labels[0] !== "negative" || model.labels[1] !== "positive") {
      throw new ModelFormatError('a sentiment model must have the labels ["negative", "positive"]');
    }
  }

  return {
    // Another topic model is another model: scores stored under the bundle's version must not match.
    version: options.topicModel ? `${bundle.version}+${modelVersionOf(serializeLinearModel(options.topicModel))}` : bundle.version,
    topicLabels: topics?.labels ?? [],
    analyze(text) {
      const language = detectLanguage(text);
      if (!language) return { language, sentiment: "neutral", score: 0, topic: null, topicConfidence: null };
      const model = sentiment[language];
      // One extraction serves both models when they hash alike (the committed ones do).
      const features = extractFeatures(text, language, { ...featureOptions, hashBits: model.hashBits });
      const [, positive] = labelProbabilities(model, features);
      const score = round2(2 * positive - 1);
      let topic: string | null = null;
      let topicConfidence: number | null = null;
      if (topics && (topics.language === "mixed" || topics.language === language)) {
        const topicFeatures = topics.hashBits === model.hashBits ? features : extractFeatures(text, language, { ...featureOptions, hashBits: topics.hashBits });
        const probabilities = labelProbabilities(topics, topicFeatures);
        const best = probabilities.indexOf(Math.max(...probabilities));
        topic = topics.labels[best];
        topicConfidence = round2(probabilities[best]);
      }
      return { language, sentiment: sentimentOfScore(score, bundle.neutralBand), score, topic, topicConfidence };
    },
    keywords(text) {
      const language = detectLanguage(text);
      if (!language) return [];
      return wordsOf(normalizeText(text), language, featureOptions.dictionary)
        .flat()
        .filter((word) => !word.startsWith(NEGATED_PREFIX) && (language === "zh" ? word.length >= 2 : word.length >= 3 && !ENGLISH_STOP_WORDS.has(word)));
    },
  };
}
