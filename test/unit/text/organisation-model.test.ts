import { describe, expect, it } from "vitest";
import {
  ModelFormatError,
  emptyOrganisationModel,
  extractFeatures,
  detectLanguage,
  learnFromCorrection,
  parseOrganisationModel,
  suggestCategory,
  type OrganisationTextModel,
} from "../../../src/domain/text";

const features = (text: string) => extractFeatures(text, detectLanguage(text) ?? "en");

const corrections: Array<[string, string]> = [
  ["快递三天都没到，物流太慢", "delivery"],
  ["The parcel arrived a week late", "delivery"],
  ["送货员把包裹扔在门口", "delivery"],
  ["收费比报价多了两百元", "billing"],
  ["I was charged twice for one order", "billing"],
  ["发票金额开错了", "billing"],
  ["客服态度很差，挂我电话", "staff"],
  ["The agent was rude and unhelpful", "staff"],
  ["服务员不理人", "staff"],
];

function learnAll(rounds: number): OrganisationTextModel {
  let model = emptyOrganisationModel();
  for (let round = 0; round < rounds; round++) for (const [text, label] of corrections) model = learnFromCorrection(model, features(text), label);
  return model;
}

describe("per-organisation learning from corrections", () => {
  it("suggests nothing until it has seen enough corrections", () => {
    let model = emptyOrganisationModel();
    for (const [text, label] of corrections.slice(0, 4)) model = learnFromCorrection(model, features(text), label);
    expect(suggestCategory(model, features("物流太慢了"))).toBeNull();
  });

  it("learns the organisation's own categories in both languages", () => {
    const model = learnAll(3);
    expect(model.labels).toEqual(["delivery", "billing", "staff"]);
    expect(suggestCategory(model, features("物流太慢，快递一直没到"))?.label).toBe("delivery");
    expect(suggestCategory(model, features("charged twice on my card"))?.label).toBe("billing");
    expect(suggestCategory(model, features("客服态度太差"))?.label).toBe("staff");
  });

  it("moves towards a correction: the corrected label gains probability", () => {
    const model = learnAll(2);
    const text = "发票开错了，物流也慢";
    const before = suggestCategory(model, features(text))!;
    const corrected = learnFromCorrection(model, features(text), "billing");
    const after = suggestCategory(corrected, features(text))!;
    const billingBefore = before.label === "billing" ? before.confidence : 1 - before.confidence;
    expect(after.label).toBe("billing");
    expect(after.confidence).toBeGreaterThanOrEqual(billingBefore);
  });

  it("leaves its input untouched and round-trips through JSON", () => {
    const model = learnAll(1);
    const snapshot = JSON.stringify(model);
    learnFromCorrection(model, features("new text"), "new label");
    expect(JSON.stringify(model)).toBe(snapshot);
    expect(parseOrganisationModel(snapshot)).toEqual(model);
  });

  it("keeps at most maxBuckets features", () => {
    let model = emptyOrganisationModel();
    const options = { learningRate: 0.8, l2: 0, maxBuckets: 50, minExamplesToSuggest: 1 };
    for (const [text, label] of corrections) model = learnFromCorrection(model, features(text), label, options);
    expect(Object.keys(model.weights).length).toBeLessThanOrEqual(50);
  });

  it("starts empty without a stored model and refuses a corrupt one", () => {
    expect(parseOrganisationModel(null)).toEqual(emptyOrganisationModel());
    expect(() => parseOrganisationModel('{"format":"other"}')).toThrow(ModelFormatError);
  });
});
