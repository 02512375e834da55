/**
 * The baseline of the text bench: plain multinomial naive Bayes with add-one smoothing over
 * character uni+bigrams (Chinese) or word uni+bigrams (English), as the shared reference README
 * describes its floor. Deliberately without negation marks, trigrams or any tuning.
 */
import type { TextLanguage } from "../../src/domain/text/language";

export function naiveBayesTokens(text: string, language: TextLanguage): string[] {
  const lower = text.toLowerCase();
  const units = language === "zh" ? Array.from(lower.replace(/\s+/g, "")) : (lower.match(/[a-z0-9']+/g) ?? []);
  const tokens = [...units];
  for (let i = 0; i + 1 < units.length; i++) tokens.push(units[i] + (language === "zh" ? "" : " ") + units[i + 1]);
  return tokens;
}

export interface NaiveBayesModel {
  labels: string[];
  logPrior: number[];
  logLikelihood: Array<Map<string, number>>;
  logUnseen: number[];
  language: TextLanguage;
}

export function trainNaiveBayes(rows: ReadonlyArray<{ text: string; label: string }>, language: TextLanguage): NaiveBayesModel {
  const labels = [...new Set(rows.map((row) => row.label))].sort();
  const counts = labels.map(() => new Map<string, number>());
  const totals = labels.map(() => 0);
  const documents = labels.map(() => 0);
  const vocabulary = new Set<string>();
  for (const row of rows) {
    const k = labels.indexOf(row.label);
    documents[k]++;
    for (const token of naiveBayesTokens(row.text, language)) {
      counts[k].set(token, (counts[k].get(token) ?? 0) + 1);
      totals[k]++;
      vocabulary.add(token);
    }
  }
  const v = vocabulary.size;
  return {
    labels,
    language,
    logPrior: documents.map((d) => Math.log(d / rows.length)),
    logLikelihood: counts.map((map, k) => new Map([...map].map(([token, c]) => [token, Math.log((c + 1) / (totals[k] + v))]))),
    logUnseen: totals.map((total) => Math.log(1 / (total + v))),
  };
}

export function predictNaiveBayes(model: NaiveBayesModel, text: string): string {
  const tokens = naiveBayesTokens(text, model.language);
  let best = 0;
  let bestScore = -Infinity;
  model.labels.forEach((_, k) => {
    let score = model.logPrior[k];
    for (const token of tokens) score += model.logLikelihood[k].get(token) ?? model.logUnseen[k];
    if (score > bestScore) [best, bestScore] = [k, score];
  });
  return model.labels[best];
}
