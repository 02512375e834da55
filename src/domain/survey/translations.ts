/**
 * Translation completeness. Kept separate from validation on purpose: a designer must be able
 * to save a draft while translations are still being written; the publish step (route layer)
 * decides whether gaps block publishing.
 */
import { formatPath, type SurveyDefinition } from "./definition";
import { collectLocalizedTexts } from "./text-walk";

export type MissingTranslation = { path: string; language: string; message: string };

export function findMissingTranslations(definition: SurveyDefinition): MissingTranslation[] {
  const missing: MissingTranslation[] = [];
  for (const { path, text } of collectLocalizedTexts(definition)) {
    for (const language of definition.languages) {
      const value = text[language];
      if (value === undefined || value.trim() === "") {
        const where = formatPath(path);
        missing.push({ path: where, language, message: `${where}: missing "${language}" translation` });
      }
    }
  }
  return missing;
}
