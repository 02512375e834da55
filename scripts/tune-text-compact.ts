/**
 * Model selection for a topic model in a larger hash space made to fit the weights budget by
 * zeroing its smallest quantised weights (rows left all zero are dropped): validation accuracy
 * (mean over parts 101…, carved from the training split, as tune-text.ts) and the gzip size of the
 * serialised model for each hash space × zeroing threshold. Never reads the held-out texts.
 *
 *   COMPACT_BITS=16,17,18 COMPACT_THRESHOLDS=0,1,2,3 TUNE_SEEDS=3 npx tsx scripts/tune-text-compact.ts
 */
import { gzipSync } from "node:zlib";
import { FEATURE_HASH_BITS, extractFeatures, type FeatureOptions, type FeatureVector } from "../src/domain/text/features";
import { createChineseDictionary } from "../src/domain/text/tokens";
import { deserializeLinearModel, labelProbabilities, serializeLinearModel, zeroSmallWeights } from "../src/domain/text/linear-model";
import { DEFAULT_TRAINING_OPTIONS, splitHeldOut, trainLinearModel } from "../src/domain/text/training";
import { loadReferenceSplits, readLexicon } from "./lib/text-data";
import { buildChineseWordList, DICTIONARY_WORDS, MODEL_SETTINGS } from "./train-text";

const splits = loadReferenceSplits();
const features: FeatureOptions = {
  hashBits: FEATURE_HASH_BITS,
  lexicon: readLexicon(),
  dictionary: createChineseDictionary(
    buildChineseWordList([...splits.sentimentZh.train, ...splits.sentimentZhExtra, ...splits.topicsZh.train].map((row) => row.text), DICTIONARY_WORDS),
  ),
};
const cache = new Map<string, FeatureVector>();
const full = (text: string) => {
  let vector = cache.get(text);
  if (!vector) cache.set(text, (vector = extractFeatures(text, "zh", features)));
  return vector;
};
const inSpace = (vector: FeatureVector, hashBits: number): FeatureVector => {
  const mask = (1 << hashBits) - 1;
  return { buckets: Uint32Array.from(new Set(Array.from(vector.buckets, (bucket) => bucket & mask))).sort() };
};

const bitsList = (process.env.COMPACT_BITS ?? "16,17,18").split(",").map(Number);
/** Zeroing threshold in quanta of the full 127-level scale, then the stored levels: "t" or "t/levels". */
const thresholds = (process.env.COMPACT_THRESHOLDS ?? "0,1,2,3").split(",").map((spec) => {
  const [zeroed, levels] = spec.split("/").map(Number);
  return { zeroed, levels: levels || 127, name: spec };
});
const seeds = Array.from({ length: Number(process.env.TUNE_SEEDS ?? 1) }, (_, i) => 101 + i);
const extra = JSON.parse(process.env.COMPACT_TRAINING ?? "{}");
const labels = [...new Set(splits.topicsZh.train.map((row) => row.label))].sort();

for (const hashBits of bitsList) {
  const sums = thresholds.map(() => ({ accuracy: 0, gzip: 0, buckets: 0 }));
  for (const seed of seeds) {
    const started = performance.now();
    const { train, heldOut: validation } = splitHeldOut(splits.topicsZh.train, 0.2, seed);
    const examples = train.map((row) => ({ features: inSpace(full(row.text), hashBits), label: row.label }));
    const model = trainLinearModel(examples, labels, "zh", hashBits, { ...DEFAULT_TRAINING_OPTIONS, ...MODEL_SETTINGS.topics.training, ...extra });
    thresholds.forEach((threshold, index) => {
      const serialized = serializeLinearModel(zeroSmallWeights(model, threshold.zeroed), threshold.levels);
      const shipped = deserializeLinearModel(serialized);
      let right = 0;
      for (const row of validation) {
        const p = labelProbabilities(shipped, inSpace(full(row.text), hashBits));
        if (labels[p.indexOf(Math.max(...p))] === row.label) right++;
      }
      sums[index].accuracy += right / validation.length / seeds.length;
      sums[index].gzip += gzipSync(JSON.stringify(serialized)).length / seeds.length;
      sums[index].buckets += shipped.table.buckets.length / seeds.length;
    });
    console.error(`2^${hashBits} part ${seed} trained and scored in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  thresholds.forEach((threshold, index) =>
    console.log(`topics 2^${hashBits} ${JSON.stringify(extra)} zero|levels ${threshold.name.padEnd(7)} validation ${sums[index].accuracy.toFixed(4)}  buckets ${sums[index].buckets.toFixed(0)}  gzip ${(sums[index].gzip / 1024).toFixed(0)} KiB`),
  );
}
