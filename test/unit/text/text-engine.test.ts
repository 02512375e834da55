import { describe, expect, it } from "vitest";
import {
  NEGATED_PREFIX,
  createTextEngine,
  defaultTextEngine,
  deserializeLinearModel,
  detectLanguage,
  extractFeatures,
  labelProbabilities,
  markNegation,
  segmentChinese,
  serializeLinearModel,
  splitHeldOut,
  tokenizeEnglish,
  trainLinearModel,
  wordsOf,
  normalizeText,
  ModelFormatError,
  type SerializedTextModelBundle,
} from "../../../src/domain/text";

describe("language detection", () => {
  it("tells Chinese from English, including mixed and full-width text", () => {
    expect(detectLanguage("服务员态度很好")).toBe("zh");
    expect(detectLanguage("The staff were friendly")).toBe("en");
    expect(detectLanguage("iPhone 屏幕很清楚，电池也耐用")).toBe("zh");
    expect(detectLanguage("I loved the 北京 duck, great service")).toBe("en");
    expect(detectLanguage("ＧＯＯＤ ｓｅｒｖｉｃｅ")).toBe("en");
    expect(detectLanguage("12345 !!!")).toBeNull();
    expect(detectLanguage("")).toBeNull();
  });
});

describe("segmentation", () => {
  it("cuts Chinese into dictionary words, not characters", () => {
    const words = segmentChinese("服务员态度很差");
    expect(words.join("")).toBe("服务员态度很差");
    expect(words).toContain("态度");
    expect(words.length).toBeLessThan(7);
  });

  it("splits clauses at punctuation and contrast words", () => {
    const clauses = wordsOf(normalizeText("房间很干净，但是早餐不好吃"), "zh");
    expect(clauses).toHaveLength(2);
    expect(clauses[0].join("")).toBe("房间很干净");
  });

  it("tokenises English with n't as a separate not", () => {
    expect(tokenizeEnglish("it wasn't bad")).toEqual(["it", "was", "not", "bad"]);
    expect(tokenizeEnglish("i can't complain")).toEqual(["i", "can", "not", "complain"]);
  });
});

describe("negation", () => {
  it("marks the words after a Chinese negator inside the clause only", () => {
    const [first, second] = wordsOf(normalizeText("不太满意，服务很好"), "zh");
    expect(first).toContain(NEGATED_PREFIX + "满意");
    expect(second.some((word) => word.startsWith(NEGATED_PREFIX))).toBe(false);
  });

  it("marks English words after not until the clause ends", () => {
    expect(markNegation(["not", "bad", "at", "all"], "en")).toEqual(["not", "¬bad", "¬at", "¬all"]);
    const [first, second] = wordsOf(normalizeText("not bad, really good"), "en");
    expect(first).toEqual(["not", "¬bad"]);
    expect(second).toEqual(["really", "good"]);
  });

  it("lets a second negator cancel the first ('不是不好')", () => {
    expect(markNegation(["不是", "不", "好"], "zh")).toEqual(["不是", "不", "好"]);
  });

  it("gives negated and plain words different features", () => {
    const plain = extractFeatures("满意", "zh").buckets;
    const negated = extractFeatures("不满意", "zh").buckets;
    expect([...negated].some((bucket) => !plain.includes(bucket))).toBe(true);
  });
});

describe("the committed model's decisions on hand-written comments", () => {
  const engine = defaultTextEngine();
  const cases: Array<[string, "positive" | "negative"]> = [
    ["服务员态度非常好，房间干净，下次还会再来", "positive"],
    ["送餐太慢了，等了两个小时，饭菜都凉了", "negative"],
    ["不太满意，客服一直不回复", "negative"],
    ["质量很好，物流也快，非常满意", "positive"],
    ["The staff were friendly and the room was spotless.", "positive"],
    ["Terrible support, I waited an hour and nobody answered.", "negative"],
    ["Great value, the delivery was fast and the quality is excellent.", "positive"],
    ["The food was not good and the waiter was rude.", "negative"],
    ["not bad", "positive"],
    ["It was not terrible.", "positive"],
  ];
  it.each(cases)("%s → %s", (text, expected) => {
    const analysis = engine.analyze(text);
    expect(analysis.sentiment).toBe(expected);
    expect(Math.sign(analysis.score)).toBe(expected === "positive" ? 1 : -1);
    expect(analysis.language).toBe(/[a-z]/i.test(text) ? "en" : "zh");
  });

  it("flips with negation: 满意 vs 不满意, good vs not good", () => {
    expect(engine.analyze("很满意").score).toBeGreaterThan(engine.analyze("很不满意").score);
    expect(engine.analyze("The service was good").score).toBeGreaterThan(engine.analyze("The service was not good").score);
    expect(engine.analyze("not bad").score).toBeGreaterThan(engine.analyze("bad").score);
    expect(engine.analyze("不难吃").score).toBeGreaterThan(engine.analyze("难吃").score);
  });

  it("assigns the Chinese topic categories", () => {
    expect(engine.analyze("酒店离机场很近，房间安静，前台服务热情").topic).toBe("酒店");
    expect(engine.analyze("这本书的内容很精彩，孩子很喜欢看，印刷也清楚").topic).toBe("书籍");
    expect(engine.analyze("The hotel was lovely").topic).toBeNull();
  });

  it("is neutral without text to judge", () => {
    expect(engine.analyze("   ")).toEqual({ language: null, sentiment: "neutral", score: 0, topic: null, topicConfidence: null });
  });
});

describe("training and weights", () => {
  const rows = [
    ...["好吃", "很好吃", "味道好", "真好吃", "好评"].map((text) => ({ text, label: "positive" })),
    ...["难吃", "很难吃", "味道差", "太难吃", "差评"].map((text) => ({ text, label: "negative" })),
  ];

  it("learns a separable toy set and survives a serialise/deserialise round trip", () => {
    const examples = rows.map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label }));
    const model = trainLinearModel(examples, ["negative", "positive"], "zh", 20, { epochs: 20, learningRate: 0.5, l2: 0, minDocumentFrequency: 1, seed: 1 });
    const restored = deserializeLinearModel(serializeLinearModel(model));
    for (const row of rows) {
      const [, positive] = labelProbabilities(restored, extractFeatures(row.text, "zh"));
      expect(positive > 0.5 ? "positive" : "negative").toBe(row.label);
    }
  });

  it("is deterministic for a seed", () => {
    const examples = rows.map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label }));
    const options = { epochs: 3, learningRate: 0.5, l2: 1e-5, minDocumentFrequency: 1, seed: 7 };
    const a = serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, options));
    const b = serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, options));
    expect(a).toEqual(b);
  });

  it("splits without putting a repeated text on both sides", () => {
    const data = [...rows, ...rows.map((row) => ({ ...row, text: ` ${row.text} ` }))];
    const { train, heldOut } = splitHeldOut(data, 0.4, 3);
    expect(train.length + heldOut.length).toBe(rows.length);
    const heldTexts = new Set(heldOut.map((row) => normalizeText(row.text)));
    expect(train.some((row) => heldTexts.has(normalizeText(row.text)))).toBe(false);
  });

  it("rejects a file that is not a weights bundle", () => {
    expect(() => createTextEngine({ format: "other" } as unknown as SerializedTextModelBundle)).toThrow(ModelFormatError);
  });
});
