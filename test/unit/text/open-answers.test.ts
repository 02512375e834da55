import { describe, expect, it } from "vitest";
import { defaultTextEngine, summariseOpenAnswers, type ScoredComment } from "../../../src/domain/text";

const engine = defaultTextEngine();

function comment(responseId: string, text: string, topic: string | null, satisfaction: number | null, month: string, anonymous = false): ScoredComment {
  const analysis = engine.analyze(text);
  return {
    responseId,
    anonymous,
    submittedAt: Date.parse(`${month}-15T12:00:00Z`),
    text,
    sentiment: analysis.sentiment,
    score: analysis.score,
    topic,
    topicConfidence: 0.9,
    satisfaction,
    words: engine.keywords(text),
  };
}

const comments = [
  comment("r1", "快递太慢了，等了三天才到", "delivery", 40, "2026-10"),
  comment("r2", "快递很慢，包装也破了", "delivery", 50, "2026-11", true),
  comment("r3", "The delivery was slow and the food was cold", "delivery", 30, "2026-11"),
  comment("r4", "服务员态度很好，非常热情", "staff", 90, "2026-10"),
  comment("r5", "The staff were friendly and helpful", "staff", 80, "2026-11"),
  comment("r6", "一般般", null, null, "2026-11"),
];

describe("open-answers summary", () => {
  const summary = summariseOpenAnswers(comments);

  it("counts sentiment shares over all comments", () => {
    const counted = comments.filter((c) => c.sentiment === "positive").length / comments.length;
    expect(summary.comments).toBe(6);
    expect(summary.positiveShare).toBeCloseTo(counted, 12);
    expect(summary.positiveShare + summary.negativeShare + summary.neutralShare).toBeCloseTo(1, 12);
  });

  it("orders topics by volume with shares, sentiment and a monthly trend", () => {
    expect(summary.topics.map((t) => [t.topic, t.volume])).toEqual([["delivery", 3], ["staff", 2]]);
    const delivery = summary.topics[0];
    expect(delivery.share).toBeCloseTo(3 / 6, 12);
    expect(delivery.negativeShare).toBe(1);
    expect(delivery.trend.map((point) => [point.month, point.volume])).toEqual([["2026-10", 1], ["2026-11", 2]]);
    expect(delivery.meanScore).toBeCloseTo((comments[0].score + comments[1].score + comments[2].score) / 3, 12);
  });

  it("compares the satisfaction of respondents mentioning a topic with the others", () => {
    const delivery = summary.topics[0];
    expect(delivery.satisfactionMentioning).toBeCloseTo((40 + 50 + 30) / 3, 12);
    expect(delivery.satisfactionNotMentioning).toBeCloseTo((90 + 80) / 2, 12); // r6 has no satisfaction
  });

  it("never identifies an anonymous respondent in representative comments", () => {
    const representative = summary.topics[0].representative;
    expect(representative).toHaveLength(3);
    expect(representative.find((c) => c.text.startsWith("快递很慢"))?.responseId).toBeNull();
    expect(representative.find((c) => c.text.startsWith("快递太慢"))?.responseId).toBe("r1");
  });

  it("finds the words that mark a topic", () => {
    expect(summary.topics[0].keywords).toContain("快递");
    expect(summary.topics[0].keywords).not.toContain("态度");
    expect(summary.topics[1].keywords).not.toContain("快递");
  });

  it("is empty without comments", () => {
    expect(summariseOpenAnswers([])).toEqual({ comments: 0, positiveShare: 0, negativeShare: 0, neutralShare: 0, topics: [] });
  });
});
