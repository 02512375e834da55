import { describe, expect, it } from "vitest";
import { applyPageSubmission, parseFormAnswers, type AnswerErrorCode, type FormFields } from "../../../src/domain/survey";
import { kitchenSink } from "./fixtures";

const definition = kitchenSink();

type ParseCase = {
  name: string;
  page: string;
  fields: FormFields;
  answers?: Record<string, unknown>;
  errors?: Array<[string | null, AnswerErrorCode]>;
  cleared?: string[];
};

const PARSE_CASES: ParseCase[] = [
  { name: "rating string → integer", page: "p1", fields: { score: "7" }, answers: { score: 7 } },
  { name: "rating with surrounding spaces and plus sign", page: "p1", fields: { score: " +7 " }, answers: { score: 7 } },
  { name: "rating junk", page: "p1", fields: { score: "seven" }, errors: [["score", "wrong_type"]] },
  { name: "rating exponent notation is junk", page: "p1", fields: { score: "1e1" }, errors: [["score", "wrong_type"]] },
  { name: "rating hex is junk", page: "p1", fields: { score: "0x5" }, errors: [["score", "wrong_type"]] },
  { name: "rating decimal", page: "p1", fields: { score: "7.5" }, errors: [["score", "not_integer"]] },
  { name: "rating out of range", page: "p1", fields: { score: "11" }, errors: [["score", "out_of_range"]] },
  { name: "rating sent twice", page: "p1", fields: { score: ["7", "8"] }, errors: [["score", "wrong_type"]] },
  { name: "satisfaction5 level", page: "p1", fields: { level: "5" }, answers: { level: 5 } },
  { name: "yes → true", page: "p1", fields: { complained: "yes" }, answers: { complained: true } },
  { name: "no → false", page: "p1", fields: { complained: "no" }, answers: { complained: false } },
  { name: "true/false accepted", page: "p1", fields: { complained: "FALSE" }, answers: { complained: false } },
  { name: "yes/no junk", page: "p1", fields: { complained: "maybe" }, errors: [["complained", "wrong_type"]] },
  { name: "text passes through normalized", page: "p1", fields: { detail: " ab\r\ncd " }, answers: { detail: "ab\ncd" } },
  { name: "text too long", page: "p1", fields: { detail: "x".repeat(11) }, errors: [["detail", "too_long"]] },
  { name: "single choice", page: "p2", fields: { channel: "web" }, answers: { channel: "web" } },
  { name: "single choice unknown option", page: "p2", fields: { channel: "fax" }, errors: [["channel", "unknown_option"]] },
  { name: "checkbox group as array", page: "p2", fields: { features: ["c", "a"] }, answers: { features: ["a", "c"] } },
  { name: "checkbox group with [] suffix", page: "p2", fields: { "features[]": ["a", "b"] }, answers: { features: ["a", "b"] } },
  { name: "single checkbox as string is one selection", page: "p2", fields: { features: "a" }, errors: [["features", "too_few_selections"]] },
  { name: "too many checkboxes", page: "p2", fields: { features: ["a", "b", "c"] }, errors: [["features", "too_many_selections"]] },
  { name: "matrix rows by row id", page: "p2", fields: { grid_a: "3", grid_b: "7" }, answers: { grid_a: 3, grid_b: 7 } },
  { name: "matrix row junk", page: "p2", fields: { grid_a: "x" }, errors: [["grid_a", "wrong_type"]] },
  { name: "file in an answer field is junk", page: "p1", fields: { score: new File(["x"], "x.txt") }, errors: [["score", "wrong_type"]] },
  {
    name: "absent and empty fields are cleared; foreign fields ignored",
    page: "p1",
    fields: { score: "", csrf: "token", channel: "web" },
    answers: {},
    cleared: ["score", "level", "complained", "detail"],
  },
  { name: "unknown page", page: "p9", fields: {}, errors: [[null, "unknown_page"]] },
];

describe("parseFormAnswers", () => {
  it.each(PARSE_CASES)("$name", ({ page, fields, answers, errors, cleared }) => {
    const result = parseFormAnswers(definition, page, fields);
    if (answers) expect(result.answers).toEqual(answers);
    expect(result.errors.map((error) => [error.itemId, error.code])).toEqual(errors ?? []);
    if (cleared) expect(result.cleared).toEqual(cleared);
    for (const [itemId] of errors ?? []) {
      if (itemId) {
        expect(result.cleared).toContain(itemId);
        expect(result.answers).not.toHaveProperty(itemId);
      }
    }
  });
});

describe("applyPageSubmission", () => {
  it("merges a valid page and points to the next visible page", () => {
    const result = applyPageSubmission(definition, "p1", {}, { score: "9", complained: "no" });
    expect(result).toMatchObject({ ok: true, answers: { score: 9, complained: false }, errors: [], removedAnswers: [] });
    expect(result.nextPage?.id).toBe("p2");
  });

  it("reports the page's missing required items", () => {
    const result = applyPageSubmission(definition, "p1", {}, { score: "9", complained: "yes" });
    expect(result.ok).toBe(false);
    expect(result.errors.map((error) => [error.itemId, error.code])).toEqual([["detail", "required"]]);
    expect(result.answers).toEqual({ score: 9, complained: true });
  });

  it("does not complain about required items on other pages", () => {
    const result = applyPageSubmission(definition, "p4", {}, { comment: "ok" });
    expect(result.ok).toBe(true);
    expect(result.nextPage).toBeNull();
  });

  it("clearing a field removes the stored answer", () => {
    const result = applyPageSubmission(definition, "p4", { comment: "old", score: 3 }, {});
    expect(result.answers).toEqual({ score: 3 });
  });

  it("drops stored answers hidden by a changed answer and reroutes", () => {
    const stored = { score: 5, complained: false, grid_a: 1, grid_b: 1, channel: "web", web_only: 8 };
    const result = applyPageSubmission(definition, "p2", stored, { channel: "store", grid_a: "1", grid_b: "1" });
    expect(result.ok).toBe(true);
    expect(result.removedAnswers).toEqual(["web_only"]);
    expect(result.answers).not.toHaveProperty("web_only");
    expect(result.nextPage?.id).toBe("p4");
  });

  it("drops stored answers that no longer fit the definition instead of blocking the respondent", () => {
    const result = applyPageSubmission(definition, "p4", { retired_item: 3, score: 42 }, { comment: "hi" });
    expect(result.ok).toBe(true);
    expect(result.answers).toEqual({ comment: "hi" });
    expect(result.removedAnswers.sort()).toEqual(["retired_item", "score"]);
  });

  it("reports junk without double-reporting it as missing", () => {
    const result = applyPageSubmission(definition, "p1", { score: 4 }, { score: "lots", complained: "no" });
    expect(result.errors.map((error) => [error.itemId, error.code])).toEqual([["score", "wrong_type"]]);
    // The junk submission replaces (clears) the previously stored value.
    expect(result.answers).toEqual({ complained: false });
  });

  it("rejects an unknown page without touching stored answers", () => {
    const result = applyPageSubmission(definition, "p9", { score: 4 }, { score: "5" });
    expect(result).toMatchObject({ ok: false, answers: { score: 4 }, nextPage: null });
  });
});
