/**
 * Language detection between Simplified Chinese and English for short customer texts. Two
 * languages only, so counting scripts is enough and beats any statistical detector on 5-word
 * comments: Han characters against Latin words (one Chinese word is about 1.5 characters, so a
 * comment is Chinese when it has at least as many Han characters as Latin words).
 */
export type TextLanguage = "zh" | "en";

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const LATIN_WORD = /[A-Za-z]+(?:'[A-Za-z]+)?/g;

/** "zh" or "en"; null when the text has neither Han characters nor Latin letters. */
export function detectLanguage(text: string): TextLanguage | null {
  // NFKC folds full-width Latin ("ＧＯＯＤ") to ASCII letters.
  text = text.normalize("NFKC");
  const han = text.match(HAN)?.length ?? 0;
  const latinWords = text.match(LATIN_WORD)?.length ?? 0;
  if (han === 0 && latinWords === 0) return null;
  return han >= latinWords ? "zh" : "en";
}
