/**
 * Answer storage format and validation of submitted answers against a definition.
 *
 * Stored answers are a flat object keyed by answer slot id (item id, or row id for matrix rows):
 *   rating / satisfaction5 / matrix row → integer; single_choice → option id;
 *   multiple_choice → option ids (survey order, no duplicates); yes_no → boolean; text → string.
 * Unanswered items are absent (never null), which keeps "answered" a key-presence question.
 */
import { z } from "zod";
import {
  answerSlotIndex,
  findPage,
  type AnswerSlot,
  type SurveyDefinition,
} from "./definition";
import { computeVisibility, describeCondition, isAnswered } from "./logic";

export const AnswerValueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.string())]);
export type AnswerValue = z.infer<typeof AnswerValueSchema>;
/** Shape-only schema for API documentation and storage; use `validateResponseAnswers` for meaning. */
export const AnswersSchema = z.record(z.string(), AnswerValueSchema);
export type Answers = z.infer<typeof AnswersSchema>;

export const ANSWER_ERROR_CODES = [
  "invalid_payload",
  "unknown_item",
  "unknown_page",
  "wrong_type",
  "not_integer",
  "out_of_range",
  "unknown_option",
  "too_many_selections",
  "too_few_selections",
  "too_long",
  "hidden_item",
  "required",
] as const;
export type AnswerErrorCode = (typeof ANSWER_ERROR_CODES)[number];

/** Values for localized rendering of the error (see `formatAnswerError` in ui-strings). */
export type AnswerErrorParams = {
  min?: number;
  max?: number;
  maxLength?: number;
  length?: number;
  minSelections?: number;
  maxSelections?: number;
  selected?: number;
  value?: string;
};

export type AnswerError = {
  /** Answer key (item or matrix row id); null for problems with the payload as a whole. */
  itemId: string | null;
  code: AnswerErrorCode;
  /** English, prefixed with the item id, for API clients and logs. */
  message: string;
  params?: AnswerErrorParams;
};

export type AnswerValidationResult = {
  ok: boolean;
  errors: AnswerError[];
  /** The valid answers, normalized (trimmed text, de-duplicated ordered selections, -0 → 0). */
  normalized: Answers;
};

/** Counts user-perceived characters closer than UTF-16 units do (emoji count once). */
export function textLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

/** Browsers post textarea line breaks as CRLF; store LF so lengths match what the user typed. */
export function normalizeText(value: string): string {
  // Strip NUL and other C0 controls except tab/newline: they break CSV exports and some viewers.
  return value.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "").trim();
}

type SlotCheck = { ok: true; value: AnswerValue } | { ok: false; error: AnswerError };

function fail(slotId: string, code: AnswerErrorCode, message: string, params?: AnswerErrorParams): SlotCheck {
  return { ok: false, error: { itemId: slotId, code, message: `${slotId}: ${message}`, params } };
}

/**
 * Type- and range-checks one answered value for a slot and returns its normalized form. Does not
 * look at visibility or requiredness (those depend on the other answers).
 */
export function validateSlotValue(slot: AnswerSlot, value: unknown): SlotCheck {
  const id = slot.id;
  switch (slot.kind) {
    case "rating":
    case "satisfaction5": {
      const { min, max } = slot.bounds ?? { min: 1, max: 5 };
      const params = { min, max };
      const expected =
        slot.kind === "satisfaction5"
          ? `must be one of the five satisfaction levels, an integer from 1 (very dissatisfied) to 5 (very satisfied)`
          : `must be an integer from ${min} to ${max}`;
      if (typeof value !== "number" || !Number.isFinite(value)) return fail(id, "wrong_type", expected, params);
      if (!Number.isInteger(value)) return fail(id, "not_integer", expected, params);
      if (value < min || value > max) return fail(id, "out_of_range", expected, params);
      return { ok: true, value: value === 0 ? 0 : value };
    }
    case "yes_no":
      if (typeof value !== "boolean") return fail(id, "wrong_type", "must be true (yes) or false (no)");
      return { ok: true, value };
    case "single_choice": {
      const options = slot.item.type === "single_choice" ? slot.item.options : [];
      const optionIds = options.map((option) => option.id);
      if (typeof value !== "string") return fail(id, "wrong_type", `must be one option id: ${optionIds.join(", ")}`);
      const trimmed = value.trim();
      if (!optionIds.includes(trimmed)) {
        return fail(id, "unknown_option", `"${trimmed}" is not an option; choose one of ${optionIds.join(", ")}`, { value: trimmed });
      }
      return { ok: true, value: trimmed };
    }
    case "multiple_choice": {
      if (slot.item.type !== "multiple_choice") return fail(id, "wrong_type", "is not a multiple-choice item");
      const { options, minSelections, maxSelections } = slot.item;
      const optionIds = options.map((option) => option.id);
      if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
        return fail(id, "wrong_type", `must be a list of option ids from: ${optionIds.join(", ")}`);
      }
      const chosen = new Set(value.map((entry: string) => entry.trim()));
      const unknown = [...chosen].filter((entry) => !optionIds.includes(entry));
      if (unknown.length > 0) {
        return fail(id, "unknown_option", `${unknown.map((entry) => `"${entry}"`).join(", ")} ${unknown.length === 1 ? "is not an option" : "are not options"}; choose from ${optionIds.join(", ")}`, { value: unknown.join(", ") });
      }
      const ordered = optionIds.filter((optionId) => chosen.has(optionId));
      if (maxSelections !== undefined && ordered.length > maxSelections) {
        return fail(id, "too_many_selections", `select at most ${maxSelections} options (got ${ordered.length})`, { maxSelections, selected: ordered.length });
      }
      if (minSelections !== undefined && ordered.length > 0 && ordered.length < minSelections) {
        return fail(id, "too_few_selections", `select at least ${minSelections} options (got ${ordered.length})`, { minSelections, selected: ordered.length });
      }
      return { ok: true, value: ordered };
    }
    case "text": {
      if (slot.item.type !== "text") return fail(id, "wrong_type", "is not a text item");
      if (typeof value !== "string") return fail(id, "wrong_type", "must be text");
      const normalized = normalizeText(value);
      const length = textLength(normalized);
      const { maxLength } = slot.item;
      if (length > maxLength) {
        return fail(id, "too_long", `must be at most ${maxLength} characters (got ${length})`, { maxLength, length });
      }
      return { ok: true, value: normalized };
    }
    case "kano": {
      const expected = "must be one of the five Kano answers, an integer from 1 (like) to 5 (dislike)";
      const params = { min: 1, max: 5 };
      if (typeof value !== "number" || !Number.isFinite(value)) return fail(id, "wrong_type", expected, params);
      if (!Number.isInteger(value)) return fail(id, "not_integer", expected, params);
      if (value < 1 || value > 5) return fail(id, "out_of_range", expected, params);
      return { ok: true, value };
    }
  }
}

/** Only explicit emptiness means "no answer"; any other non-conforming value is a type error. */
function isEmptyAnswer(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export type ValidateAnswersOptions = {
  /**
   * true for the final submission: required visible items must be answered. false for partial
   * saves: only the answers given are checked.
   */
  complete: boolean;
};

/**
 * Validates answers (untrusted JSON) against a definition. Checks every given answer's type and
 * range, rejects unknown ids and answers to items hidden by their condition, and — when
 * `complete` — reports visible required items left unanswered. Errors are in survey order.
 */
export function validateResponseAnswers(
  definition: SurveyDefinition,
  answers: unknown,
  options: ValidateAnswersOptions,
): AnswerValidationResult {
  if (!isPlainObject(answers)) {
    return {
      ok: false,
      errors: [{ itemId: null, code: "invalid_payload", message: "answers must be a JSON object keyed by item id" }],
      normalized: {},
    };
  }
  const { slots, byId: slotsById, order } = answerSlotIndex(definition);

  const errors: AnswerError[] = [];
  const typed: Answers = {};
  const erroredSlots = new Set<string>();

  for (const [key, value] of Object.entries(answers)) {
    const slot = slotsById.get(key);
    if (!slot) {
      errors.push(unknownKeyError(definition, key));
      continue;
    }
    if (isEmptyAnswer(value)) continue;
    const check = validateSlotValue(slot, value);
    if (check.ok) {
      // Text made only of whitespace/control characters normalizes to "" — that is no answer.
      if (isAnswered(check.value)) typed[key] = check.value;
    } else {
      errors.push(check.error);
      erroredSlots.add(key);
    }
  }

  // Visibility is judged on the type-valid answers only, exactly as the form would see them.
  const { visibleItemIds } = computeVisibility(definition, typed);
  const normalized: Answers = {};
  for (const [key, value] of Object.entries(typed)) {
    const slot = slotsById.get(key);
    if (!slot) continue;
    if (!visibleItemIds.has(slot.item.id)) {
      const condition = slot.item.showIf ? ` (shown only when ${describeCondition(slot.item.showIf)})` : "";
      errors.push({ itemId: key, code: "hidden_item", message: `${key}: is hidden by its display condition${condition}, so it cannot be answered` });
      continue;
    }
    normalized[key] = value;
  }

  if (options.complete) {
    errors.push(...missingRequired(slots, visibleItemIds, normalized, erroredSlots));
  }

  errors.sort((a, b) => rank(a, order) - rank(b, order));
  return { ok: errors.length === 0, errors, normalized };
}

function rank(error: AnswerError, order: ReadonlyMap<string, number>): number {
  if (error.itemId === null) return -1;
  return order.get(error.itemId) ?? Number.MAX_SAFE_INTEGER;
}

function unknownKeyError(definition: SurveyDefinition, key: string): AnswerError {
  for (const page of definition.pages) {
    for (const item of page.items) {
      if (item.id !== key) continue;
      const rows = item.type === "matrix" ? item.rows.map((row) => row.id) : item.type === "kano" ? [item.functional.id, item.dysfunctional.id] : null;
      if (rows) return { itemId: key, code: "wrong_type", message: `${key}: is a matrix; answer each of its rows (${rows.join(", ")}) by row id instead` };
    }
  }
  if (definition.hiddenFields.some((field) => field.id === key)) {
    return { itemId: key, code: "unknown_item", message: `${key}: is a hidden field; it is set from the survey link, not answered` };
  }
  return { itemId: key, code: "unknown_item", message: `${key}: is not an item in this survey` };
}

function missingRequired(
  slots: readonly AnswerSlot[],
  visibleItemIds: Set<string>,
  answers: Readonly<Answers>,
  skip: ReadonlySet<string>,
): AnswerError[] {
  return slots
    .filter((slot) => slot.required && visibleItemIds.has(slot.item.id) && !skip.has(slot.id) && !isAnswered(answers[slot.id]))
    .map((slot) => ({ itemId: slot.id, code: "required" as const, message: `${slot.id}: is required` }));
}

/**
 * Visible required items without an answer, optionally limited to one page (the "Next" button
 * checks only the page being left). Answers are assumed already validated/normalized.
 */
export function findMissingRequired(
  definition: SurveyDefinition,
  answers: Readonly<Answers>,
  scope: { pageId?: string } = {},
): AnswerError[] {
  const { visibleItemIds, slots } = computeVisibility(definition, answers);
  const inScope = scope.pageId === undefined ? slots : slots.filter((slot) => slot.pageId === scope.pageId);
  if (scope.pageId !== undefined && !findPage(definition, scope.pageId)) {
    return [{ itemId: null, code: "unknown_page", message: `page "${scope.pageId}" does not exist in this survey` }];
  }
  return missingRequired(inScope, visibleItemIds, answers, new Set());
}
