import { describe, expect, it } from "vitest";
import { defaultTextEngine, segmentChinese } from "../../src/domain/text";

// The engine inside workerd: the committed weights load and decide as in Node (the bench compares
// 1,000 decisions; `npm run bench:text` also reports the time to score them in workerd).
describe("text engine in workerd", () => {
  it("has ICU's Chinese word segmenter (the training script builds the word list with it)", () => {
    expect(typeof Intl.Segmenter).toBe("function");
    expect(segmentChinese("服务员态度很差")).toContain("态度");
  });

  it("scores Chinese and English comments with the committed weights", () => {
    const engine = defaultTextEngine();
    expect(engine.analyze("送餐太慢了，饭菜都凉了")).toMatchObject({ language: "zh", sentiment: "negative" });
    expect(engine.analyze("房间干净，服务很好，非常满意")).toMatchObject({ language: "zh", sentiment: "positive", topic: "酒店" });
    expect(engine.analyze("The staff were friendly and helpful.")).toMatchObject({ language: "en", sentiment: "positive", topic: null });
    expect(engine.version).toMatch(/^text-[0-9a-f]{8}$/);
  });
});
