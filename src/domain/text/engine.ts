/**
 * The text engine: language, sentiment (with a score and a neutral band) and topic of one
 * comment, from a bundle of trained linear models (src/domain/text/model/, made by
 * `npm run train:text`). Pure: the same code scores in the Worker, in the CLI and in the bench.
 */
import { FeatureSink, addLengthFeatures, collectFeatureHashes, hashFeature, type FeatureOptions } from "./features";
import { detectLanguage, detectLanguageOfFolded, type TextLanguage } from "./language";
import { NEGATED_PREFIX, createChineseDictionary, normalizeText, wordsOf } from "./tokens";
import {
  ModelFormatError,
  type PackedModels,
  deserializeLinearModel,
  packSerializedModels,
  packedOutputs,
  serializeLinearModel,
  sigmoid,
  type LinearModel,
  type SerializedLinearModel,
} from "./linear-model";

export const TEXT_MODEL_BUNDLE_FORMAT = "feedloop-text-bundle/1";

export interface SerializedTextModelBundle {
  format: typeof TEXT_MODEL_BUNDLE_FORMAT;
  /** Changes whenever the weights change; stored next to every score so a re-score can find stale ones. */
  version: string;
  sentiment: Record<TextLanguage, SerializedLinearModel>;
  /**
   * Per language, optional: a model of the text's domain (e.g. takeaway / hotel / shopping review)
   * whose most probable label picks the domain copy of every feature that language's sentiment
   * model reads (domain-augmented features, `distinctBucketsWithCopies`; the label's index is the domain).
   */
  sentimentDomains?: Partial<Record<TextLanguage, SerializedLinearModel>>;
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

/** The topic model, stored or trained in-process, and how to pack it after some stored models. */
interface TopicSource {
  labels: string[];
  language: TextLanguage | "mixed";
  hashBits: number;
  /** Its length features (read after the sentiment model's: only the topic model reads them). */
  lengthThresholds?: readonly number[];
  outputs: number;
  pack(before: SerializedLinearModel[]): PackedModels;
}

interface LanguageScorer {
  packed: PackedModels;
  /** The domain model whose choice augments the sentiment model's features, if it reads them. */
  domains: PackedModels | null;
  /** The topic model's outputs follow the sentiment model's in `packed`. */
  topicsTogether: boolean;
  /** The topic model on its own (another hash space than this language's sentiment model). */
  topicsApart: PackedModels | null;
}

/** The index (from `from`) of the first of the largest of values[from, from + count). */
function indexOfLargest(values: ArrayLike<number>, from: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[from + k] > values[from + best]) best = k;
  return best;
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
  // Packed straight from the JSON (no per-model float weights or bucket index): the first
  // scoring request of a Worker isolate pays this.
  const sentiment = { zh: bundle.sentiment?.zh, en: bundle.sentiment?.en };
  for (const model of Object.values(sentiment)) {
    if (model?.labels?.[0] !== "negative" || model.labels[1] !== "positive" || model.labels.length !== 2) {
      throw new ModelFormatError('a sentiment model must have the labels ["negative", "positive"]');
    }
  }
  // Scoring adds length features for the topic model only (after the sentiment models have read the text's features).
  for (const model of [...Object.values(sentiment), ...Object.values(bundle.sentimentDomains ?? {})]) {
    if (model?.lengthThresholds) throw new ModelFormatError("only a topic model can read length features (lengthThresholds)");
  }
  const topicSource: TopicSource | null = options.topicModel
    ? { ...options.topicModel, pack: (others) => packSerializedModels([...others, options.topicModel!]) }
    : bundle.topics
      ? { ...bundle.topics, outputs: bundle.topics.labels.length === 2 ? 1 : bundle.topics.labels.length, pack: (others) => packSerializedModels([...others, bundle.topics!]) }
      : null;
  const topics = topicSource;
  const featureOptions = textFeatureOptions(bundle);

  // Per language, the sentiment model and (when it covers the language and hashes alike) the topic
  // model packed together: one table lookup per feature serves both. Models in other hash spaces
  // (the committed ones: small spaces whose dense tables stay in cache) are packed apart.
  let topicPackedAlone: PackedModels | null = null;
  const scorers = Object.fromEntries(
    (["zh", "en"] as const).map((language) => {
      const topicApplies = topicSource !== null && (topicSource.language === "mixed" || topicSource.language === language);
      const domainModel = bundle.sentimentDomains?.[language];
      // A sentiment model reading domain copies is packed alone: the topic model reads the plain
      // features. So is a topic model reading length features, which the sentiment model does not.
      const together = topicApplies && !domainModel && !topicSource.lengthThresholds && topicSource.hashBits === sentiment[language].hashBits;
      const scorer: LanguageScorer = {
        domains: domainModel ? packSerializedModels([domainModel]) : null,
        packed: together ? topicSource.pack([sentiment[language]]) : packSerializedModels([sentiment[language]]),
        topicsTogether: together,
        topicsApart: topicApplies && !together ? (topicPackedAlone ??= topicSource.pack([])) : null,
      };
      return [language, scorer];
    }),
  ) as Record<TextLanguage, LanguageScorer>;
  const sink = new FeatureSink();
  const logits = new Float64Array(
    Math.max(...Object.values(scorers).map((scorer) => Math.max(scorer.packed.outputs, scorer.domains?.outputs ?? 0)), 1 + (topicSource?.outputs ?? 0)),
  );

  /** The most probable topic from the topic model's logits (from `from` on) and its probability. */
  const topicOf = (from: number): { topic: string; topicConfidence: number } => {
    const labels = topics!.labels;
    if (topics!.outputs === 1) {
      // Two labels: one logit, of labels[1] (a tie goes to labels[0], as labelProbabilities' argmax).
      const second = sigmoid(logits[from]);
      return second > 1 - second ? { topic: labels[1], topicConfidence: round2(second) } : { topic: labels[0], topicConfidence: round2(1 - second) };
    }
    const best = indexOfLargest(logits, from, labels.length);
    let total = 0;
    for (let k = 0; k < labels.length; k++) total += Math.exp(logits[from + k] - logits[from + best]);
    return { topic: labels[best], topicConfidence: round2(1 / total) };
  };

  return {
    // Another topic model is another model: scores stored under the bundle's version must not match.
    version: options.topicModel ? `${bundle.version}+${modelVersionOf(serializeLinearModel(options.topicModel))}` : bundle.version,
    topicLabels: topics?.labels ?? [],
    analyze(text) {
      const normalized = normalizeText(text);
      const language = detectLanguageOfFolded(normalized);
      if (!language) return { language, sentiment: "neutral", score: 0, topic: null, topicConfidence: null };
      const scorer = scorers[language];
      collectFeatureHashes(normalized, language, featureOptions, sink);
      if (scorer.domains) {
        packedOutputs(scorer.domains, sink.distinctBuckets(scorer.domains.hashBits), logits);
        const domain = scorer.domains.outputs === 1 ? (logits[0] > 0 ? 1 : 0) : indexOfLargest(logits, 0, scorer.domains.outputs);
        packedOutputs(scorer.packed, sink.distinctBucketsWithCopies(scorer.packed.hashBits, domain), logits);
      } else {
        packedOutputs(scorer.packed, sink.distinctBuckets(scorer.packed.hashBits), logits);
      }
      const score = round2(2 * sigmoid(logits[0]) - 1);
      let topic: { topic: string; topicConfidence: number } | null = null;
      if (scorer.topicsTogether) {
        topic = topicOf(scorer.packed.offsets[1]);
      } else if (scorer.topicsApart) {
        // The same feature hashes (and the text's length features if it reads them), in the topic model's hash space.
        if (topics!.lengthThresholds) addLengthFeatures(normalized.length, language, topics!.lengthThresholds, sink);
        packedOutputs(scorer.topicsApart, sink.distinctBuckets(scorer.topicsApart.hashBits), logits, 1);
        topic = topicOf(1);
      }
      return {
        language,
        sentiment: sentimentOfScore(score, bundle.neutralBand),
        score,
        topic: topic?.topic ?? null,
        topicConfidence: topic?.topicConfidence ?? null,
      };
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
