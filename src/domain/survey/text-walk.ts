/**
 * Enumerates every respondent-facing localized text in a definition with its path. Shared by the
 * definition refinement (default language must exist) and `findMissingTranslations`, so both
 * always agree on which texts count.
 */
import type { LocalizedText } from "./localization";
import type { SurveyDefinition } from "./definition";

export type LocalizedTextEntry = { path: Array<string | number>; text: LocalizedText };

export function collectLocalizedTexts(definition: Pick<SurveyDefinition, "title" | "description" | "thankYou" | "pages">): LocalizedTextEntry[] {
  const entries: LocalizedTextEntry[] = [];
  const push = (path: Array<string | number>, text: LocalizedText | undefined) => {
    if (text !== undefined) entries.push({ path, text });
  };
  push(["title"], definition.title);
  push(["description"], definition.description);
  push(["thankYou"], definition.thankYou);
  definition.pages.forEach((page, pageIndex) => {
    const pagePath = ["pages", pageIndex];
    push([...pagePath, "title"], page.title);
    push([...pagePath, "description"], page.description);
    page.items.forEach((item, itemIndex) => {
      const itemPath = [...pagePath, "items", itemIndex];
      push([...itemPath, "label"], item.label);
      push([...itemPath, "help"], item.help);
      switch (item.type) {
        case "rating":
          push([...itemPath, "minLabel"], item.minLabel);
          push([...itemPath, "maxLabel"], item.maxLabel);
          break;
        case "single_choice":
        case "multiple_choice":
          item.options.forEach((option, optionIndex) => push([...itemPath, "options", optionIndex, "label"], option.label));
          break;
        case "matrix":
          if (item.scale.type === "rating") {
            push([...itemPath, "scale", "minLabel"], item.scale.minLabel);
            push([...itemPath, "scale", "maxLabel"], item.scale.maxLabel);
          }
          item.rows.forEach((row, rowIndex) => push([...itemPath, "rows", rowIndex, "label"], row.label));
          break;
        case "kano":
          push([...itemPath, "functional", "label"], item.functional.label);
          push([...itemPath, "dysfunctional", "label"], item.dysfunctional.label);
          break;
        default:
          break;
      }
    });
  });
  return entries;
}
