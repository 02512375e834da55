/**
 * HTML form handling for the server-rendered survey page (one page per request).
 *
 * A page POST is the complete state of that page: a field the browser did not send (unchecked
 * radio group, no checkbox ticked, empty input) means "no answer", so it clears any stored answer
 * for that item. Fields that are not items of the page (CSRF token, button names, other pages'
 * items) are ignored rather than rejected — they are not the respondent's doing.
 */
import { findPage, listAnswerSlots, type AnswerSlot, type SurveyDefinition, type SurveyPage } from "./definition";
import {
  findMissingRequired,
  validateResponseAnswers,
  validateSlotValue,
  type AnswerError,
  type Answers,
  type AnswerValue,
} from "./answers";
import { nextPage, pruneHiddenAnswers } from "./logic";

/** What `c.req.parseBody({ all: true })` yields: repeated names become arrays. */
export type FormFields = Record<string, string | string[] | File | Array<string | File> | undefined>;

export type ParsedForm = {
  /** Typed, validated answers for the page's items that had a value. */
  answers: Answers;
  /** Page answer slots submitted empty (or invalid) — remove any stored answer for them. */
  cleared: string[];
  errors: AnswerError[];
};

const YES_VALUES = new Set(["yes", "true", "1", "on"]);
const NO_VALUES = new Set(["no", "false", "0", "off"]);

function fieldValues(fields: FormFields, name: string): string[] {
  const collect = (raw: FormFields[string]): string[] => {
    if (raw === undefined) return [];
    const list = Array.isArray(raw) ? raw : [raw];
    // File uploads are not a supported answer type; a File in an answer field is junk.
    return list.map((entry) => (typeof entry === "string" ? entry : "\u0000file"));
  };
  // Accept PHP/Rails-style "name[]" for checkbox groups as well as repeated plain names.
  return [...collect(fields[name]), ...collect(fields[`${name}[]`])];
}

function junk(slot: AnswerSlot, message: string): AnswerError {
  return { itemId: slot.id, code: "wrong_type", message: `${slot.id}: ${message}` };
}

/** Converts the posted strings for one slot to a typed value; undefined means "not answered". */
function convertField(slot: AnswerSlot, rawValues: string[]): { value?: AnswerValue; error?: AnswerError } {
  const values = rawValues.filter((value) => value.trim() !== "");
  if (values.length === 0) return {};
  if (slot.kind === "multiple_choice") return { value: values.map((value) => value.trim()) };
  if (values.length > 1) return { error: junk(slot, "expected a single value but the form sent several") };
  const [raw] = values;
  const trimmed = raw.trim();
  switch (slot.kind) {
    case "rating":
    case "satisfaction5":
    case "kano": {
      // Parse strictly: Number("1e1") or Number("0x5") would accept values no form control sends.
      if (/^[+-]?\d+$/.test(trimmed)) return { value: Number(trimmed) };
      if (/^[+-]?\d*\.\d+$/.test(trimmed)) return { value: Number(trimmed) }; // reported as not_integer
      const { min, max } = slot.bounds ?? { min: 1, max: 5 };
      return { error: { itemId: slot.id, code: "wrong_type", message: `${slot.id}: must be an integer from ${min} to ${max}`, params: { min, max } } };
    }
    case "yes_no": {
      const lowered = trimmed.toLowerCase();
      if (YES_VALUES.has(lowered)) return { value: true };
      if (NO_VALUES.has(lowered)) return { value: false };
      return { error: junk(slot, 'must be "yes" or "no"') };
    }
    default:
      return { value: slot.kind === "text" ? raw : trimmed };
  }
}

/**
 * Converts one page's POSTed form fields into typed answers. Every answer slot of the page is
 * considered, whatever its visibility (visibility depends on the merged answers; use
 * `applyPageSubmission` for the whole step).
 */
export function parseFormAnswers(definition: SurveyDefinition, pageId: string, formFields: FormFields): ParsedForm {
  const page = findPage(definition, pageId);
  if (!page) {
    return { answers: {}, cleared: [], errors: [{ itemId: null, code: "unknown_page", message: `page "${pageId}" does not exist in this survey` }] };
  }
  const answers: Answers = {};
  const cleared: string[] = [];
  const errors: AnswerError[] = [];
  for (const slot of listAnswerSlots(definition).filter((candidate) => candidate.pageId === page.id)) {
    const converted = convertField(slot, fieldValues(formFields, slot.id));
    if (converted.error) {
      errors.push(converted.error);
      cleared.push(slot.id);
      continue;
    }
    if (converted.value === undefined) {
      cleared.push(slot.id);
      continue;
    }
    const check = validateSlotValue(slot, converted.value);
    if (!check.ok) {
      errors.push(check.error);
      cleared.push(slot.id);
    } else if (typeof check.value === "string" && check.value === "") {
      cleared.push(slot.id);
    } else {
      answers[slot.id] = check.value;
    }
  }
  return { answers, cleared, errors };
}

export type PageSubmissionResult = {
  ok: boolean;
  /** Stored answers merged with this page, hidden-item answers removed; save these. */
  answers: Answers;
  errors: AnswerError[];
  /**
   * Stored answers dropped: their item is now hidden by a changed answer, or they no longer fit
   * the definition (e.g. stored before an edit). The respondent cannot fix those on this page,
   * so they are removed rather than reported.
   */
  removedAnswers: string[];
  /** Where to go when ok; null means the respondent is on the last visible page (submit). */
  nextPage: SurveyPage | null;
};

/**
 * One "Next"/"Submit" step of the server-rendered form: parse the page, merge it into the stored
 * answers, drop answers that became hidden, and check the page's visible required items. The
 * route saves `answers` (even when not ok, if it wants partial progress kept), re-renders the
 * page with `errors` when not ok, and otherwise redirects to `nextPage` or completes the response
 * after `validateResponseAnswers(definition, answers, { complete: true })`.
 */
export function applyPageSubmission(
  definition: SurveyDefinition,
  pageId: string,
  storedAnswers: Readonly<Answers>,
  formFields: FormFields,
): PageSubmissionResult {
  const parsed = parseFormAnswers(definition, pageId, formFields);
  if (parsed.errors.some((error) => error.code === "unknown_page")) {
    return { ok: false, answers: { ...storedAnswers }, errors: parsed.errors, removedAnswers: [], nextPage: null };
  }
  const merged: Answers = { ...storedAnswers };
  for (const id of parsed.cleared) delete merged[id];
  Object.assign(merged, parsed.answers);

  const pruned = pruneHiddenAnswers(definition, merged);
  // Re-validate the stored part too: it may predate an edit of the definition.
  const validation = validateResponseAnswers(definition, pruned.answers, { complete: false });
  const invalidStored = validation.errors.flatMap((error) => (error.itemId === null ? [] : [error.itemId]));
  const erroredIds = new Set(parsed.errors.map((error) => error.itemId));
  const missing = findMissingRequired(definition, validation.normalized, { pageId }).filter((error) => !erroredIds.has(error.itemId));
  const errors = [...parsed.errors, ...missing];
  return {
    ok: errors.length === 0,
    answers: validation.normalized,
    errors,
    removedAnswers: [...pruned.removed, ...invalidStored],
    nextPage: nextPage(definition, pageId, validation.normalized),
  };
}
