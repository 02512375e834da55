import { describe, expect, it } from "vitest";
import {
  ACSI_PATHS,
  TEMPLATE_KEYS,
  collectLocalizedTexts,
  deriveStructuralModel,
  findExpectationPerceptionPairs,
  findMetricItems,
  findMissingTranslations,
  getTemplate,
  isTemplateKey,
  listAnswerSlots,
  listTemplates,
  parseSurveyDefinition,
  reviewMeasurementPlan,
  validateResponseAnswers,
  type SurveyDefinition,
} from "../../../src/domain/survey";
import { buildDefinition, t } from "./fixtures";

function parsed(key: (typeof TEMPLATE_KEYS)[number]): SurveyDefinition {
  const result = parseSurveyDefinition(getTemplate(key));
  if (!result.ok) throw new Error(result.errors.map((error) => `${error.path}: ${error.message}`).join("\n"));
  return result.definition;
}

describe.each(TEMPLATE_KEYS)("template %s", (key) => {
  it("parses as a valid definition and round-trips through JSON unchanged", () => {
    const template = getTemplate(key);
    const result = parseSurveyDefinition(JSON.parse(JSON.stringify(template)));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.definition).toEqual(template);
  });

  it("is fully bilingual (zh-CN default + en) with no missing translations", () => {
    const definition = parsed(key);
    expect(definition.languages).toEqual(["zh-CN", "en"]);
    expect(definition.defaultLanguage).toBe("zh-CN");
    expect(findMissingTranslations(definition)).toEqual([]);
    for (const { text } of collectLocalizedTexts(definition)) {
      // Chinese texts must actually be Chinese, not a copy of the English.
      expect(text["zh-CN"]).not.toBe(text.en);
      expect(text["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("has the segment hidden fields touchpoint, region and tier", () => {
    const segments = parsed(key).hiddenFields.map((field) => [field.id, field.segment]);
    expect(segments).toEqual(expect.arrayContaining([["touchpoint", "touchpoint"], ["region", "region"], ["tier", "tier"]]));
  });

  it("accepts a complete, plausible response", () => {
    const definition = parsed(key);
    const answers: Record<string, unknown> = {};
    for (const slot of listAnswerSlots(definition)) {
      if (!slot.required) continue;
      if (slot.kind === "yes_no") answers[slot.id] = false;
      else if (slot.bounds) answers[slot.id] = slot.bounds.max;
    }
    const result = validateResponseAnswers(definition, answers, { complete: true });
    expect(result.errors).toEqual([]);
  });

  it("getTemplate returns an independent copy", () => {
    const copy = getTemplate(key);
    copy.pages[0].items[0].id = "changed";
    expect(getTemplate(key).pages[0].items[0].id).not.toBe("changed");
  });
});

const ACSI_ITEMS: Array<[string, string, string?]> = [
  ["ce_overall", "expectations"],
  ["ce_custom", "expectations"],
  ["ce_reliability", "expectations"],
  ["pq_overall", "perceived_quality"],
  ["pq_custom", "perceived_quality"],
  ["pq_reliability", "perceived_quality"],
  ["pv_price_given_quality", "perceived_value"],
  ["pv_quality_given_price", "perceived_value"],
  ["sat_overall", "satisfaction"],
  ["sat_expectations", "satisfaction"],
  ["sat_ideal", "satisfaction"],
  ["complained", "complaints", "complaint"],
  ["loy_repurchase", "loyalty", "repurchase"],
  ["loy_price_increase", "loyalty", "price_tolerance_increase"],
  ["loy_price_decrease", "loyalty", "price_tolerance_decrease"],
];

describe("ACSI template", () => {
  const definition = parsed("acsi");
  const slots = listAnswerSlots(definition);
  const byId = new Map(slots.map((slot) => [slot.id, slot]));

  it("has exactly the 15 standard items with their construct tags", () => {
    const tagged = slots.filter((slot) => slot.construct !== undefined).map((slot) => [slot.id, slot.construct]);
    expect(tagged).toEqual(ACSI_ITEMS.map(([id, construct]) => [id, construct]));
  });

  it.each(ACSI_ITEMS)("%s is configured correctly", (id, _construct, metric) => {
    const slot = byId.get(id);
    expect(slot?.required).toBe(true);
    expect(slot?.metric).toBe(metric);
    if (id === "complained") {
      expect(slot?.kind).toBe("yes_no");
      return;
    }
    const item = slot?.item;
    expect(item?.type).toBe("rating");
    if (item?.type !== "rating") return;
    expect([item.min, item.max, item.preset]).toEqual([1, 10, "acsi10"]);
    expect(item.minLabel?.["zh-CN"]).toBeTruthy();
    expect(item.maxLabel?.en).toBeTruthy();
  });

  it("uses the standard end labels", () => {
    const labels = (id: string) => {
      const item = byId.get(id)?.item;
      return item?.type === "rating" ? [item.minLabel, item.maxLabel] : [];
    };
    expect(labels("sat_overall")).toEqual([t("非常不满意", "Not at all satisfied"), t("非常满意", "Very satisfied")]);
    expect(labels("sat_expectations").map((text) => text?.en)).toEqual(["Falls short of your expectations", "Exceeds your expectations"]);
    expect(labels("sat_ideal").map((text) => text?.en)).toEqual(["Not very close to ideal", "Very close to ideal"]);
  });

  it("adds NPS, the five-level satisfaction item and a comment", () => {
    expect(byId.get("nps")).toMatchObject({ kind: "rating", required: true, metric: "nps", bounds: { min: 0, max: 10 } });
    expect(byId.get("sat_level")).toMatchObject({ kind: "satisfaction5", required: false, metric: "satisfaction_level" });
    expect(byId.get("comment")).toMatchObject({ kind: "text", required: false });
    expect(findMetricItems(definition)).toEqual({
      complaint: ["complained"],
      repurchase: ["loy_repurchase"],
      price_tolerance_increase: ["loy_price_increase"],
      price_tolerance_decrease: ["loy_price_decrease"],
      nps: ["nps"],
      satisfaction_level: ["sat_level"],
    });
  });

  it("spreads items over several pages and shows the complaint detail only after a complaint", () => {
    expect(definition.pages.length).toBeGreaterThanOrEqual(4);
    expect(byId.get("complaint_detail")?.item.showIf).toEqual({ itemId: "complained", op: "equals", value: true });
    const base = Object.fromEntries(ACSI_ITEMS.map(([id]) => [id, id === "complained" ? false : 5]));
    expect(validateResponseAnswers(definition, { ...base, nps: 5, complaint_detail: "x" }, { complete: true }).errors[0]?.code).toBe("hidden_item");
    expect(validateResponseAnswers(definition, { ...base, nps: 5, complained: true, complaint_detail: "x" }, { complete: true }).ok).toBe(true);
  });

  it("carries a measurement plan following the seeds' ~250 per company and former customers", () => {
    expect(definition.measurementPlan).toMatchObject({ samplingPlan: { targetN: 250 }, includesFormerCustomers: true });
    expect(reviewMeasurementPlan(definition).map((advisory) => advisory.code)).toEqual(["no_benchmark"]);
  });
});

describe("deriveStructuralModel", () => {
  it("ACSI: six constructs and the nine standard paths", () => {
    const model = deriveStructuralModel(parsed("acsi"));
    expect(model.constructs).toEqual({
      expectations: ["ce_overall", "ce_custom", "ce_reliability"],
      perceived_quality: ["pq_overall", "pq_custom", "pq_reliability"],
      perceived_value: ["pv_price_given_quality", "pv_quality_given_price"],
      satisfaction: ["sat_overall", "sat_expectations", "sat_ideal"],
      complaints: ["complained"],
      loyalty: ["loy_repurchase", "loy_price_increase", "loy_price_decrease"],
    });
    expect(model.paths).toEqual([
      ["expectations", "perceived_quality"],
      ["expectations", "perceived_value"],
      ["expectations", "satisfaction"],
      ["perceived_quality", "perceived_value"],
      ["perceived_quality", "satisfaction"],
      ["perceived_value", "satisfaction"],
      ["satisfaction", "complaints"],
      ["satisfaction", "loyalty"],
      ["complaints", "loyalty"],
    ]);
  });

  it("ECSI: adds image → expectations, satisfaction, loyalty (image items are matrix rows)", () => {
    const model = deriveStructuralModel(parsed("ecsi"));
    expect(Object.keys(model.constructs)).toEqual(["image", "expectations", "perceived_quality", "perceived_value", "satisfaction", "complaints", "loyalty"]);
    expect(model.constructs.image).toHaveLength(5);
    expect(model.constructs.loyalty).toEqual(["loy_repurchase", "loy_recommend", "loy_price_increase"]);
    expect(model.paths).toEqual([["image", "expectations"], ["image", "satisfaction"], ["image", "loyalty"], ...ACSI_PATHS]);
  });

  it("keeps only paths between constructs that are present, and gives custom constructs no paths", () => {
    const definition = buildDefinition([
      {
        id: "p1",
        items: [
          { id: "q_pq", type: "rating", label: t("质量"), min: 1, max: 10, construct: "perceived_quality" },
          { id: "q_sat", type: "rating", label: t("满意"), min: 1, max: 10, construct: "satisfaction" },
          { id: "q_speed", type: "rating", label: t("速度"), min: 1, max: 5, construct: "custom:speed" },
          { id: "q_note", type: "text", label: t("备注"), construct: "satisfaction" },
        ],
      },
    ]);
    expect(deriveStructuralModel(definition)).toEqual({
      constructs: { perceived_quality: ["q_pq"], satisfaction: ["q_sat"], "custom:speed": ["q_speed"] },
      paths: [["perceived_quality", "satisfaction"]],
    });
  });

  it("is empty for surveys without construct tags", () => {
    expect(deriveStructuralModel(parsed("nps"))).toEqual({ constructs: {}, paths: [] });
  });
});

describe("other templates", () => {
  it("NPS follow-ups split detractors, passives and promoters at 6/7 and 8/9", () => {
    const definition = parsed("nps");
    const visibleFollowUp = (score: number) =>
      ["reason_detractor", "reason_passive", "reason_promoter"].filter(
        (id) => validateResponseAnswers(definition, { nps: score, [id]: "x" }, { complete: false }).ok,
      );
    expect(visibleFollowUp(0)).toEqual(["reason_detractor"]);
    expect(visibleFollowUp(6)).toEqual(["reason_detractor"]);
    expect(visibleFollowUp(7)).toEqual(["reason_passive"]);
    expect(visibleFollowUp(8)).toEqual(["reason_passive"]);
    expect(visibleFollowUp(9)).toEqual(["reason_promoter"]);
    expect(visibleFollowUp(10)).toEqual(["reason_promoter"]);
  });

  it("CSAT is 1-5 and CES is 1-7 with the right metric tags", () => {
    expect(listAnswerSlots(parsed("csat"))[0]).toMatchObject({ id: "csat", metric: "csat", bounds: { min: 1, max: 5 } });
    expect(listAnswerSlots(parsed("ces"))[0]).toMatchObject({ id: "ces", metric: "ces", bounds: { min: 1, max: 7 } });
  });

  it("SERVQUAL pairs two statements per RATER dimension on a 7-point scale", () => {
    const definition = parsed("servqual");
    const pairs = findExpectationPerceptionPairs(definition);
    expect(pairs).toHaveLength(10);
    const perDimension = new Map<string, number>();
    for (const pair of pairs) perDimension.set(pair.dimension, (perDimension.get(pair.dimension) ?? 0) + 1);
    expect(Object.fromEntries(perDimension)).toEqual({ tangibles: 2, reliability: 2, responsiveness: 2, assurance: 2, empathy: 2 });
    expect(pairs[0]).toEqual({ pairKey: "tan_equipment", dimension: "tangibles", expectationItemId: "e_tan_equipment", perceptionItemId: "p_tan_equipment" });
    for (const slot of listAnswerSlots(definition).filter((candidate) => typeof candidate.metric === "object")) {
      expect(slot.bounds).toEqual({ min: 1, max: 7 });
    }
  });

  it("complaint handling asks CSAT, CES and resolved, with a follow-up when unresolved", () => {
    const definition = parsed("complaint_handling");
    expect(findMetricItems(definition)).toEqual({ csat: ["csat"], ces: ["ces"], resolved: ["resolved"] });
    const base = { csat: 2, ces: 3 };
    expect(validateResponseAnswers(definition, { ...base, resolved: false, unresolved_detail: "still broken" }, { complete: true }).ok).toBe(true);
    expect(validateResponseAnswers(definition, { ...base, resolved: true, unresolved_detail: "x" }, { complete: true }).ok).toBe(false);
    expect(definition.hiddenFields.map((field) => field.id)).toContain("case_id");
  });
});

describe("template catalogue", () => {
  it("lists every template with counts", () => {
    const list = listTemplates();
    expect(list.map((entry) => entry.key)).toEqual([...TEMPLATE_KEYS]);
    const acsi = list.find((entry) => entry.key === "acsi");
    expect(acsi).toMatchObject({ languages: ["zh-CN", "en"], pageCount: 5 });
    expect(acsi?.itemCount).toBe(19);
    for (const entry of list) {
      expect(entry.title["zh-CN"]).toBeTruthy();
      expect(entry.summary.en).toBeTruthy();
    }
  });

  it("isTemplateKey guards route parameters", () => {
    expect(isTemplateKey("acsi")).toBe(true);
    expect(isTemplateKey("ACSI")).toBe(false);
    expect(isTemplateKey("__proto__")).toBe(false);
  });
});
