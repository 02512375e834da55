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

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a continued over more UTF-16 code units: fnvMore(fnvMore(h, a), b) = fnvMore(h, a + b). */
function fnvMore(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

/** FNV-1a over UTF-16 code units; deterministic across Node and workerd. */
export function hashFeature(feature: string): number {
  return fnvMore(FNV_OFFSET, feature) >>> 0;
}

export interface FeatureVector {
  /** Distinct bucket ids, each present once (binary features). */
  buckets: Uint32Array;
}

const CHINESE_CHAR = /[\u3400-\u4dbf\u4e00-\u9fffa-z0-9]/u;

/**
 * Collects the buckets of feature strings "<language><kind><parts…>" without building the strings
 * (scoring speed: a long review has hundreds of n-grams).
 */
class BucketSink {
  readonly buckets = new Set<number>();
  constructor(
    private readonly language: TextLanguage,
    private readonly mask: number,
  ) {}
  add(kind: string, ...parts: string[]): void {
    let hash = fnvMore(fnvMore(FNV_OFFSET, this.language), kind);
    for (const part of parts) hash = fnvMore(hash, part);
    this.buckets.add(((hash >>> 0) & this.mask) >>> 0);
  }
}

function addChineseFeatures(normalized: string, out: BucketSink): void {
  for (const clause of splitClauses(normalized)) {
    const chars = Array.from(clause).filter((ch) => CHINESE_CHAR.test(ch));
    for (let i = 0; i < chars.length; i++) {
      out.add("c", chars[i]);
      if (i + 1 < chars.length) out.add("b", chars[i], chars[i + 1]);
      if (i + 2 < chars.length) out.add("t", chars[i], chars[i + 1], chars[i + 2]);
    }
  }
  for (const words of wordsOf(normalized, "zh")) {
    for (let i = 0; i < words.length; i++) {
      out.add("w", words[i]);
      if (i + 1 < words.length) out.add("p", words[i], " ", words[i + 1]);
    }
  }
}

/** Polarity band of a valence: sign and strength (weak < 2 ≤ strong). */
function polarityBand(valence: number): string {
  return (valence > 0 ? "+" : "-") + (Math.abs(valence) >= 2 ? "2" : "1");
}

function addEnglishFeatures(normalized: string, out: BucketSink, lexicon: PolarityLexicon | undefined): void {
  let total = 0;
  for (const words of wordsOf(normalized, "en")) {
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (lexicon) {
        const negated = word.startsWith(NEGATED_PREFIX);
        const valence = lexicon.get(negated ? word.slice(NEGATED_PREFIX.length) : word);
        if (valence !== undefined) {
          out.add("L", negated ? NEGATED_PREFIX : "", polarityBand(valence));
          total += negated ? -valence / 2 : valence;
        }
      }
      out.add("w", word);
      if (i + 1 < words.length) out.add("p", word, " ", words[i + 1]);
      const padded = `<${word}>`;
      for (let n = 3; n <= 5; n++) for (let k = 0; k + n <= padded.length; k++) out.add("g", padded.slice(k, k + n));
    }
  }
  if (lexicon && total !== 0) out.add("S", polarityBand(total));
}

/** The hashed features of a text in the given language (its language decides the feature set). */
export function extractFeatures(
  text: string,
  language: TextLanguage,
  hashBits = FEATURE_HASH_BITS,
  lexicon?: PolarityLexicon,
): FeatureVector {
  const normalized = normalizeText(text);
  const sink = new BucketSink(language, hashBits >= 32 ? 0xffffffff : (1 << hashBits) - 1);
  if (language === "zh") addChineseFeatures(normalized, sink);
  else addEnglishFeatures(normalized, sink, lexicon);
  return { buckets: Uint32Array.from(sink.buckets) };
}
