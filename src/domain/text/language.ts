/**
 * Language detection between Simplified Chinese and English for short customer texts. Two
 * languages only, so counting scripts is enough and beats any statistical detector on 5-word
 * comments: Han characters against Latin words (one Chinese word is about 1.5 characters, so a
 * comment is Chinese when it has at least as many Han characters as Latin words).
 */
import { isHanCode } from "./tokens";

export type TextLanguage = "zh" | "en";

const isLatinLetterCode = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);

/** "zh" or "en"; null when the text has neither Han characters nor Latin letters. */
export function detectLanguage(text: string): TextLanguage | null {
  // NFKC folds full-width Latin ("ＧＯＯＤ") to ASCII letters.
  return detectLanguageOfFolded(text.normalize("NFKC"));
}

/** detectLanguage of a text already NFKC-folded (e.g. by normalizeText): scoring folds once. */
export function detectLanguageOfFolded(folded: string): TextLanguage | null {
  let han = 0;
  let latinWords = 0;
  let inLatinWord = false;
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    if (isHanCode(code)) han++;
    const latin = isLatinLetterCode(code);
    // An apostrophe inside a word ("wasn't") does not start a new one.
    if (latin && !inLatinWord) latinWords++;
    inLatinWord = latin || (inLatinWord && code === 0x27);
  }
  if (han === 0 && latinWords === 0) return null;
  return han >= latinWords ? "zh" : "en";
}
