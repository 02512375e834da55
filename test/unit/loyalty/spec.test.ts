import { describe, expect, it } from "vitest";
import { parseSurveyDefinition, type SurveyDefinition } from "../../../src/domain/survey/definition";
import { getTemplate } from "../../../src/domain/survey/templates";
import { loyaltyLogExtras, loyaltyModelFor, loyaltyRowFromLog, respondentStatusOf } from "../../../src/domain/loyalty/spec";

function parse(input: unknown): SurveyDefinition {
  const result = parseSurveyDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

describe("loyalty model of a survey", () => {
  it("the plain ACSI template has none, so its statistics layout is unchanged", () => {
    expect(loyaltyModelFor(getTemplate("acsi"))).toBeNull();
  });

  it("the ACSI + loyalty template pairs expectations with perceptions and tags attraction and participation", () => {
    const model = loyaltyModelFor(parse(getTemplate("acsi_loyalty")))!;
    expect(model.statusFieldId).toBe("customer_status");
    expect(model.stats.pairs.map((p) => [p.expectationItemId, p.perceptionItemId])).toEqual([
      ["ce_overall", "pq_overall"],
      ["ce_custom", "pq_custom"],
      ["ce_reliability", "pq_reliability"],
    ]);
    expect(model.stats.satisfaction).toMatchObject({ id: "sat_level", min: 1, max: 5, banded: false });
    expect(model.stats.intentItems.map((i) => i.id)).toEqual(["loy_repurchase", "nps"]);
    expect(model.items.attractionItems.map((i) => i.id)).toEqual(["att_choose_again", "att_interest"]);
    expect(model.items.willingnessItems.map((i) => i.id)).toEqual(["par_feedback", "par_codesign"]);
    expect(model.items.panelOptInItems.map((i) => i.id)).toEqual(["par_panel"]);
    expect(model.items.satisfactionItems.map((i) => i.id)).toEqual(["sat_overall", "sat_expectations", "sat_ideal"]);
    expect(model.openItemIds).toEqual(["complaint_detail", "comment"]);
  });

  it("the win-back template is valid in both languages, carries the status field and codes the reasons", () => {
    const definition = parse(getTemplate("win_back"));
    const model = loyaltyModelFor(definition)!;
    expect(model.statusFieldId).toBe("customer_status");
    expect(model.items.attractionItems.map((i) => i.id)).toEqual(["att_choose_again"]);
    expect(model.stats.choices.map((c) => c.id)).toEqual(["defection_reasons", "switched_to", "win_back_offers"]);
    const extras = loyaltyLogExtras(definition, model, { defection_reasons: ["price", "service"], switched_to: "competitor", defection_detail: "too slow" }, { customer_status: "former" });
    // status former, open shown and answered, then per coded question: answered flag + one flag per option.
    expect(extras).toEqual([2, 1, 1, /* defection_reasons */ 1, 1, 0, 1, 0, 0, 0, 0, 0, /* switched_to */ 1, 1, 0, 0, 0, 0, /* win_back_offers */ 0, 0, 0, 0, 0, 0, 0, 0]);
    const row = loyaltyRowFromLog(model.stats, [], extras);
    expect(row.choices).toEqual({ defection_reasons: ["price", "service"], switched_to: ["competitor"] });
  });

  it("reads the status from the hidden field and logs the open-answer signals", () => {
    const definition = parse(getTemplate("acsi_loyalty"));
    const model = loyaltyModelFor(definition)!;
    expect(respondentStatusOf(model, { customer_status: "former" })).toBe("former");
    expect(respondentStatusOf(model, { customer_status: "vip" })).toBe("unspecified");
    expect(respondentStatusOf(model, {})).toBe("unspecified");
    // complaint_detail is hidden unless complained = yes; comment is always shown.
    expect(loyaltyLogExtras(definition, model, { complained: false }, { customer_status: "potential" })).toEqual([3, 1, 0]);
    expect(loyaltyLogExtras(definition, model, { complained: true, complaint_detail: "late delivery" }, {})).toEqual([0, 1, 1]);
    expect(loyaltyLogExtras(definition, model, { comment: "   " }, { customer_status: "current" })).toEqual([1, 1, 0]);
    const row = loyaltyRowFromLog({ ...model.stats, choices: [{ id: "why", optionIds: ["x", "y"] }] }, ["a", "b"], [3, null, 2, 1, 0, 1, 0, 1]);
    expect(row).toEqual({ values: { a: 3, b: null }, status: "former", openOffered: true, openAnswered: false, choices: { why: ["y"] } });
  });
});

describe("perceptionPair in the survey format", () => {
  const base = {
    formatVersion: 1,
    languages: ["en"],
    defaultLanguage: "en",
    title: { en: "t" },
    pages: [
      {
        id: "p1",
        items: [
          { id: "exp", type: "rating", label: { en: "e" }, min: 1, max: 7, perceptionPair: "per" },
          { id: "per", type: "rating", label: { en: "p" }, min: 1, max: 7 },
          { id: "wide", type: "rating", label: { en: "w" }, min: 1, max: 10 },
          { id: "yn", type: "yes_no", label: { en: "y" } },
        ],
      },
    ],
  };
  const withPair = (pair: string, id = "exp") => {
    const copy = structuredClone(base) as { pages: { items: Record<string, unknown>[] }[] };
    for (const item of copy.pages[0]!.items) if (item.id === id) item.perceptionPair = pair;
    return copy;
  };

  it("accepts a pair on one scale", () => {
    expect(parseSurveyDefinition(base).ok).toBe(true);
  });

  it.each([
    ["nope", "not an item"],
    ["exp", "its own perception pair"],
    ["wide", "same scale"],
    ["yn", "same scale"],
  ])("rejects perceptionPair %s with an actionable message", (pair, message) => {
    const result = parseSurveyDefinition(withPair(pair));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n")).toContain(message);
  });

  it("rejects a perception item paired twice", () => {
    const copy = withPair("per", "wide") as { pages: { items: Record<string, unknown>[] }[] };
    copy.pages[0]!.items[2]!.max = 7;
    const result = parseSurveyDefinition(copy);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toContain("already the perception pair");
  });

  it("checks the new metric roles' item types", () => {
    const copy = structuredClone(base) as { pages: { items: Record<string, unknown>[] }[] };
    copy.pages[0]!.items[3]!.metric = "attraction";
    copy.pages[0]!.items[1]!.metric = "panel_opt_in";
    const result = parseSurveyDefinition(copy);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual([
      'role "panel_opt_in" needs a yes_no item, but this is a 1-7 rating',
      'role "attraction" needs a rating item, but this is a yes_no item',
    ]);
  });
});
