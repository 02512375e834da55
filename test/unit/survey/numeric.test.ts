import { describe, expect, it } from "vitest";
import { getTemplate, numericItemIds, parseSurveyDefinition, scaleBounds, toNumericRow } from "../../../src/domain/survey";
import { buildDefinition, kitchenSink, t } from "./fixtures";

const definition = kitchenSink();

describe("toNumericRow", () => {
  it("lists every tagged numeric item, null when unanswered", () => {
    // score (construct), level (metric), complained (construct+metric), grid rows (construct via matrix),
    // web_only (metric). Untagged or non-numeric items (channel, features, detail, comment) are left out.
    expect(toNumericRow(definition, {})).toEqual({ score: null, level: null, complained: null, grid_a: null, grid_b: null, web_only: null });
    expect(numericItemIds(definition)).toEqual(["score", "level", "complained", "grid_a", "grid_b", "web_only"]);
  });

  it.each([
    ["rating", { score: 7 }, "score", 7],
    ["satisfaction5", { level: 2 }, "level", 2],
    ["yes → 1", { complained: true }, "complained", 1],
    ["no → 0", { complained: false }, "complained", 0],
    ["matrix row", { grid_b: 6 }, "grid_b", 6],
    ["visible conditional item", { channel: "web", web_only: 0 }, "web_only", 0],
    ["hidden conditional item → null", { channel: "store", web_only: 9 }, "web_only", null],
    ["out-of-range stored value → null", { score: 11 }, "score", null],
    ["wrong type stored value → null", { score: "7" }, "score", null],
    ["non-integer → null", { score: 7.5 }, "score", null],
    ["boolean on a rating → null", { score: true }, "score", null],
  ])("%s", (_name, answers, id, expected) => {
    expect(toNumericRow(definition, answers)[id]).toBe(expected);
  });

  it("gives the 15 ACSI items plus NPS and sat_level for the ACSI template", () => {
    const result = parseSurveyDefinition(getTemplate("acsi"));
    if (!result.ok) throw new Error("template invalid");
    const row = toNumericRow(result.definition, { sat_overall: 9, complained: true, nps: 10 });
    expect(Object.keys(row)).toHaveLength(17);
    expect(row).toMatchObject({ sat_overall: 9, complained: 1, nps: 10, ce_overall: null, sat_level: null });
  });
});

describe("toNumericRow with allNumeric", () => {
  it("adds untagged numeric items but still no text or choice items", () => {
    const untagged = buildDefinition([
      {
        id: "p1",
        items: [
          { id: "plain", type: "rating", label: t("评分"), min: 1, max: 5 },
          { id: "flag", type: "yes_no", label: t("是否") },
          { id: "note", type: "text", label: t("备注") },
          { id: "tagged", type: "rating", label: t("满意"), min: 1, max: 10, construct: "satisfaction" },
        ],
      },
    ]);
    expect(toNumericRow(untagged, { plain: 4, flag: true, note: "x" })).toEqual({ tagged: null });
    expect(toNumericRow(untagged, { plain: 4, flag: true, note: "x" }, { allNumeric: true })).toEqual({ plain: 4, flag: 1, tagged: null });
    expect(numericItemIds(untagged, { allNumeric: true })).toEqual(["plain", "flag", "tagged"]);
    expect(Object.keys(scaleBounds(untagged))).toEqual(numericItemIds(untagged, { allNumeric: true }));
  });
});

describe("scaleBounds", () => {
  it("covers every numeric answer slot with its scale", () => {
    expect(scaleBounds(definition)).toEqual({
      score: { min: 1, max: 10 },
      level: { min: 1, max: 5 },
      complained: { min: 0, max: 1 },
      grid_a: { min: 1, max: 7 },
      grid_b: { min: 1, max: 7 },
      web_only: { min: 0, max: 10 },
    });
  });
});
