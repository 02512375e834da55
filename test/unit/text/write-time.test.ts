/**
 * The write-time preparation of customer texts (issue 14): what is stored for an open answer or a
 * complaint, which answers are open texts, the respondent's satisfaction, the urgency hint, the
 * suggested category and emerging phrases. Hand-written examples in both languages.
 */
import { describe, expect, it } from "vitest";
import { parseSurveyDefinition, type SurveyDefinition } from "../../../src/domain/survey/definition";
import { defaultTextEngine } from "../../../src/domain/text";
import { emptyOrganisationModel, learnFromCorrection } from "../../../src/domain/text/organisation-model";
import { organisationFeatures } from "../../../src/domain/text/organisation-features";
import { compileTaxonomy, seedTaxonomy } from "../../../src/domain/text/taxonomy";
import {
  emergingPhrases,
  MAX_SCORED_TEXT_CHARS,
  openTextAnswers,
  respondentSatisfaction,
  scoreCustomerText,
  suggestComplaintCategory,
  urgencyHint,
} from "../../../src/domain/text/write-time";

const engine = defaultTextEngine();
const categories = ["product_quality", "service_attitude", "delivery", "billing", "technical", "other"];
const taxonomy = compileTaxonomy(seedTaxonomy({ constructs: ["perceived_value"], complaintCategories: categories }));

function definition(items: unknown[]): SurveyDefinition {
  const parsed = parseSurveyDefinition({ formatVersion: 1, languages: ["en"], defaultLanguage: "en", title: { en: "t" }, pages: [{ id: "p1", items }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.definition;
}

describe("scoreCustomerText", () => {
  it("stores language, sentiment, the taxonomy's topics and content words of a Chinese complaint", () => {
    const stored = scoreCustomerText(engine, taxonomy, "快递太慢了，等了五天才到，价格还这么贵，非常失望");
    expect(stored.language).toBe("zh");
    expect(stored.sentiment).toBe("negative");
    expect(stored.score).toBeLessThan(0);
    expect(stored.topics).toEqual(["delivery", "perceived_value"]);
    expect(stored.keywords).toContain("快递");
  });

  it("does the same for an English compliment", () => {
    const stored = scoreCustomerText(engine, taxonomy, "The staff were friendly and the delivery arrived early. Great service!");
    expect(stored.language).toBe("en");
    expect(stored.sentiment).toBe("positive");
    expect(stored.topics).toEqual(["service_attitude", "delivery"]);
  });
});

describe("openTextAnswers and respondentSatisfaction", () => {
  const survey = definition([
    { id: "sat1", type: "rating", label: { en: "s1" }, min: 1, max: 10, construct: "satisfaction" },
    { id: "sat2", type: "rating", label: { en: "s2" }, min: 1, max: 10, construct: "satisfaction" },
    { id: "why", type: "text", label: { en: "why" } },
    { id: "more", type: "text", label: { en: "more" } },
  ]);

  it("keeps the non-empty free-text answers, trimmed and capped", () => {
    const long = "好".repeat(MAX_SCORED_TEXT_CHARS + 10);
    expect(openTextAnswers(survey, { sat1: 7, why: "  送货很快  ", more: "   " })).toEqual([{ field: "why", text: "送货很快" }]);
    expect(openTextAnswers(survey, { why: long })[0]!.text.length).toBe(MAX_SCORED_TEXT_CHARS);
  });

  it("rescales the satisfaction items to 0–100 and averages them (ACSI's (x − min)/(max − min))", () => {
    // (10 − 1)/9 · 100 = 100 and (4 − 1)/9 · 100 = 33.33…: mean 66.67.
    expect(respondentSatisfaction(survey, { sat1: 10, sat2: 4 })).toBe(66.67);
    expect(respondentSatisfaction(survey, { why: "ok" })).toBeNull();
  });

  it("falls back to the five-level satisfaction item when no item carries the construct", () => {
    const csat = definition([{ id: "csat", type: "satisfaction5", label: { en: "c" }, metric: "satisfaction_level" }]);
    expect(respondentSatisfaction(csat, { csat: 4 })).toBe(75);
  });
});

describe("urgencyHint", () => {
  it("is high for a safety or legal cue whatever the tone, in either language", () => {
    expect(urgencyHint("热水器漏电了，请尽快上门", 0.1)).toEqual({ urgency: "high", cues: ["尽快", "漏电"] });
    expect(urgencyHint("I will take legal action", 0)).toMatchObject({ urgency: "high", cues: ["legal action"] });
  });

  it("follows the score otherwise, and matches English cues as whole words", () => {
    expect(urgencyHint("terrible", -0.9).urgency).toBe("high");
    expect(urgencyHint("meh", -0.3).urgency).toBe("normal");
    expect(urgencyHint("thanks", 0.5).urgency).toBe("low");
    // "sue" inside "issue" is no cue.
    expect(urgencyHint("there is an issue", 0.5)).toEqual({ urgency: "low", cues: [] });
  });
});

describe("suggestComplaintCategory", () => {
  const features = organisationFeatures;

  it("suggests from taxonomy keywords while the organisation's model has learnt nothing", () => {
    const text = "The courier left the parcel in the rain";
    const suggestion = suggestComplaintCategory({ model: emptyOrganisationModel(), features: features(text), taxonomy, text, categories });
    expect(suggestion).toEqual({ category: "delivery", confidence: 1, basis: "keywords" });
  });

  it("suggests nothing when no keyword matches and nothing was learnt", () => {
    const text = "我想说一下上周的事情";
    expect(suggestComplaintCategory({ model: emptyOrganisationModel(), features: features(text), taxonomy, text, categories })).toBeNull();
  });

  it("only suggests the organisation's own categories", () => {
    const text = "快递太慢";
    expect(suggestComplaintCategory({ model: emptyOrganisationModel(), features: features(text), taxonomy, text, categories: ["billing"] })).toBeNull();
  });

  it("prefers the organisation's model once it has learnt from its corrections", () => {
    let model = emptyOrganisationModel();
    const examples: Array<[string, string]> = [
      ["会员卡积分没有到账", "billing"],
      ["积分兑换失败", "billing"],
      ["my loyalty points are missing", "billing"],
      ["points were not added to my card", "billing"],
      ["积分被清零了", "billing"],
      ["店员很不耐烦", "service_attitude"],
      ["the cashier was rude", "service_attitude"],
    ];
    for (let pass = 0; pass < 3; pass++) for (const [text, label] of examples) model = learnFromCorrection(model, features(text), label);
    const text = "积分又没有到账";
    const suggestion = suggestComplaintCategory({ model, features: features(text), taxonomy, text, categories });
    expect(suggestion).toMatchObject({ category: "billing", basis: "organisation_model" });
  });
});

describe("emergingPhrases", () => {
  const covered = (word: string) => taxonomy.covers(word);

  it("ranks words by smoothed growth against the previous period, scaled to its size, leaving out the taxonomy's words", () => {
    const current = [["停车", "快递"], ["停车"], ["停车", "排骨"], ["排骨"], ["排骨"], ["排骨"]];
    const previous = [["排骨"], ["排骨"], ["排骨"]];
    // 停车: (3 + 1)/(0·2 + 1) = 4; 排骨: (4 + 1)/(3·2 + 1) = 0.71; 快递 is a taxonomy keyword.
    expect(emergingPhrases(current, previous, covered)).toEqual([
      { phrase: "停车", count: 3, previousCount: 0, growth: 4 },
      { phrase: "排骨", count: 4, previousCount: 3, growth: 0.71 },
    ]);
  });

  it("needs a word in at least minCount comments, counting each comment once", () => {
    expect(emergingPhrases([["停车", "停车"], ["停车"]], [], covered)).toEqual([]);
    expect(emergingPhrases([["停车", "停车"], ["停车"]], [], covered, { minCount: 2 })).toEqual([{ phrase: "停车", count: 2, previousCount: 0, growth: 3 }]);
  });
});
