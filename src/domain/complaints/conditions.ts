/**
 * The condition language shared by routing rules and survey trigger rules, so admins learn one set
 * of operators: equals, notEquals, in, gt, gte, lt, lte, answered, containsAny (keywords), grouped
 * with all/any. Each rule module supplies its own field-name schema (routing: `category`,
 * `segment.region`, …; triggers: `answers.q3`, `hidden.tier`).
 *
 * Comparison semantics, chosen for data that arrives as URL strings (hidden fields) as often as
 * typed JSON:
 * - equals / notEquals: numbers compare numerically even against numeric strings ("5" equals 5);
 *   otherwise the string forms must match exactly (case-sensitive: "VIP" ≠ "vip"). On a
 *   multi-choice (array) value, equals means "contains the value".
 * - in: equals any listed value.
 * - gt/gte/lt/lte: numeric only; a missing or non-numeric value never matches.
 * - answered: present and not empty ("" / whitespace / [] / null count as unanswered);
 *   `value: false` matches the unanswered case.
 * - containsAny: case-insensitive substring match after Unicode NFKC normalisation, so Chinese
 *   keywords match inside unsegmented Chinese text ("退款" in "我要退款") and full-width Latin
 *   ("ＲＥＦＵＮＤ") matches "refund". Substring, not whole-word: "refund" also matches "refunded".
 * - notEquals on a missing value is true (it is not equal); add `answered` when that matters.
 */
import { z } from "zod";

export const ConditionScalarSchema = z.union([z.string().max(500), z.number(), z.boolean()]);
export type ConditionScalar = z.infer<typeof ConditionScalarSchema>;

/** A value a condition can look at. */
export type ConditionFieldValue = ConditionScalar | readonly ConditionScalar[] | null | undefined;

export const COMPARISON_OPERATORS = ["gt", "gte", "lt", "lte"] as const;

/** Build the condition schema for one rule family's field names. */
export function conditionSchemaFor<F extends z.ZodType<string>>(field: F) {
  return z.discriminatedUnion("op", [
    z.object({ field, op: z.literal("equals"), value: ConditionScalarSchema }),
    z.object({ field, op: z.literal("notEquals"), value: ConditionScalarSchema }),
    z.object({ field, op: z.literal("in"), value: z.array(ConditionScalarSchema).min(1) }),
    z.object({ field, op: z.enum(COMPARISON_OPERATORS), value: z.number() }),
    z.object({ field, op: z.literal("answered"), value: z.boolean().default(true) }),
    z.object({ field, op: z.literal("containsAny"), value: z.array(z.string().trim().min(1).max(200)).min(1) }),
  ]);
}

/** Field-agnostic form used by the evaluator. */
export type Condition =
  | { field: string; op: "equals" | "notEquals"; value: ConditionScalar }
  | { field: string; op: "in"; value: readonly ConditionScalar[] }
  | { field: string; op: (typeof COMPARISON_OPERATORS)[number]; value: number }
  | { field: string; op: "answered"; value: boolean }
  | { field: string; op: "containsAny"; value: readonly string[] };

export const CONDITION_MATCH_MODES = ["all", "any"] as const;
export const ConditionMatchModeSchema = z.enum(CONDITION_MATCH_MODES);
export type ConditionMatchMode = z.infer<typeof ConditionMatchModeSchema>;

export type FieldResolver = (field: string) => ConditionFieldValue;

export function normalizeForKeywordMatch(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

function numericValue(value: ConditionScalar): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function scalarEquals(actual: ConditionScalar, expected: ConditionScalar): boolean {
  if (typeof actual === "number" || typeof expected === "number") {
    const a = numericValue(actual);
    const b = numericValue(expected);
    if (a !== null && b !== null) return a === b;
  }
  return String(actual) === String(expected);
}

function isArrayValue(value: ConditionFieldValue): value is readonly ConditionScalar[] {
  return Array.isArray(value);
}

export function isAnswered(value: ConditionFieldValue): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (isArrayValue(value)) return value.length > 0;
  return true;
}

function fieldEquals(actual: ConditionFieldValue, expected: ConditionScalar): boolean {
  if (actual === null || actual === undefined) return false;
  if (isArrayValue(actual)) return actual.some((item) => scalarEquals(item, expected));
  return scalarEquals(actual, expected);
}

export function evaluateCondition(condition: Condition, resolve: FieldResolver): boolean {
  const actual = resolve(condition.field);
  switch (condition.op) {
    case "equals":
      return fieldEquals(actual, condition.value);
    case "notEquals":
      return !fieldEquals(actual, condition.value);
    case "in":
      return condition.value.some((expected) => fieldEquals(actual, expected));
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      if (actual === null || actual === undefined || isArrayValue(actual)) return false;
      const number = numericValue(actual);
      if (number === null) return false;
      if (condition.op === "gt") return number > condition.value;
      if (condition.op === "gte") return number >= condition.value;
      if (condition.op === "lt") return number < condition.value;
      return number <= condition.value;
    }
    case "answered":
      return isAnswered(actual) === condition.value;
    case "containsAny": {
      if (!isAnswered(actual)) return false;
      const haystack = normalizeForKeywordMatch(isArrayValue(actual) ? actual.join(" ") : String(actual));
      return condition.value.some((keyword) => haystack.includes(normalizeForKeywordMatch(keyword.trim())));
    }
  }
}

/** `all` of an empty list is true (a catch-all rule); `any` of an empty list is false. */
export function evaluateConditions(match: ConditionMatchMode, conditions: readonly Condition[], resolve: FieldResolver): boolean {
  return match === "all"
    ? conditions.every((condition) => evaluateCondition(condition, resolve))
    : conditions.some((condition) => evaluateCondition(condition, resolve));
}
