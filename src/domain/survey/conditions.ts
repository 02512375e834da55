/**
 * Evaluation of display conditions. Kept free of runtime imports so the browser enhancement of
 * the survey page can bundle it without the zod schemas.
 */
import type { Condition, ItemCondition } from "./definition";
import type { AnswerValue, Answers } from "./answers";

/** Empty strings, blank text and empty selections count as "not answered". */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "boolean";
}

function matchesValue(answer: AnswerValue, expected: string | number | boolean): boolean {
  // A multiple-choice answer "equals" an option when that option is among the selections.
  if (Array.isArray(answer)) return answer.includes(expected as string);
  if (typeof answer === "string" && typeof expected === "string") return answer.trim() === expected.trim();
  return answer === expected;
}

function evaluateItemCondition(condition: ItemCondition, answers: Readonly<Answers>): boolean {
  const answer = answers[condition.itemId];
  const answered = isAnswered(answer);
  switch (condition.op) {
    case "answered":
      return answered;
    case "notAnswered":
      return !answered;
    case "equals":
      return answered && matchesValue(answer, condition.value);
    // Exact negation of equals, so "show unless they picked X" also shows when they skipped.
    case "notEquals":
      return !(answered && matchesValue(answer, condition.value));
    case "in":
      return answered && condition.values.some((value) => matchesValue(answer, value));
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      if (!answered || typeof answer !== "number") return false;
      if (condition.op === "gt") return answer > condition.value;
      if (condition.op === "gte") return answer >= condition.value;
      if (condition.op === "lt") return answer < condition.value;
      return answer <= condition.value;
    }
  }
}

/** Evaluates a condition against answers (callers pass only answers to visible items). */
export function evaluateCondition(condition: Condition, answers: Readonly<Answers>): boolean {
  if ("all" in condition) return condition.all.every((child) => evaluateCondition(child, answers));
  if ("any" in condition) return condition.any.some((child) => evaluateCondition(child, answers));
  return evaluateItemCondition(condition, answers);
}

/** Plain-English rendering of a condition for error messages and the designer preview. */
