/**
 * Normalisation, word segmentation and negation marking for Chinese and English comments.
 *
 * Chinese has no spaces: words come from `Intl.Segmenter` (ICU's dictionary segmenter, built
 * into Node and workerd, so nothing is added to the bundle). Negation flips the meaning of the
 * few words after it ("不太满意", "not bad"): those words are marked so the model learns separate
 * weights for "满意" and "negated 满意" (the Das & Chen scheme), and the scope ends at a clause
 * boundary or after a few words.
 */
import type { TextLanguage } from "./language";

/** Full-width forms folded to ASCII (NFKC), lower case, runs of white space collapsed. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Clause boundaries in both languages: negation scope and character n-grams stop here. */
const CLAUSE_BREAK = /[,.;:!?，。；：！？、…~～()（）【】\[\]"“”\n]+|\s-\s|\bbut\b|但是|但|可是|不过|然而/u;

/** A text cut into clauses at punctuation and contrast words, empty pieces dropped. */
export function splitClauses(normalized: string): string[] {
  return normalized
    .split(new RegExp(CLAUSE_BREAK.source, "gu"))
    .map((clause) => clause.trim())
    .filter((clause) => clause.length > 0);
}

let chineseSegmenter: Intl.Segmenter | null | undefined;

function segmenter(): Intl.Segmenter | null {
  // Constructing a segmenter loads ICU data: once per isolate, not per comment.
  if (chineseSegmenter === undefined) {
    chineseSegmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh-CN", { granularity: "word" }) : null;
  }
  return chineseSegmenter;
}

/**
 * Chinese words of one clause (punctuation and spaces dropped). Without `Intl.Segmenter` (an
 * ICU-less runtime) each Han character is a word, which the character n-grams make up for.
 */
export function segmentChinese(clause: string): string[] {
  const words: string[] = [];
  const icu = segmenter();
  if (icu) {
    for (const piece of icu.segment(clause)) if (piece.isWordLike) words.push(piece.segment);
  } else {
    for (const match of clause.matchAll(/[a-z0-9]+|[^\s\p{P}\p{S}]/gu)) words.push(match[0]);
  }
  return words;
}

/**
 * The word list of the dictionary segmenter: the words ICU finds in the training texts, kept
 * with the weights. Scoring segments by forward maximum matching against it, which is about ten
 * times faster than an ICU pass in V8 and gives the same words in Node and workerd whatever
 * their ICU versions.
 */
export interface ChineseDictionary {
  words: ReadonlySet<string>;
  maxLength: number;
}

export function createChineseDictionary(words: Iterable<string>): ChineseDictionary {
  const all = new Set<string>();
  // The negators and contrast words must come out whole for negation and clause marking.
  for (const word of [...words, ...CHINESE_NEGATORS, ...CONTRAST_WORDS]) if (word.length >= 2) all.add(word);
  let maxLength = 1;
  for (const word of all) maxLength = Math.max(maxLength, word.length);
  return { words: all, maxLength };
}

/** Han (CJK unified ideographs and extension A), by code unit. */
export function isHanCode(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
}

/** Lower-case ASCII letter or digit, by code unit (the text is normalised first). */
export function isAlphanumericCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/**
 * Forward maximum matching: at each Han character take the longest dictionary word starting
 * there, else the single character; runs of Latin letters and digits are one word each.
 */
export function segmentChineseByDictionary(clause: string, dictionary: ChineseDictionary): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < clause.length) {
    const code = clause.charCodeAt(i);
    if (isAlphanumericCode(code)) {
      let end = i + 1;
      while (end < clause.length && isAlphanumericCode(clause.charCodeAt(end))) end++;
      words.push(clause.slice(i, end));
      i = end;
    } else if (isHanCode(code)) {
      let length = Math.min(dictionary.maxLength, clause.length - i);
      while (length > 1 && !dictionary.words.has(clause.slice(i, i + length))) length--;
      words.push(clause.slice(i, i + length));
      i += length;
    } else {
      i++;
    }
  }
  return words;
}

/** English words of one clause, "n't" split off as "not" so negation sees it. */
export function tokenizeEnglish(clause: string): string[] {
  const expanded = clause
    .replace(/\bcan't\b|\bcannot\b/g, "can not")
    .replace(/\bwon't\b/g, "will not")
    .replace(/n't\b/g, " not");
  return expanded.match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

export const CHINESE_NEGATORS: ReadonlySet<string> = new Set([
  "不", "没", "没有", "无", "未", "别", "非", "勿", "莫", "不太", "不是", "不够", "不怎么", "不算", "不大", "不很",
  "并不", "并没有", "毫不", "绝不", "从不", "从没", "从来不", "不再", "不会", "不能", "不要", "不用", "不必",
  "不甚", "没什么", "不怎么样", "一点也不", "一点都不", "都不", "也不", "还不", "并非",
]);
const ENGLISH_NEGATORS = new Set([
  "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "hardly", "barely", "scarcely",
  "without", "lack", "lacks", "lacking",
]);
/** The contrast words of CLAUSE_BREAK, for the segmenters. */
const CONTRAST_WORDS = new Set(["但是", "但", "可是", "不过", "然而"]);

/** How many words after a negator it reaches when no clause boundary comes first. */
const NEGATION_SCOPE = { zh: 3, en: 4 } as const;
export const NEGATED_PREFIX = "¬";

export function isNegator(word: string, language: TextLanguage): boolean {
  return language === "zh" ? CHINESE_NEGATORS.has(word) : ENGLISH_NEGATORS.has(word);
}

/**
 * The words of one clause with the words in a negator's scope prefixed by NEGATED_PREFIX. A
 * second negator inside a scope cancels it ("not un-" is rare in reviews; "不是不好" is "not bad").
 */
export function markNegation(words: readonly string[], language: TextLanguage): string[] {
  const marked: string[] = [];
  let remaining = 0;
  for (const word of words) {
    if (isNegator(word, language)) {
      remaining = remaining > 0 ? 0 : NEGATION_SCOPE[language];
      marked.push(word);
      continue;
    }
    if (remaining > 0) {
      marked.push(NEGATED_PREFIX + word);
      remaining--;
    } else {
      marked.push(word);
    }
  }
  return marked;
}


/**
 * Chinese words of a whole text, cut into clauses at punctuation and contrast words. One
 * segmenter pass over the text: ICU's per-call cost dominates on short clauses.
 */
function chineseClauseWords(normalized: string): string[][] {
  const icu = segmenter();
  if (!icu) return splitClauses(normalized).map(segmentChinese);
  const clauses: string[][] = [];
  let current: string[] = [];
  const close = () => {
    if (current.length > 0) clauses.push(current);
    current = [];
  };
  for (const piece of icu.segment(normalized)) {
    if (!piece.isWordLike) {
      if (piece.segment.trim().length > 0) close();
    } else if (CONTRAST_WORDS.has(piece.segment)) {
      close();
    } else {
      current.push(piece.segment);
    }
  }
  close();
  return clauses;
}

/**
 * The words of a normalised text, clause by clause, negation marked. Chinese uses the dictionary
 * segmenter when given one, else ICU.
 */
export function wordsOf(normalized: string, language: TextLanguage, dictionary?: ChineseDictionary): string[][] {
  if (language === "zh" && !dictionary) return chineseClauseWords(normalized).map((words) => markNegation(words, language));
  return wordsOfClauses(splitClauses(normalized), language, dictionary);
}

/** wordsOf for clauses already split (the dictionary segmenter and English). */
export function wordsOfClauses(clauses: readonly string[], language: TextLanguage, dictionary?: ChineseDictionary): string[][] {
  return clauses.map((clause) =>
    markNegation(
      language === "en" ? tokenizeEnglish(clause) : dictionary ? segmentChineseByDictionary(clause, dictionary) : segmentChinese(clause),
      language,
    ),
  );
}
