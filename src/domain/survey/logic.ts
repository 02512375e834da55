/**
 * Display conditions and page flow for the server-rendered, one-page-at-a-time form.
 *
 * Visibility is computed in survey order in a single pass: an item's `showIf` sees only answers
 * to items that are themselves visible, so hiding a question also hides everything that depends
 * on it (the definition guarantees conditions only look backwards, which makes one pass enough).
 */
import {
  answerSlotIndex,
  findPage,
  type AnswerSlot,
  type Condition,
  type ItemCondition,
  type SurveyDefinition,
  type SurveyItem,
  type SurveyPage,
} from "./definition";
import type { AnswerValue, Answers } from "./answers";

export { evaluateCondition, isAnswered } from "./conditions";
import { evaluateCondition, isAnswered } from "./conditions";

export function describeCondition(condition: Condition): string {
  if ("all" in condition) return condition.all.map(describeCondition).join(" and ");
  if ("any" in condition) return `(${condition.any.map(describeCondition).join(" or ")})`;
  switch (condition.op) {
    case "answered":
      return `${condition.itemId} is answered`;
    case "notAnswered":
      return `${condition.itemId} is not answered`;
    case "in":
      return `${condition.itemId} is one of ${condition.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default: {
      const symbols = { equals: "=", notEquals: "≠", gt: ">", gte: "≥", lt: "<", lte: "≤" } as const;
      return `${condition.itemId} ${symbols[condition.op]} ${JSON.stringify(condition.value)}`;
    }
  }
}

export type Visibility = {
  /** Ids of visible items (matrix ids included; rows share their matrix's visibility). */
  visibleItemIds: Set<string>;
  /** Answers restricted to visible answer slots — what conditions and scoring should see. */
  effectiveAnswers: Answers;
  slots: readonly AnswerSlot[];
};

export function computeVisibility(definition: SurveyDefinition, answers: Readonly<Answers>): Visibility {
  const { slots, byItem: slotsByItem } = answerSlotIndex(definition);
  const visibleItemIds = new Set<string>();
  const effectiveAnswers: Answers = {};
  for (const page of definition.pages) {
    for (const item of page.items) {
      if (item.showIf && !evaluateCondition(item.showIf, effectiveAnswers)) continue;
      visibleItemIds.add(item.id);
      for (const slot of slotsByItem.get(item) ?? []) {
        const value = answers[slot.id];
        if (isAnswered(value)) effectiveAnswers[slot.id] = value;
      }
    }
  }
  return { visibleItemIds, effectiveAnswers, slots };
}

/** Visible items in survey order (matrix items as a whole). */
export function visibleItems(definition: SurveyDefinition, answers: Readonly<Answers>): SurveyItem[] {
  const { visibleItemIds } = computeVisibility(definition, answers);
  return definition.pages.flatMap((page) => page.items.filter((item) => visibleItemIds.has(item.id)));
}

/** Whether an item or matrix row is currently shown. Unknown ids are not visible. */
export function isItemVisible(definition: SurveyDefinition, itemOrRowId: string, answers: Readonly<Answers>): boolean {
  const { visibleItemIds, slots } = computeVisibility(definition, answers);
  if (visibleItemIds.has(itemOrRowId)) return true;
  const slot = slots.find((candidate) => candidate.id === itemOrRowId);
  return slot !== undefined && visibleItemIds.has(slot.item.id);
}

/** Visible items of one page, in order; empty for an unknown page. */
export function pageItems(definition: SurveyDefinition, pageId: string, answers: Readonly<Answers>): SurveyItem[] {
  const page = findPage(definition, pageId);
  if (!page) return [];
  const { visibleItemIds } = computeVisibility(definition, answers);
  return page.items.filter((item) => visibleItemIds.has(item.id));
}

/** Pages with at least one visible item — pages whose items are all hidden are skipped. */
export function visiblePages(definition: SurveyDefinition, answers: Readonly<Answers>): SurveyPage[] {
  const { visibleItemIds } = computeVisibility(definition, answers);
  return definition.pages.filter((page) => page.items.some((item) => visibleItemIds.has(item.id)));
}

/**
 * The page to show after `currentPageId` (or the first page when null), skipping pages whose
 * items are all hidden. `null` means the respondent has reached the end and should submit.
 */
export function nextPage(definition: SurveyDefinition, currentPageId: string | null, answers: Readonly<Answers>): SurveyPage | null {
  const pages = visiblePages(definition, answers);
  if (currentPageId === null) return pages[0] ?? null;
  const currentIndex = definition.pages.findIndex((page) => page.id === currentPageId);
  if (currentIndex < 0) return pages[0] ?? null;
  return pages.find((page) => definition.pages.indexOf(page) > currentIndex) ?? null;
}

/** The visible page before `currentPageId`; null on the first page. */
export function previousPage(definition: SurveyDefinition, currentPageId: string, answers: Readonly<Answers>): SurveyPage | null {
  const pages = visiblePages(definition, answers);
  const currentIndex = definition.pages.findIndex((page) => page.id === currentPageId);
  if (currentIndex < 0) return null;
  const earlier = pages.filter((page) => definition.pages.indexOf(page) < currentIndex);
  return earlier[earlier.length - 1] ?? null;
}

/**
 * "Page x of y" among currently visible pages (the total can change as answers change; the UI
 * shows the current estimate). For a page that is itself hidden, `current` is where it would sit.
 */
export function pageProgress(definition: SurveyDefinition, pageId: string, answers: Readonly<Answers>): { current: number; total: number } {
  const pages = visiblePages(definition, answers);
  const currentIndex = definition.pages.findIndex((page) => page.id === pageId);
  const before = pages.filter((page) => definition.pages.indexOf(page) < currentIndex).length;
  const isVisible = pages.some((page) => page.id === pageId);
  return { current: Math.min(before + 1, Math.max(pages.length, 1)), total: Math.max(pages.length, isVisible ? 1 : 0) };
}

/**
 * Drops answers to items that are hidden under the current answers. Needed when a respondent
 * goes back and changes an answer that a later, already-answered item depended on: the stale
 * answer must not be stored (and would otherwise fail validation as "hidden").
 */
export function pruneHiddenAnswers(definition: SurveyDefinition, answers: Readonly<Answers>): { answers: Answers; removed: string[] } {
  const { visibleItemIds, slots } = computeVisibility(definition, answers);
  const hiddenSlotIds = new Set(slots.filter((slot) => !visibleItemIds.has(slot.item.id)).map((slot) => slot.id));
  const kept: Answers = {};
  const removed: string[] = [];
  for (const [id, value] of Object.entries(answers)) {
    if (hiddenSlotIds.has(id)) removed.push(id);
    else kept[id] = value;
  }
  return { answers: kept, removed };
}

/**
 * Where to put a returning respondent: the first visible page with an unanswered required item;
 * otherwise the page after the last page they answered anything on (clamped to the last page).
 */
export function resumePage(definition: SurveyDefinition, answers: Readonly<Answers>): SurveyPage | null {
  const { visibleItemIds, effectiveAnswers, slots } = computeVisibility(definition, answers);
  const pages = definition.pages.filter((page) => page.items.some((item) => visibleItemIds.has(item.id)));
  if (pages.length === 0) return null;
  const visibleSlots = slots.filter((slot) => visibleItemIds.has(slot.item.id));
  const firstMissing = visibleSlots.find((slot) => slot.required && !isAnswered(effectiveAnswers[slot.id]));
  if (firstMissing) return pages.find((page) => page.id === firstMissing.pageId) ?? pages[0];
  const answeredPageIds = new Set(visibleSlots.filter((slot) => isAnswered(effectiveAnswers[slot.id])).map((slot) => slot.pageId));
  let lastAnsweredIndex = -1;
  pages.forEach((page, index) => {
    if (answeredPageIds.has(page.id)) lastAnsweredIndex = index;
  });
  return pages[Math.min(lastAnsweredIndex + 1, pages.length - 1)];
}
