/**
 * Hashed sparse features of a comment. Feature strings are hashed (FNV-1a, 32-bit) into a fixed
 * number of buckets, so a model needs no vocabulary: the weights file holds only the buckets that
 * training saw often enough, as numbers.
 *
 * Chinese: Han/alphanumeric character uni-, bi- and trigrams inside each clause (robust to
 * segmentation mistakes and to words the dictionary lacks), plus segmented words and word bigrams
 * with negation marks. English: words and word bigrams with negation marks, plus character 3- to
 * 5-grams inside words (misspellings such as "absolutel junk" still hit "absol" and "junk").
 *
 * Speed (1,000 comments must score in well under 50 ms in workerd): a feature is the FNV hash of
 * "<language><kind><parts…>", computed code unit by code unit straight from the text — no feature
 * strings, no n-gram or word substrings — into one reused buffer.
 */
import type { TextLanguage } from "./language";
import {
  CHINESE_NEGATORS,
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
const FNV_PRIME = 0x01000193;

/** One FNV-1a step over one UTF-16 code unit. */
const fnvStep = (hash: number, code: number) => Math.imul(hash ^ code, FNV_PRIME);

/** FNV-1a continued over more UTF-16 code units: fnvMore(fnvMore(h, a), b) = fnvMore(h, a + b). */
function fnvMore(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return hash;
}

/** FNV-1a continued over text[start, end). */
function fnvRange(hash: number, text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) hash = fnvStep(hash, text.charCodeAt(i));
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
const KINDS = ["c", "b", "t", "w", "p", "g", "L", "S", "n"] as const;
type FeatureKind = (typeof KINDS)[number];

/** FNV state after "<language><kind>" for every kind: each feature continues from its prefix. */
const PREFIX_STATES: Record<TextLanguage, Record<FeatureKind, number>> = {
  zh: Object.fromEntries(KINDS.map((kind) => [kind, fnvMore(FNV_OFFSET, "zh" + kind)])) as Record<FeatureKind, number>,
  en: Object.fromEntries(KINDS.map((kind) => [kind, fnvMore(FNV_OFFSET, "en" + kind)])) as Record<FeatureKind, number>,
};

const NEGATED_CODE = NEGATED_PREFIX.charCodeAt(0);
const SPACE_CODE = 0x20;

/**
 * Raw 32-bit feature hashes of one text, in buffers reused from text to text (scoring allocates
 * nothing per feature). `distinctBuckets` masks and de-duplicates them through a small hash set
 * that stays in cache (sorting them cost more than the rest of the extraction).
 */
export class FeatureSink {
  hashes = new Uint32Array(1024);
  count = 0;
  private distinct = new Uint32Array(1024);
  private setKeys = new Uint32Array(2048);
  private setStamps = new Uint32Array(2048);
  private stamp = 0;
  reset(): void {
    this.count = 0;
  }
  push(hash: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash;
  }
  /** The distinct buckets of the pushed hashes in first-seen order: a view of a buffer valid until the next call. */
  distinctBuckets(hashBits: number): Uint32Array {
    return this.distinctOf(hashBits, -1);
  }
  /**
   * distinctBuckets followed by each one's copy for `domain` (domainBucket), the copies
   * de-duplicated against the buckets and each other: the features of a domain-augmented model.
   */
  distinctBucketsWithCopies(hashBits: number, domain: number): Uint32Array {
    return this.distinctOf(hashBits, domain);
  }
  private distinctOf(hashBits: number, copyDomain: number): Uint32Array {
    const mask = hashBits >= 32 ? 0xffffffff : (1 << hashBits) - 1;
    const capacity = copyDomain < 0 ? this.count : this.count * 2;
    if (this.setKeys.length < capacity * 2) {
      let size = this.setKeys.length;
      while (size < capacity * 2) size *= 2;
      this.setKeys = new Uint32Array(size);
      this.setStamps = new Uint32Array(size);
      this.distinct = new Uint32Array(size);
    }
    if (++this.stamp === 0xffffffff) {
      this.setStamps.fill(0);
      this.stamp = 1;
    }
    const { setKeys, setStamps, stamp, distinct, hashes } = this;
    // A bucket is the low bits of a hash: its own low bits spread evenly over the set's slots.
    let setMask = 255;
    while (setMask + 1 < capacity * 2) setMask = setMask * 2 + 1;
    let size = 0;
    // Adds a bucket to the set unless it is there (open addressing; a slot is taken in this call when its stamp is current).
    const addDistinct = (bucket: number) => {
      let slot = bucket & setMask;
      while (setStamps[slot] === stamp && setKeys[slot] !== bucket) slot = (slot + 1) & setMask;
      if (setStamps[slot] === stamp) return;
      setStamps[slot] = stamp;
      setKeys[slot] = bucket;
      distinct[size++] = bucket;
    };
    for (let i = 0; i < this.count; i++) addDistinct((hashes[i] & mask) >>> 0);
    if (copyDomain >= 0) {
      const domainMix = Math.imul(copyDomain + 1, DOMAIN_MIX);
      for (let i = 0, buckets = size; i < buckets; i++) addDistinct((domainCopyHash(distinct[i], domainMix) & mask) >>> 0);
    }
    return distinct.subarray(0, size);
  }
}

const DOMAIN_MIX = 0x9e3779b1;

/** murmur3's finaliser over a bucket and a mixed domain index (see domainBucket). */
function domainCopyHash(bucket: number, domainMix: number): number {
  let h = Math.imul(bucket ^ domainMix, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

// Chinese ------------------------------------------------------------------------------------

/**
 * A dictionary compiled for matching without substrings: an open-addressing table of the FNV
 * hashes of every word and every prefix of a word (two characters or more), each entry checked
 * against its code units. Forward maximum matching walks the prefixes character by character and
 * stops at the first that no word has, so most positions cost one probe.
 */
interface CompiledDictionary {
  /** Per slot: the entry's FNV hash, then its index (-1 when empty). */
  slots: Int32Array;
  mask: number;
  entryStart: Int32Array;
  entryLength: Uint8Array;
  /** 1 for a word, 2 for a negator word, 0 for a prefix only. */
  entryKind: Uint8Array;
  codes: Uint16Array;
  maxLength: number;
  /** Bit (hash & 0xffff) set for the hash of every two-character entry: most positions stop here, in cache. */
  pairBits: Uint32Array;
}

const compiledDictionaries = new WeakMap<ChineseDictionary, CompiledDictionary>();

function compileDictionary(dictionary: ChineseDictionary): CompiledDictionary {
  const cached = compiledDictionaries.get(dictionary);
  if (cached) return cached;
  const kinds = new Map<string, number>();
  let maxLength = 1;
  for (const word of dictionary.words) {
    if (word.length < 2 || word.length > 255) continue;
    maxLength = Math.max(maxLength, word.length);
    for (let length = 2; length < word.length; length++) if (!kinds.has(word.slice(0, length))) kinds.set(word.slice(0, length), 0);
    kinds.set(word, CHINESE_NEGATORS.has(word) ? 2 : 1);
  }
  const entries = [...kinds.keys()];
  let slots = 1;
  while (slots < entries.length * 2) slots *= 2;
  const compiled: CompiledDictionary = {
    slots: new Int32Array(slots * 2).fill(-1),
    mask: slots - 1,
    entryStart: new Int32Array(entries.length),
    entryLength: new Uint8Array(entries.length),
    entryKind: new Uint8Array(entries.length),
    codes: new Uint16Array(entries.reduce((total, entry) => total + entry.length, 0)),
    maxLength,
    pairBits: new Uint32Array(2048),
  };
  let offset = 0;
  entries.forEach((entry, index) => {
    compiled.entryStart[index] = offset;
    compiled.entryLength[index] = entry.length;
    compiled.entryKind[index] = kinds.get(entry)!;
    for (let i = 0; i < entry.length; i++) compiled.codes[offset++] = entry.charCodeAt(i);
    const hash = fnvMore(FNV_OFFSET, entry);
    if (entry.length === 2) compiled.pairBits[(hash & 0xffff) >>> 5] |= 1 << (hash & 31);
    let slot = hash & compiled.mask;
    while (compiled.slots[slot * 2 + 1] >= 0) slot = (slot + 1) & compiled.mask;
    compiled.slots[slot * 2] = hash;
    compiled.slots[slot * 2 + 1] = index;
  });
  compiledDictionaries.set(dictionary, compiled);
  return compiled;
}

/** The entry (word or prefix) text[start, start + length) with this FNV hash, or -1. */
function findEntry(dictionary: CompiledDictionary, text: string, start: number, length: number, hash: number): number {
  const { slots, mask, entryLength, entryStart, codes } = dictionary;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot * 2 + 1];
    if (entry < 0) return -1;
    if (slots[slot * 2] !== hash || entryLength[entry] !== length) continue;
    const at = entryStart[entry];
    let same = true;
    for (let i = 0; i < length && same; i++) same = codes[at + i] === text.charCodeAt(start + i);
    if (same) return entry;
  }
}

const SINGLE_CHARACTER_NEGATORS = new Set([...CHINESE_NEGATORS].filter((word) => word.length === 1).map((word) => word.charCodeAt(0)));
const NEGATION_SCOPE_ZH = 3;

/** Words of one clause as [start, end) ranges with negation marks, reused between clauses. */
let wordStarts = new Int32Array(1024);
let wordEnds = new Int32Array(1024);
let wordNegated = new Uint8Array(1024);

/**
 * Forward maximum matching (as segmentChineseByDictionary) and negation marking (as markNegation)
 * of one clause, as ranges; returns the number of words.
 */
function segmentClauseRanges(clause: string, dictionary: CompiledDictionary): number {
  if (clause.length > wordStarts.length) {
    wordStarts = new Int32Array(clause.length);
    wordEnds = new Int32Array(clause.length);
    wordNegated = new Uint8Array(clause.length);
  }
  let count = 0;
  let remaining = 0;
  let i = 0;
  while (i < clause.length) {
    const code = clause.charCodeAt(i);
    let end: number;
    let negator = false;
    if (isAlphanumericCode(code)) {
      end = i + 1;
      while (end < clause.length && isAlphanumericCode(clause.charCodeAt(end))) end++;
    } else if (isHanCode(code)) {
      end = i + 1;
      negator = SINGLE_CHARACTER_NEGATORS.has(code);
      let hash = fnvStep(FNV_OFFSET, code);
      const longest = Math.min(dictionary.maxLength, clause.length - i);
      for (let length = 2; length <= longest; length++) {
        hash = fnvStep(hash, clause.charCodeAt(i + length - 1));
        if (length === 2 && (dictionary.pairBits[(hash & 0xffff) >>> 5] & (1 << (hash & 31))) === 0) break;
        const entry = findEntry(dictionary, clause, i, length, hash);
        if (entry < 0) break;
        if (dictionary.entryKind[entry] > 0) {
          end = i + length;
          negator = dictionary.entryKind[entry] === 2;
        }
      }
    } else {
      i++;
      continue;
    }
    wordStarts[count] = i;
    wordEnds[count] = end;
    if (negator) {
      remaining = remaining > 0 ? 0 : NEGATION_SCOPE_ZH;
      wordNegated[count] = 0;
    } else if (remaining > 0) {
      wordNegated[count] = 1;
      remaining--;
    } else {
      wordNegated[count] = 0;
    }
    count++;
    i = end;
  }
  return count;
}

/** FNV continued over a marked word ("¬" + word when negated). */
function fnvWord(hash: number, clause: string, word: number): number {
  if (wordNegated[word] === 1) hash = fnvStep(hash, NEGATED_CODE);
  return fnvRange(hash, clause, wordStarts[word], wordEnds[word]);
}

function addChineseFeatures(normalized: string, out: FeatureSink, dictionary: ChineseDictionary | undefined): void {
  const prefixes = PREFIX_STATES.zh;
  const clauses = splitClauses(normalized);
  for (const clause of clauses) {
    // The two previous Han/alphanumeric code units (n-grams skip spaces and symbols inside a clause).
    let first = -1;
    let second = -1;
    for (let i = 0; i < clause.length; i++) {
      const code = clause.charCodeAt(i);
      if (!isHanCode(code) && !isAlphanumericCode(code)) continue;
      out.push(fnvStep(prefixes.c, code));
      if (second >= 0) out.push(fnvStep(fnvStep(prefixes.b, second), code));
      if (first >= 0) out.push(fnvStep(fnvStep(fnvStep(prefixes.t, first), second), code));
      first = second;
      second = code;
    }
  }
  if (dictionary) {
    const compiled = compileDictionary(dictionary);
    for (const clause of clauses) {
      const count = segmentClauseRanges(clause, compiled);
      for (let word = 0; word < count; word++) {
        out.push(fnvWord(prefixes.w, clause, word));
        if (word + 1 < count) out.push(fnvWord(fnvStep(fnvWord(prefixes.p, clause, word), SPACE_CODE), clause, word + 1));
      }
    }
    return;
  }
  // ICU's segmenter (no word list): strings, as it yields them.
  for (const words of wordsOf(normalized, "zh")) {
    for (let i = 0; i < words.length; i++) {
      out.push(fnvMore(prefixes.w, words[i]));
      if (i + 1 < words.length) out.push(fnvMore(fnvStep(fnvMore(prefixes.p, words[i]), SPACE_CODE), words[i + 1]));
    }
  }
}

// English ------------------------------------------------------------------------------------

/** Polarity band of a valence: sign and strength (weak < 2 ≤ strong). */
function polarityBand(valence: number): string {
  return (valence > 0 ? "+" : "-") + (Math.abs(valence) >= 2 ? "2" : "1");
}

const OPEN_CODE = "<".charCodeAt(0);
const CLOSE_CODE = ">".charCodeAt(0);

function addEnglishFeatures(normalized: string, out: FeatureSink, lexicon: PolarityLexicon | undefined): void {
  const prefixes = PREFIX_STATES.en;
  let total = 0;
  for (const words of wordsOfClauses(splitClauses(normalized), "en")) {
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      const negated = word.charCodeAt(0) === NEGATED_CODE;
      if (lexicon) {
        const valence = lexicon.get(negated ? word.slice(NEGATED_PREFIX.length) : word);
        if (valence !== undefined) {
          out.push(fnvMore(fnvMore(prefixes.L, negated ? NEGATED_PREFIX : ""), polarityBand(valence)));
          total += negated ? -valence / 2 : valence;
        }
      }
      out.push(fnvMore(prefixes.w, word));
      if (i + 1 < words.length) out.push(fnvMore(fnvStep(fnvMore(prefixes.p, word), SPACE_CODE), words[i + 1]));
      // Character n-grams of "<word>"; a negated word's are negated too ("not bad" must not score through "bad>").
      const start = negated ? NEGATED_PREFIX.length : 0;
      const paddedLength = word.length - start + 2;
      const base = negated ? fnvStep(prefixes.g, NEGATED_CODE) : prefixes.g;
      for (let k = 0; k + 3 <= paddedLength; k++) {
        let hash = base;
        for (let n = 1; n <= 5 && k + n <= paddedLength; n++) {
          const at = k + n - 1;
          hash = fnvStep(hash, at === 0 ? OPEN_CODE : at === paddedLength - 1 ? CLOSE_CODE : word.charCodeAt(start + at - 1));
          if (n >= 3) out.push(hash);
        }
      }
    }
  }
  if (lexicon && total !== 0) out.push(fnvMore(prefixes.S, polarityBand(total)));
}

/**
 * Length features: one "length ≥ k" feature for every threshold k the normalised text reaches
 * (thermometer coding, so a linear model can weigh a step at any of them). Only models trained
 * with them read them (`lengthThresholds` of a model): the ten-topic model, whose categories'
 * comments differ in length (docs/text-analytics.md, ninth pass).
 */
export function addLengthFeatures(normalizedLength: number, language: TextLanguage, thresholds: readonly number[], out: FeatureSink): void {
  const prefix = PREFIX_STATES[language].n;
  for (const threshold of thresholds) if (normalizedLength >= threshold) out.push(fnvStep(prefix, threshold));
}

/**
 * Thresholds a ratio apart from 2 up to `max` (each at least one above the last): a scale fixed
 * before looking at any text, fine where lengths are short and coarse where they are long.
 */
export function geometricLengthThresholds(ratio: number, max: number): number[] {
  const thresholds: number[] = [];
  for (let length = 2; length <= max; length = Math.max(length + 1, Math.round(length * ratio))) thresholds.push(length);
  return thresholds;
}

/** Length thresholds are UTF-16 code-unit counts hashed as one code unit: 1–65535, ascending. */
export function checkLengthThresholds(thresholds: readonly number[]): boolean {
  return thresholds.every((threshold, index) => Number.isInteger(threshold) && threshold >= 1 && threshold <= 0xffff && (index === 0 || threshold > thresholds[index - 1]));
}

/** The hashed features of a text in the given language (its language decides the feature set). */
export interface FeatureOptions {
  hashBits?: number;
  /** English polarity bands (the committed English sentiment model reads them). */
  lexicon?: PolarityLexicon;
  /** Chinese words by dictionary matching; without it, ICU's segmenter. */
  dictionary?: ChineseDictionary;
  /** Also the length features at these thresholds (addLengthFeatures), for a model that reads them. */
  lengthThresholds?: readonly number[];
}

/** The raw feature hashes of an already normalised text into `out` (after a reset). */
export function collectFeatureHashes(normalized: string, language: TextLanguage, options: FeatureOptions, out: FeatureSink): void {
  out.reset();
  if (language === "zh") addChineseFeatures(normalized, out, options.dictionary);
  else addEnglishFeatures(normalized, out, options.lexicon);
  if (options.lengthThresholds) addLengthFeatures(normalized.length, language, options.lengthThresholds, out);
}

const sharedSink = new FeatureSink();

/**
 * A bucket's copy for one domain (domain-augmented features, Daumé III 2007: each feature once as
 * itself and once per domain, so a model learns what holds everywhere and what holds in one kind
 * of review): murmur3's finaliser over the bucket and the domain's index, in a `hashBits` space.
 */
export function domainBucket(bucket: number, domain: number, hashBits: number): number {
  return (domainCopyHash(bucket, Math.imul(domain + 1, DOMAIN_MIX)) & ((2 ** hashBits - 1) >>> 0)) >>> 0;
}

/** A feature vector (distinct buckets) with their copies for `domain`, as training reads it; scoring uses distinctBucketsWithCopies. */
export function domainAugmented(vector: FeatureVector, domain: number, hashBits: number): FeatureVector {
  sharedSink.reset();
  for (const bucket of vector.buckets) sharedSink.push(bucket);
  return { buckets: sharedSink.distinctBucketsWithCopies(hashBits, domain).slice().sort() };
}

export function extractFeatures(text: string, language: TextLanguage, options: FeatureOptions = {}): FeatureVector {
  collectFeatureHashes(normalizeText(text), language, options, sharedSink);
  return { buckets: sharedSink.distinctBuckets(options.hashBits ?? FEATURE_HASH_BITS).slice().sort() };
}
