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
import {
  NEGATED_PREFIX,
  isAlphanumericCode,
  isHanCode,
  normalizeText,
  splitClauses,
  wordsOf,
  wordsOfClauses,
  type ChineseDictionary,
} from "./tokens";

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

/** The kinds of feature; each is a prefix of the hashed string. */
const KINDS = ["c", "b", "t", "w", "p", "g", "L", "S"] as const;
type FeatureKind = (typeof KINDS)[number];

/** FNV state after "<language><kind>" for every kind: each feature continues from its prefix. */
const PREFIX_STATES: Record<TextLanguage, Record<FeatureKind, number>> = {
  zh: Object.fromEntries(KINDS.map((kind) => [kind, fnvMore(FNV_OFFSET, "zh" + kind)])) as Record<FeatureKind, number>,
  en: Object.fromEntries(KINDS.map((kind) => [kind, fnvMore(FNV_OFFSET, "en" + kind)])) as Record<FeatureKind, number>,
};

/**
 * Collects the buckets of feature strings "<language><kind><parts…>" without building the strings
 * (scoring speed: a long review has hundreds of n-grams).
 */
class BucketSink {
  private readonly found: number[] = [];
  private readonly prefixes: Record<FeatureKind, number>;
  constructor(
    language: TextLanguage,
    private readonly mask: number,
  ) {
    this.prefixes = PREFIX_STATES[language];
  }
  add(kind: FeatureKind, a: string, b?: string, c?: string, d?: string): void {
    let hash = fnvMore(this.prefixes[kind], a);
    if (b !== undefined) hash = fnvMore(hash, b);
    if (c !== undefined) hash = fnvMore(hash, c);
    if (d !== undefined) hash = fnvMore(hash, d);
    this.found.push((hash & this.mask) >>> 0);
  }
  /** Distinct buckets, ascending (sorting a few hundred numbers beats a Set per feature). */
  distinct(): Uint32Array {
    const sorted = Uint32Array.from(this.found).sort();
    let size = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[size++] = sorted[i];
    return sorted.slice(0, size);
  }
}

function addChineseFeatures(normalized: string, out: BucketSink, dictionary: ChineseDictionary | undefined): void {
  const clauses = splitClauses(normalized);
  for (const clause of clauses) {
    const chars: string[] = [];
    for (let i = 0; i < clause.length; i++) {
      const code = clause.charCodeAt(i);
      if (isHanCode(code) || isAlphanumericCode(code)) chars.push(clause[i]);
    }
    for (let i = 0; i < chars.length; i++) {
      out.add("c", chars[i]);
      if (i + 1 < chars.length) out.add("b", chars[i], chars[i + 1]);
      if (i + 2 < chars.length) out.add("t", chars[i], chars[i + 1], chars[i + 2]);
    }
  }
  const clauseWords = dictionary ? wordsOfClauses(clauses, "zh", dictionary) : wordsOf(normalized, "zh");
  for (const words of clauseWords) {
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
      const negated = word.startsWith(NEGATED_PREFIX);
      if (lexicon) {
        const valence = lexicon.get(negated ? word.slice(NEGATED_PREFIX.length) : word);
        if (valence !== undefined) {
          out.add("L", negated ? NEGATED_PREFIX : "", polarityBand(valence));
          total += negated ? -valence / 2 : valence;
        }
      }
      out.add("w", word);
      if (i + 1 < words.length) out.add("p", word, " ", words[i + 1]);
      // A negated word's character n-grams are negated too: "not bad" must not score through "bad>".
      const padded = `<${negated ? word.slice(NEGATED_PREFIX.length) : word}>`;
      const mark = negated ? NEGATED_PREFIX : "";
      for (let n = 3; n <= 5; n++) for (let k = 0; k + n <= padded.length; k++) out.add("g", mark, padded.slice(k, k + n));
    }
  }
  if (lexicon && total !== 0) out.add("S", polarityBand(total));
}

/** The hashed features of a text in the given language (its language decides the feature set). */
export interface FeatureOptions {
  hashBits?: number;
  /** English polarity bands (the committed English sentiment model reads them). */
  lexicon?: PolarityLexicon;
  /** Chinese words by dictionary matching; without it, ICU's segmenter. */
  dictionary?: ChineseDictionary;
}

export function extractFeatures(text: string, language: TextLanguage, options: FeatureOptions = {}): FeatureVector {
  const normalized = normalizeText(text);
  const hashBits = options.hashBits ?? FEATURE_HASH_BITS;
  const sink = new BucketSink(language, hashBits >= 32 ? 0xffffffff : (1 << hashBits) - 1);
  if (language === "zh") addChineseFeatures(normalized, sink, options.dictionary);
  else addEnglishFeatures(normalized, sink, options.lexicon);
  return { buckets: sink.distinct() };
}
