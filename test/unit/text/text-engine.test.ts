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
  zeroSmallWeights,
  splitHeldOut,
  tokenizeEnglish,
  trainLinearModel,
  wordsOf,
  normalizeText,
  ModelFormatError,
  type SerializedTextModelBundle,
  FEATURE_HASH_BITS,
  createChineseDictionary,
  hashFeature,
  textFeatureOptions,
  domainAugmented,
  domainBucket,
  geometricLengthThresholds,
  withLengthThresholds,
} from "../../../src/domain/text";
import bundleJson from "../../../src/domain/text/model/text-model.json";

const defaultTextEngineBundle = () => bundleJson as unknown as SerializedTextModelBundle;

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

  it("the naive-Bayes candidates of model selection (scaling per output, interpolation, blend) still learn the toy set", () => {
    const examples = rows.map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label }));
    const base = { epochs: 20, learningRate: 0.5, l2: 0, minDocumentFrequency: 1, seed: 1 };
    const plain = serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, { ...base, naiveBayesScaling: true }));
    // β = 1 is the discriminative model itself, α = 0 adds nothing.
    expect(serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, { ...base, naiveBayesScaling: true, naiveBayesInterpolation: 1 }))).toEqual(plain);
    for (const options of [
      { ...base, naiveBayesScaling: true, naiveBayesInterpolation: 0.5 },
      { ...base, naiveBayesBlend: 0.5 },
      { ...base, naiveBayesScaling: true, naiveBayesBlend: 0.5 },
    ]) {
      const model = deserializeLinearModel(serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, options)));
      for (const row of rows) expect(labelProbabilities(model, extractFeatures(row.text, "zh"))[1] > 0.5 ? "positive" : "negative").toBe(row.label);
    }
    // Three labels: one NB-SVM scale per output.
    const threeRows = [...rows, ...["一般", "还行", "普通"].map((text) => ({ text, label: "neutral" }))];
    const three = trainLinearModel(
      threeRows.map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label })),
      ["negative", "neutral", "positive"],
      "zh",
      20,
      { ...base, naiveBayesScaling: true, naiveBayesBlend: 0.1 },
    );
    for (const row of threeRows) {
      const probabilities = labelProbabilities(three, extractFeatures(row.text, "zh"));
      expect(three.labels[probabilities.indexOf(Math.max(...probabilities))]).toBe(row.label);
    }
  });

  it("stores fewer levels as one base64 digit per weight, and zeroes small weights without moving the others", () => {
    const examples = rows.map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label }));
    const threeRows = [...examples, ...["一般", "还行", "普通"].map((text) => ({ features: extractFeatures(text, "zh"), label: "neutral" }))];
    const model = trainLinearModel(threeRows, ["negative", "neutral", "positive"], "zh", 20, { epochs: 20, learningRate: 0.5, l2: 0, minDocumentFrequency: 1, seed: 1 });
    const bytes = serializeLinearModel(model);
    const digits = serializeLinearModel(model, 11);
    expect(bytes.weightEncoding).toBeUndefined();
    expect(digits.weightEncoding).toBe("base64-digit");
    expect(digits.weights).toHaveLength(model.weights.length);
    expect(digits.scale).toBeCloseTo((bytes.scale * 127) / 11, 12);
    // Each stored weight is the float weight rounded to the nearest of 2 · 11 + 1 levels.
    const restored = deserializeLinearModel(digits);
    restored.weights.forEach((w, at) => expect(Math.abs(w - model.weights[at])).toBeLessThanOrEqual(digits.scale / 2 + 1e-6));
    expect(() => deserializeLinearModel({ ...digits, weights: "!" + digits.weights.slice(1) })).toThrow(ModelFormatError);
    expect(() => serializeLinearModel(model, 128)).toThrow(ModelFormatError);

    const zeroed = zeroSmallWeights(model, 40);
    const limit = 40.5 * bytes.scale;
    expect(zeroed.table.buckets.length).toBeLessThan(model.table.buckets.length);
    expect(serializeLinearModel(zeroed).scale).toBe(bytes.scale);
    Array.from(model.table.buckets).forEach((bucket, row) => {
      const weights = Array.from(model.weights.subarray(row * 3, row * 3 + 3));
      const kept = zeroed.table.rowOf[bucket];
      if (kept < 0) return expect(weights.every((w) => Math.abs(w) < limit)).toBe(true);
      weights.forEach((w, k) => expect(zeroed.weights[kept * 3 + k]).toBe(Math.abs(w) < limit ? 0 : w));
    });
  });

  it("weighs labels evenly or scales features by idf when asked (model-selection candidates), and still learns the toy set", () => {
    const examples = [...rows, ...rows.slice(0, 3)].map((row) => ({ features: extractFeatures(row.text, "zh"), label: row.label }));
    const base = { epochs: 20, learningRate: 0.5, l2: 0, minDocumentFrequency: 1, seed: 1 };
    const plain = serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, base));
    for (const options of [{ ...base, balanceLabels: true }, { ...base, idfScaling: true }]) {
      const stored = serializeLinearModel(trainLinearModel(examples, ["negative", "positive"], "zh", 20, options));
      expect(stored.weights).not.toEqual(plain.weights);
      const model = deserializeLinearModel(stored);
      for (const row of rows) expect(labelProbabilities(model, extractFeatures(row.text, "zh"))[1] > 0.5 ? "positive" : "negative").toBe(row.label);
    }
  });

  it("rejects a file that is not a weights bundle", () => {
    expect(() => createTextEngine({ format: "other" } as unknown as SerializedTextModelBundle)).toThrow(ModelFormatError);
  });
});

describe("hashed features, as documented strings", () => {
  const mask = (1 << FEATURE_HASH_BITS) - 1;
  const bucket = (feature: string) => (hashFeature(feature) & mask) >>> 0;
  const dictionary = createChineseDictionary(["满意", "服务", "态度"]);

  it("hashes Chinese character n-grams, dictionary words and word bigrams with negation marks", () => {
    const buckets = [...extractFeatures("服务很满意", "zh", { dictionary }).buckets];
    for (const feature of ["zhc服", "zhb服务", "zht服务很", "zhw服务", "zhw很", "zhw满意", "zhp服务 很", "zhp很 满意"]) {
      expect(buckets).toContain(bucket(feature));
    }
    const negated = [...extractFeatures("态度不满意", "zh", { dictionary }).buckets];
    expect(negated).toContain(bucket("zhw¬满意"));
    expect(negated).toContain(bucket("zhp不 ¬满意"));
    expect(negated).not.toContain(bucket("zhw满意"));
  });

  it("hashes English words, bigrams and negated character n-grams", () => {
    const buckets = [...extractFeatures("Not bad", "en").buckets];
    for (const feature of ["enwnot", "enw¬bad", "enpnot ¬bad", "eng¬<ba", "eng¬bad>", "eng¬<bad>", "eng<no", "eng<not>"]) {
      expect(buckets).toContain(bucket(feature));
    }
    expect(buckets).not.toContain(bucket("enwbad"));
    expect(buckets).not.toContain(bucket("eng<ba"));
  });

  it("adds one length feature per threshold the normalised text reaches, and only when asked", () => {
    // "好评，很好！ " normalises to 6 code units ("好评,很好!").
    const plain = [...extractFeatures("好评，很好！ ", "zh", { dictionary }).buckets];
    const withLength = [...extractFeatures("好评，很好！ ", "zh", { dictionary, lengthThresholds: [2, 5, 6, 7, 40] }).buckets];
    const lengthBuckets = [2, 5, 6].map((threshold) => bucket("zhn" + String.fromCharCode(threshold)));
    expect(withLength).toEqual([...new Set([...plain, ...lengthBuckets])].sort((a, b) => a - b));
    expect(withLength).not.toContain(bucket("zhn" + String.fromCharCode(7)));
    expect(plain).not.toContain(lengthBuckets[0]);
    expect([...extractFeatures("Not bad", "en", { lengthThresholds: [7, 8] }).buckets]).toContain(bucket("enn" + String.fromCharCode(7)));
  });

  it("spaces geometric length thresholds a ratio apart, at least one apart, fixed by the ratio alone", () => {
    const thresholds = geometricLengthThresholds(1.3, 600);
    expect(thresholds.slice(0, 11)).toEqual([2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 35]);
    expect(thresholds.at(-1)).toBeLessThanOrEqual(600);
    thresholds.slice(1).forEach((threshold, index) => {
      expect(threshold).toBeGreaterThan(thresholds[index]);
      expect(threshold).toBeLessThanOrEqual(Math.max(thresholds[index] + 1, Math.round(thresholds[index] * 1.3)));
    });
  });

  it("returns each bucket once, ascending", () => {
    const buckets = [...extractFeatures("好好好好好，好好好", "zh", { dictionary }).buckets];
    expect(buckets).toEqual([...new Set(buckets)].sort((a, b) => a - b));
  });
});

describe("packed scoring", () => {
  const rows = [
    ["送餐太慢了，饭菜都凉了", "delivery", "negative"],
    ["外卖送得很快，味道不错", "delivery", "positive"],
    ["房间干净，服务很好", "stay", "positive"],
    ["房间很小，隔音太差", "stay", "negative"],
    ["The delivery was late and cold", "delivery", "negative"],
    ["Lovely room and friendly staff", "stay", "positive"],
  ];
  const language = (text: string) => detectLanguage(text)!;
  const options = { epochs: 10, learningRate: 0.5, l2: 1e-5, minDocumentFrequency: 1, seed: 3 };
  const topicExamples = rows.map(([text, topic]) => ({ features: extractFeatures(text, language(text)), label: topic }));
  const topicModel = trainLinearModel(topicExamples, ["delivery", "stay"], "mixed", FEATURE_HASH_BITS, options);
  const threeTopics = trainLinearModel(
    topicExamples.map((example, index) => ({ ...example, label: index % 3 === 0 ? "other" : example.label })),
    ["delivery", "other", "stay"],
    "mixed",
    FEATURE_HASH_BITS,
    options,
  );

  it("gives the engine the same decisions and confidences as labelProbabilities on the stored models", () => {
    const bundle = defaultTextEngineBundle();
    const featureOptions = textFeatureOptions(bundle);
    for (const model of [topicModel, threeTopics]) {
      const engine = createTextEngine(bundle, { topicModel: model });
      const restored = deserializeLinearModel(serializeLinearModel(model));
      for (const [text] of rows) {
        const probabilities = labelProbabilities(restored, extractFeatures(text, language(text), featureOptions));
        const best = probabilities.indexOf(Math.max(...probabilities));
        const analysis = engine.analyze(text);
        expect(analysis.topic).toBe(model.labels[best]);
        expect(analysis.topicConfidence).toBeCloseTo(probabilities[best], 2);
      }
    }
  });

  it("scores a topic model that reads length features with them, as labelProbabilities does, and keeps them through JSON", () => {
    const bundle = defaultTextEngineBundle();
    const lengthThresholds = geometricLengthThresholds(1.3, 600);
    const featureOptions = { ...textFeatureOptions(bundle), lengthThresholds };
    // Labels decided by length alone: the same words, repeated, so only the length features tell the texts apart.
    const lengthRows = [
      ["好", "short"], ["好好", "short"], ["ok", "short"], ["ok ok", "short"],
      ["好".repeat(30), "long"], ["好".repeat(45), "long"], ["ok ".repeat(12), "long"], ["ok ".repeat(16), "long"],
    ];
    const examples = lengthRows.map(([text, label]) => ({ features: extractFeatures(text, language(text), featureOptions), label }));
    const model = withLengthThresholds(trainLinearModel(examples, ["long", "short"], "mixed", FEATURE_HASH_BITS, { ...options, epochs: 30 }), lengthThresholds);
    const stored = serializeLinearModel(model);
    expect(stored.lengthThresholds).toEqual(lengthThresholds);
    const restored = deserializeLinearModel(JSON.parse(JSON.stringify(stored)));
    expect(restored.lengthThresholds).toEqual(lengthThresholds);
    const engine = createTextEngine(bundle, { topicModel: model });
    const unseen = ["好好好", "ok", "好".repeat(38), "ok ".repeat(20)];
    expect(unseen.map((text) => engine.analyze(text).topic)).toEqual(["short", "short", "long", "long"]);
    for (const text of [...unseen, ...rows.map(([text]) => text)]) {
      const probabilities = labelProbabilities(restored, extractFeatures(text, language(text), featureOptions));
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(engine.analyze(text)).toMatchObject({ topic: model.labels[best], topicConfidence: Math.round(probabilities[best] * 100) / 100 });
    }
    // The same weights without their length features score otherwise.
    const blind = createTextEngine(bundle, { topicModel: { ...model, lengthThresholds: undefined } });
    expect(unseen.some((text) => blind.analyze(text).topicConfidence !== engine.analyze(text).topicConfidence)).toBe(true);
  });

  it("refuses length thresholds that are not ascending whole numbers in 1–65535, and on a sentiment model", () => {
    const stored = serializeLinearModel(topicModel);
    for (const lengthThresholds of [[5, 3], [0, 2], [2.5], [70_000]]) {
      expect(() => deserializeLinearModel({ ...stored, lengthThresholds })).toThrow(ModelFormatError);
      expect(() => createTextEngine({ ...defaultTextEngineBundle(), topics: { ...stored, lengthThresholds } })).toThrow(ModelFormatError);
    }
    // Only the topic model's features get them at scoring time: a sentiment model asking for them is refused, not scored without.
    const bundle = defaultTextEngineBundle();
    expect(() => createTextEngine({ ...bundle, sentiment: { ...bundle.sentiment, en: { ...bundle.sentiment.en, lengthThresholds: [2, 3] } } })).toThrow(/only a topic model/);
  });

  it("averaging the last passes is deterministic and gives other weights than the last pass", () => {
    const averaged = (seed: number) => serializeLinearModel(trainLinearModel(topicExamples, ["delivery", "stay"], "mixed", FEATURE_HASH_BITS, { ...options, seed, averageLastEpochs: 5 }));
    expect(averaged(3)).toEqual(averaged(3));
    expect(averaged(3).weights).not.toEqual(serializeLinearModel(topicModel).weights);
  });
});

describe("domain-augmented Chinese sentiment", () => {
  const bundle = defaultTextEngineBundle();
  const featureOptions = textFeatureOptions(bundle);
  const texts = ["送餐太慢了，饭菜都凉了", "房间很干净，前台服务热情", "手机质量不错，物流很快", "味道一般，分量太少", "酒店位置偏，隔音很差"];

  it("copies a bucket to a different bucket per domain, inside the hash space", () => {
    const copies = [0, 1, 2].map((domain) => domainBucket(12345, domain, 20));
    expect(new Set([12345, ...copies]).size).toBe(4);
    for (const copy of copies) expect(copy).toBeLessThan(2 ** 20);
    const augmented = domainAugmented({ buckets: Uint32Array.of(3, 7, 12345) }, 1, 20).buckets;
    expect([...augmented]).toEqual([...new Set([3, 7, 12345, ...[3, 7, 12345].map((b) => domainBucket(b, 1, 20))])].sort((a, b) => a - b));
  });

  it("predicts a takeaway or hotel review's domain and scores it as the stored models with that domain's copies", () => {
    const domains = deserializeLinearModel(bundle.sentimentDomains!.zh!);
    const sentiment = deserializeLinearModel(bundle.sentiment.zh);
    const domainOf = (text: string) => {
      const probabilities = labelProbabilities(domains, extractFeatures(text, "zh", { ...featureOptions, hashBits: domains.hashBits }));
      return probabilities.indexOf(Math.max(...probabilities));
    };
    expect(domains.labels[domainOf("送餐太慢了，饭菜都凉了")]).toBe("takeaway");
    expect(domains.labels[domainOf("房间很干净，前台服务热情")]).toBe("hotel");
    const engine = createTextEngine(bundle);
    for (const text of texts) {
      const features = domainAugmented(extractFeatures(text, "zh", { ...featureOptions, hashBits: sentiment.hashBits }), domainOf(text), sentiment.hashBits);
      const expected = 2 * labelProbabilities(sentiment, features)[1] - 1;
      expect(engine.analyze(text).score).toBeCloseTo(expected, 2);
    }
  });

  it("reads the domain model: without it the same weights score otherwise", () => {
    const engine = createTextEngine(bundle);
    const withoutDomains = createTextEngine({ ...bundle, sentimentDomains: undefined });
    const differences = texts.map((text) => Math.abs(engine.analyze(text).score - withoutDomains.analyze(text).score));
    expect(Math.max(...differences)).toBeGreaterThan(0.05);
  });
});
