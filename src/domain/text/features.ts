/**
 * Hashed sparse features of a comment. Feature strings are hashed (FNV-1a, 32-bit) into a fixed
 * number of buckets, so a model needs no vocabulary: the weights file holds only the buckets that
 * training saw often enough, as numbers.
 *
 * Chinese: Han/alphanumeric character uni-, bi- and trigrams inside each clause (robust to
 * segmentation mistakes and to words the dictionary lacks), plus segmented words and word bigrams
 * with negation marks. English: words and word bigrams with negation marks, plus character 3- to
 * 5-grams inside words (misspellings such as "absolutel junk" still hit "absol" and "junk").
 */
import type { TextLanguage } from "./language";
import { NEGATED_PREFIX, normalizeText, splitClauses, wordsOf } from "./tokens";

/**
 * Prior word polarity (word → valence, about -4..4) that generalises beyond the few thousand
 * labelled English sentences: a word the training sentences never contain still counts through
 * its polarity band. Shipped inside the weights file with the model that learnt to use it.
 */
export type PolarityLexicon = ReadonlyMap<string, number>;

export const FEATURE_HASH_BITS = 20;

/** FNV-1a over UTF-16 code units; deterministic across Node and workerd. */
export function hashFeature(feature: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface FeatureVector {
  /** Distinct bucket ids, each present once (binary features). */
  buckets: Uint32Array;
}

const CHINESE_CHAR = /[\u3400-\u4dbf\u4e00-\u9fffa-z0-9]/u;

function addChineseFeatures(normalized: string, out: Set<string>): void {
  for (const clause of splitClauses(normalized)) {
    const chars = Array.from(clause).filter((ch) => CHINESE_CHAR.test(ch));
    for (let i = 0; i < chars.length; i++) {
      out.add("c" + chars[i]);
      if (i + 1 < chars.length) out.add("b" + chars[i] + chars[i + 1]);
      if (i + 2 < chars.length) out.add("t" + chars[i] + chars[i + 1] + chars[i + 2]);
    }
  }
  for (const words of wordsOf(normalized, "zh")) {
    for (let i = 0; i < words.length; i++) {
      out.add("w" + words[i]);
      if (i + 1 < words.length) out.add("p" + words[i] + " " + words[i + 1]);
    }
  }
}

/** Polarity band of a valence: sign and strength (weak < 2 ≤ strong). */
function polarityBand(valence: number): string {
  return (valence > 0 ? "+" : "-") + (Math.abs(valence) >= 2 ? "2" : "1");
}

function addEnglishFeatures(normalized: string, out: Set<string>, lexicon: PolarityLexicon | undefined): void {
  let total = 0;
  for (const words of wordsOf(normalized, "en")) {
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (lexicon) {
        const negated = word.startsWith(NEGATED_PREFIX);
        const valence = lexicon.get(negated ? word.slice(NEGATED_PREFIX.length) : word);
        if (valence !== undefined) {
          out.add("L" + (negated ? NEGATED_PREFIX : "") + polarityBand(valence));
          total += negated ? -valence / 2 : valence;
        }
      }
      out.add("w" + word);
      if (i + 1 < words.length) out.add("p" + word + " " + words[i + 1]);
      const padded = `<${word}>`;
      for (let n = 3; n <= 5; n++) for (let k = 0; k + n <= padded.length; k++) out.add("g" + padded.slice(k, k + n));
    }
  }
  if (lexicon && total !== 0) out.add("S" + polarityBand(total));
}

/** The hashed features of a text in the given language (its language decides the feature set). */
export function extractFeatures(
  text: string,
  language: TextLanguage,
  hashBits = FEATURE_HASH_BITS,
  lexicon?: PolarityLexicon,
): FeatureVector {
  const normalized = normalizeText(text);
  const strings = new Set<string>();
  if (language === "zh") addChineseFeatures(normalized, strings);
  else addEnglishFeatures(normalized, strings, lexicon);
  const mask = hashBits >= 32 ? 0xffffffff : (1 << hashBits) - 1;
  const buckets = new Set<number>();
  for (const feature of strings) buckets.add((hashFeature(language + feature) & mask) >>> 0);
  return { buckets: Uint32Array.from(buckets) };
}
