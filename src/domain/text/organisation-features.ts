/**
 * The features the per-organisation complaint-category model learns from: the committed bundle's
 * hashed features of a text (same segmenter word list and lexicon as the shipped models), so an
 * organisation's corrections in either language are learnt over the same buckets.
 */
import bundleJson from "./model/text-model.json";
import { textFeatureOptions, type SerializedTextModelBundle } from "./engine";
import { extractFeatures, type FeatureOptions, type FeatureVector } from "./features";
import { detectLanguage } from "./language";

let options: FeatureOptions | undefined;

export function organisationFeatures(text: string): FeatureVector {
  const language = detectLanguage(text);
  if (!language) return { buckets: new Uint32Array(0) };
  options ??= textFeatureOptions(bundleJson as unknown as SerializedTextModelBundle);
  return extractFeatures(text, language, options);
}
