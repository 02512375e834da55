import { describe, expect, it } from "vitest";
import {
  findMissingRequired,
  normalizeText,
  textLength,
  validateResponseAnswers,
  type AnswerErrorCode,
} from "../../../src/domain/survey";
import { kitchenSink } from "./fixtures";

const definition = kitchenSink();

/** Minimal complete, valid set of answers for the kitchen-sink survey. */
const COMPLETE = { score: 8, complained: false, grid_a: 4, grid_b: 5 } as const;

type Case = { name: string; answers: Record<string, unknown>; complete?: boolean; itemId: string | null; code: AnswerErrorCode; message?: string };

const ERROR_CASES: Case[] = [
  { name: "rating as string", answers: { score: "8" }, itemId: "score", code: "wrong_type", message: "score: must be an integer from 1 to 10" },
  { name: "rating non-integer", answers: { score: 7.5 }, itemId: "score", code: "not_integer", message: "score: must be an integer from 1 to 10" },
  { name: "rating above max", answers: { score: 11 }, itemId: "score", code: "out_of_range", message: "score: must be an integer from 1 to 10" },
  { name: "rating below min", answers: { score: 0 }, itemId: "score", code: "out_of_range" },
  { name: "rating NaN", answers: { score: Number.NaN }, itemId: "score", code: "wrong_type" },
  { name: "rating Infinity", answers: { score: Number.POSITIVE_INFINITY }, itemId: "score", code: "wrong_type" },
  { name: "rating as boolean", answers: { score: true }, itemId: "score", code: "wrong_type" },
  { name: "rating as object", answers: { score: { value: 3 } }, itemId: "score", code: "wrong_type" },
  { name: "satisfaction5 out of range", answers: { level: 6 }, itemId: "level", code: "out_of_range", message: "level: must be one of the five satisfaction levels, an integer from 1 (very dissatisfied) to 5 (very satisfied)" },
  { name: "satisfaction5 zero", answers: { level: 0 }, itemId: "level", code: "out_of_range" },
  { name: "matrix row out of range", answers: { grid_a: 8 }, itemId: "grid_a", code: "out_of_range", message: "grid_a: must be an integer from 1 to 7" },
  { name: "answer keyed by matrix id", answers: { grid: 3 }, itemId: "grid", code: "wrong_type", message: "grid: is a matrix; answer each of its rows (grid_a, grid_b) by row id instead" },
  { name: "yes/no as string", answers: { complained: "yes" }, itemId: "complained", code: "wrong_type", message: "complained: must be true (yes) or false (no)" },
  { name: "yes/no as 1", answers: { complained: 1 }, itemId: "complained", code: "wrong_type" },
  { name: "single choice unknown option", answers: { channel: "fax" }, itemId: "channel", code: "unknown_option", message: 'channel: "fax" is not an option; choose one of store, web, phone' },
  { name: "single choice as array", answers: { channel: ["web"] }, itemId: "channel", code: "wrong_type" },
  { name: "multiple choice as string", answers: { features: "a" }, itemId: "features", code: "wrong_type" },
  { name: "multiple choice with non-strings", answers: { features: ["a", 2] }, itemId: "features", code: "wrong_type" },
  { name: "multiple choice unknown option", answers: { features: ["a", "z"] }, itemId: "features", code: "unknown_option", message: 'features: "z" is not an option; choose from a, b, c' },
  { name: "too many selections", answers: { features: ["a", "b", "c"] }, itemId: "features", code: "too_many_selections", message: "features: select at most 2 options (got 3)" },
  { name: "too few selections", answers: { features: ["a"] }, itemId: "features", code: "too_few_selections", message: "features: select at least 2 options (got 1)" },
  { name: "text as number", answers: { comment: 5 }, itemId: "comment", code: "wrong_type", message: "comment: must be text" },
  { name: "text too long", answers: { complained: true, detail: "12345678901" }, itemId: "detail", code: "too_long", message: "detail: must be at most 10 characters (got 11)" },
  { name: "unknown item", answers: { nope: 1 }, itemId: "nope", code: "unknown_item", message: "nope: is not an item in this survey" },
  { name: "hidden field given as answer", answers: { touchpoint: "store" }, itemId: "touchpoint", code: "unknown_item", message: "touchpoint: is a hidden field; it is set from the survey link, not answered" },
  {
    name: "answer to an item hidden by its condition",
    answers: { complained: false, detail: "x" },
    itemId: "detail",
    code: "hidden_item",
    message: "detail: is hidden by its display condition (shown only when complained = true), so it cannot be answered",
  },
  { name: "answer to item whose condition item is missing", answers: { web_only: 9 }, itemId: "web_only", code: "hidden_item" },
  { name: "missing required on complete", answers: { complained: false, grid_a: 1, grid_b: 1 }, complete: true, itemId: "score", code: "required", message: "score: is required" },
  { name: "missing required matrix row", answers: { score: 3, complained: false, grid_a: 1 }, complete: true, itemId: "grid_b", code: "required" },
  { name: "required conditional item once visible", answers: { ...COMPLETE, complained: true }, complete: true, itemId: "detail", code: "required" },
  { name: "required conditional item on a later page", answers: { ...COMPLETE, channel: "web" }, complete: true, itemId: "web_only", code: "required" },
];

describe("validateResponseAnswers: errors", () => {
  it.each(ERROR_CASES)("$name", ({ answers, complete, itemId, code, message }) => {
    const result = validateResponseAnswers(definition, answers, { complete: complete ?? false });
    expect(result.ok).toBe(false);
    const error = result.errors.find((candidate) => candidate.itemId === itemId && candidate.code === code);
    expect(error, JSON.stringify(result.errors)).toBeDefined();
    if (message) expect(error?.message).toBe(message);
    // Invalid answers never leak into the normalized output.
    if (itemId) expect(result.normalized).not.toHaveProperty(itemId);
  });

  it.each([null, "answers", 42, [1, 2], new Date()])("rejects a non-object payload (%j)", (payload) => {
    const result = validateResponseAnswers(definition, payload, { complete: false });
    expect(result).toMatchObject({ ok: false, errors: [{ itemId: null, code: "invalid_payload" }], normalized: {} });
  });
});

describe("validateResponseAnswers: accepted answers", () => {
  it("accepts a complete, valid response", () => {
    const result = validateResponseAnswers(definition, COMPLETE, { complete: true });
    expect(result).toEqual({ ok: true, errors: [], normalized: COMPLETE });
  });

  it("partial saves check only what is given (no required errors)", () => {
    expect(validateResponseAnswers(definition, { level: 3 }, { complete: false })).toEqual({ ok: true, errors: [], normalized: { level: 3 } });
    expect(validateResponseAnswers(definition, {}, { complete: false }).ok).toBe(true);
  });

  it("requires only visible items on complete", () => {
    // detail (required) and web_only (required) are hidden here.
    expect(validateResponseAnswers(definition, { ...COMPLETE, channel: "store" }, { complete: true }).ok).toBe(true);
  });

  it("treats null, empty strings and empty selections as unanswered", () => {
    const result = validateResponseAnswers(definition, { ...COMPLETE, comment: "   ", features: [], channel: null, level: "" }, { complete: true });
    expect(result).toEqual({ ok: true, errors: [], normalized: COMPLETE });
    const missing = validateResponseAnswers(definition, { ...COMPLETE, score: null }, { complete: true });
    expect(missing.errors.map((error) => error.code)).toEqual(["required"]);
  });

  it("normalizes text and selections", () => {
    const result = validateResponseAnswers(
      definition,
      { ...COMPLETE, complained: true, detail: "  a\r\nb\u0000 ", features: ["c", "a", "c"], channel: " web ", web_only: -0 },
      { complete: true },
    );
    expect(result.ok).toBe(true);
    expect(result.normalized).toMatchObject({ detail: "a\nb", features: ["a", "c"], channel: "web", web_only: 0 });
    expect(Object.is(result.normalized.web_only, 0)).toBe(true);
  });

  it("accepts boundary values of every scale", () => {
    for (const answers of [
      { score: 1, level: 1, grid_a: 1 },
      { score: 10, level: 5, grid_a: 7 },
    ]) {
      expect(validateResponseAnswers(definition, answers, { complete: false }).ok).toBe(true);
    }
    expect(validateResponseAnswers(definition, { channel: "web", web_only: 0 }, { complete: false }).ok).toBe(true);
  });

  it("reports errors in survey order with payload-level errors first", () => {
    const result = validateResponseAnswers(definition, { nope: 1, comment: 5, score: 99 }, { complete: false });
    expect(result.errors.map((error) => error.itemId)).toEqual(["score", "comment", "nope"]);
  });

  it("does not double-report a required item that had an invalid answer", () => {
    const result = validateResponseAnswers(definition, { ...COMPLETE, score: "x" }, { complete: true });
    expect(result.errors.map((error) => `${error.itemId}:${error.code}`)).toEqual(["score:wrong_type"]);
  });

  it("carries params for localized messages", () => {
    const result = validateResponseAnswers(definition, { score: 12, features: ["a", "b", "c"] }, { complete: false });
    expect(result.errors[0].params).toEqual({ min: 1, max: 10 });
    expect(result.errors[1].params).toEqual({ maxSelections: 2, selected: 3 });
  });
});

describe("findMissingRequired", () => {
  it("can be limited to one page", () => {
    expect(findMissingRequired(definition, {}, { pageId: "p1" }).map((error) => error.itemId)).toEqual(["score", "complained"]);
    expect(findMissingRequired(definition, {}, { pageId: "p2" }).map((error) => error.itemId)).toEqual(["grid_a", "grid_b"]);
    expect(findMissingRequired(definition, {}).map((error) => error.itemId)).toEqual(["score", "complained", "grid_a", "grid_b"]);
    expect(findMissingRequired(definition, {}, { pageId: "zz" })[0].code).toBe("unknown_page");
  });
});

describe("text helpers", () => {
  it("counts code points and normalizes line breaks", () => {
    expect(textLength("满意😀")).toBe(3);
    expect(normalizeText(" a\r\nb\rc \u0007")).toBe("a\nb\nc");
  });
});
