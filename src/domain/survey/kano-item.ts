/**
 * The Kano question type's answers and how a respondent's pair is stored. The five answers are
 * Berger et al.'s (1993) wording; the pair (functional f, dysfunctional d) is kept in the survey's
 * statistics as one categorical code 5(f − 1) + (d − 1) ∈ 0..24 under the feature's id, so the
 * stored per-item histogram of that code IS the feature's 5 × 5 histogram of answer pairs
 * (src/domain/kano), merged by addition over days, months, segments and versions.
 */
import type { LocalizedText } from "./localization";
import type { KanoItem, SurveyDefinition } from "./definition";
import type { Answers } from "./answers";
import type { Visibility } from "./logic";

/** Answer 1..5 → label (index 0 = answer 1). */
export const KANO_ANSWER_LABELS: readonly LocalizedText[] = [
  { en: "I like it that way", "zh-CN": "我喜欢这样" },
  { en: "It must be that way", "zh-CN": "理应如此" },
  { en: "I am neutral", "zh-CN": "无所谓" },
  { en: "I can live with it that way", "zh-CN": "能忍受" },
  { en: "I dislike it that way", "zh-CN": "我不喜欢这样" },
];

export const KANO_PAIR_CODE_BOUNDS = { min: 0, max: 24 } as const;

export function kanoPairCode(functional: number, dysfunctional: number): number {
  return (functional - 1) * 5 + (dysfunctional - 1);
}

export function kanoItems(definition: Pick<SurveyDefinition, "pages">): KanoItem[] {
  return definition.pages.flatMap((page) => page.items.filter((item): item is KanoItem => item.type === "kano"));
}

const isKanoAnswer = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 5;

/**
 * Pair code per Kano feature id: null unless the feature was shown and both questions answered
 * (a half-answered pair cannot be classified).
 */
export function kanoPairCodes(definition: SurveyDefinition, answers: Readonly<Answers>, visibility: Visibility): Record<string, number | null> {
  const codes: Record<string, number | null> = {};
  for (const item of kanoItems(definition)) {
    const functional = answers[item.functional.id];
    const dysfunctional = answers[item.dysfunctional.id];
    codes[item.id] = visibility.visibleItemIds.has(item.id) && isKanoAnswer(functional) && isKanoAnswer(dysfunctional) ? kanoPairCode(functional, dysfunctional) : null;
  }
  return codes;
}
