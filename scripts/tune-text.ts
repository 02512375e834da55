/**
 * tune:text: model selection for `npm run train:text` on VALIDATION parts carved out of the
 * training split (never the held-out texts the bench reports). Prints validation accuracy and the
 * kept buckets of each candidate setting; the chosen settings are written into train-text.ts by hand.
 *
 *   npx tsx scripts/tune-text.ts [zh|en|topics]...
 *
 * Chinese tasks: one validation part (20 %, seed 101), or the mean over TUNE_SEEDS parts (seeds
 * 101, 102, …) to tell small differences from the noise of one part. English (1,900 training sentences): the mean
 * over five validation parts (seeds 101–105), one part being too noisy to choose by.
 */
import { gzipSync } from "node:zlib";
import { FEATURE_HASH_BITS, extractFeatures, type FeatureOptions, type FeatureVector } from "../src/domain/text/features";
import { createChineseDictionary } from "../src/domain/text/tokens";
import type { TextLanguage } from "../src/domain/text/language";
import { deserializeLinearModel, labelProbabilities, pruneLinearModel } from "../src/domain/text/linear-model";
import { DEFAULT_TRAINING_OPTIONS, splitHeldOut, trainLinearModel, type LabelledText, type LinearTrainingOptions } from "../src/domain/text/training";
import { loadReferenceSplits, readLexicon } from "./lib/text-data";
import { buildChineseWordList, DICTIONARY_WORDS, MODEL_SETTINGS, storedModel, type ModelSetting } from "./train-text";

interface Candidate {
  name: string;
  setting: ModelSetting;
}

const splits = loadReferenceSplits();
const lexicon = readLexicon();
/** Hash space of the cached features (TUNE_FEATURE_BITS, default FEATURE_HASH_BITS): candidates may use it or smaller ones. */
const FEATURE_BITS = Number(process.env.TUNE_FEATURE_BITS ?? FEATURE_HASH_BITS);
const features: FeatureOptions = {
  hashBits: FEATURE_BITS,
  lexicon,
  // The word list from the training texts only (as train-text builds it): validation texts are among them,
  // which only affects segmentation, not labels.
  dictionary: createChineseDictionary(
    buildChineseWordList([...splits.sentimentZh.train, ...splits.sentimentZhExtra, ...splits.topicsZh.train].map((row) => row.text), Number(process.env.TUNE_WORDS ?? DICTIONARY_WORDS)),
  ),
};

const featureCache = new Map<string, FeatureVector>();
function featuresOf(text: string, language: TextLanguage): FeatureVector {
  const key = language + text;
  let vector = featureCache.get(key);
  if (!vector) featureCache.set(key, (vector = extractFeatures(text, language, features)));
  return vector;
}

/** Features in a smaller hash space: the low bits of the same hashes, de-duplicated. */
function inSpace(vector: FeatureVector, hashBits: number): FeatureVector {
  if (hashBits === FEATURE_BITS) return vector;
  if (hashBits > FEATURE_BITS) throw new Error(`a ${hashBits}-bit candidate needs TUNE_FEATURE_BITS=${hashBits}`);
  const mask = (1 << hashBits) - 1;
  return { buckets: Uint32Array.from(new Set(Array.from(vector.buckets, (bucket) => bucket & mask))).sort() };
}

function validate(train: readonly LabelledText[], validation: readonly LabelledText[], labels: readonly string[], language: TextLanguage, setting: ModelSetting) {
  const hashBits = setting.hashBits ?? FEATURE_HASH_BITS;
  const examples = train.map((row) => ({ features: inSpace(featuresOf(row.text, language), hashBits), label: row.label }));
  const options: LinearTrainingOptions = { ...DEFAULT_TRAINING_OPTIONS, ...setting.training };
  let model = trainLinearModel(examples, labels, language, hashBits, options);
  if (setting.maxBuckets) model = pruneLinearModel(model, setting.maxBuckets);
  // Scored as shipped: quantised to signed bytes.
  const stored = storedModel(model, setting);
  const shipped = deserializeLinearModel(stored);
  let right = 0;
  for (const row of validation) {
    const probabilities = labelProbabilities(shipped, inSpace(featuresOf(row.text, language), hashBits));
    if (labels[probabilities.indexOf(Math.max(...probabilities))] === row.label) right++;
  }
  return { accuracy: right / validation.length, buckets: shipped.table.buckets.length, gzipKiB: gzipSync(JSON.stringify(stored)).length / 1024 };
}

interface Validation {
  accuracy: number;
  buckets: number;
  /** The stored model's JSON, gzip (of the first part's model). */
  gzipKiB: number;
}

function report(task: string, candidates: Candidate[], run: (setting: ModelSetting) => Validation) {
  for (const candidate of candidates) {
    const started = performance.now();
    const { accuracy, buckets, gzipKiB } = run(candidate.setting);
    console.log(`${task.padEnd(8)} ${candidate.name.padEnd(28)} validation ${accuracy.toFixed(4)}  buckets ${buckets}  ${gzipKiB.toFixed(0)} KiB gzip  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

type Change = Partial<LinearTrainingOptions> & Omit<ModelSetting, "training">;
const variants = (base: ModelSetting, changes: Record<string, Change>): Candidate[] => [
  ...(process.env.SKIP_CHOSEN ? [] : [{ name: "chosen", setting: base }]),
  ...Object.entries(changes).map(([name, { maxBuckets, hashBits, quantumLevels, zeroQuanta, ...training }]) => ({
    name,
    setting: {
      training: { ...base.training, ...training },
      maxBuckets: maxBuckets === undefined ? base.maxBuckets : maxBuckets || undefined,
      hashBits: hashBits ?? base.hashBits,
      quantumLevels: quantumLevels ?? base.quantumLevels,
      zeroQuanta: zeroQuanta ?? base.zeroQuanta,
    },
  })),
];

const tasks = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["zh", "topics", "en"];
const SENTIMENT = ["negative", "positive"];

/** Validation seeds of the Chinese tasks: one part by default (seed 101); TUNE_SEEDS=3 averages parts 101–103. */
const zhSeeds = Array.from({ length: Number(process.env.TUNE_SEEDS ?? 1) }, (_, i) => 101 + i);
const meanOver = (results: Validation[]): Validation => ({ ...results[0], accuracy: results.reduce((sum, result) => sum + result.accuracy, 0) / results.length });

if (tasks.includes("zh")) {
  const parts = zhSeeds.map((seed) => {
    const { train, heldOut: validation } = splitHeldOut(splits.sentimentZh.train, 0.2, seed);
    const validationTexts = new Set(validation.map((row) => row.text));
    return { trainRows: [...train, ...splits.sentimentZhExtra.filter((row) => !validationTexts.has(row.text))], validation };
  });
  report("zh", variants(MODEL_SETTINGS.sentimentZh, JSON.parse(process.env.ZH_VARIANTS ?? "{}")), (setting) =>
    meanOver(parts.map(({ trainRows, validation }) => validate(trainRows, validation, SENTIMENT, "zh", setting))),
  );
}
if (tasks.includes("topics")) {
  const parts = zhSeeds.map((seed) => splitHeldOut(splits.topicsZh.train, 0.2, seed));
  const labels = [...new Set(splits.topicsZh.train.map((row) => row.label))].sort();
  report("topics", variants(MODEL_SETTINGS.topics, JSON.parse(process.env.TOPIC_VARIANTS ?? "{}")), (setting) =>
    meanOver(parts.map(({ train, heldOut }) => validate(train, heldOut, labels, "zh", setting))),
  );
}
if (tasks.includes("en")) {
  const parts = [101, 102, 103, 104, 105].map((seed) => splitHeldOut(splits.sentimentEn.train, 0.2, seed));
  report("en", variants(MODEL_SETTINGS.sentimentEn, JSON.parse(process.env.EN_VARIANTS ?? "{}")), (setting) =>
    meanOver(parts.map(({ train, heldOut }) => validate(train, heldOut, SENTIMENT, "en", setting))),
  );
}
