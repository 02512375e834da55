/**
 * The organisation's topic taxonomy (issue 14): seeding from the constructs its surveys measure and
 * its complaint categories, validation of edits, and matching in both languages.
 */
import { describe, expect, it } from "vitest";
import { compileTaxonomy, seedTaxonomy, TaxonomySchema, type TaxonomyTopic } from "../../../src/domain/text/taxonomy";

describe("seedTaxonomy", () => {
  const seeded = seedTaxonomy({
    constructs: ["image", "expectations", "perceived_quality", "perceived_value", "satisfaction", "complaints", "loyalty", "custom:staff_friendliness"],
    complaintCategories: ["product_quality", "service_attitude", "delivery", "billing", "technical", "other"],
  });
  const keys = seeded.map((topic) => topic.key);

  it("has one topic per complaint category with built-in keywords, mapped to that category", () => {
    for (const category of ["product_quality", "service_attitude", "delivery", "billing", "technical"]) {
      const topic = seeded.find((t) => t.key === category)!;
      expect(topic.source).toBe("complaint_category");
      expect(topic.complaintCategory).toBe(category);
      expect(topic.keywords.length).toBeGreaterThan(0);
    }
    // `other` has no keywords of its own: it becomes a topic only when the organisation gives it some.
    expect(keys).not.toContain("other");
  });

  it("has one topic per measured construct except satisfaction and expectations, which every comment expresses", () => {
    for (const construct of ["image", "perceived_quality", "perceived_value", "complaints", "loyalty"]) {
      const topic = seeded.find((t) => t.key === construct)!;
      expect(topic.source).toBe("construct");
      expect(topic.complaintCategory).toBeNull();
    }
    expect(keys).not.toContain("satisfaction");
    expect(keys).not.toContain("expectations");
  });

  it("turns a custom construct's name into its label and keywords", () => {
    const custom = seeded.find((t) => t.key === "staff_friendliness")!;
    expect(custom.labelEn).toBe("Staff friendliness");
    expect(custom.keywords).toEqual(["staff", "friendliness"]);
  });

  it("keeps each key once and is a valid taxonomy as stored", () => {
    expect(new Set(keys).size).toBe(keys.length);
    expect(TaxonomySchema.safeParse(seeded).success).toBe(true);
  });

  it("seeds only what the organisation measures", () => {
    const small = seedTaxonomy({ constructs: ["perceived_value"], complaintCategories: ["delivery"] });
    expect(small.map((topic) => topic.key)).toEqual(["delivery", "perceived_value"]);
  });
});

describe("editing the taxonomy", () => {
  const topic = (key: string, keywords: string[] = ["x"]): unknown => ({ key, labelZh: "标签", labelEn: "Label", keywords });

  it("accepts an organisation's own topic, defaulting its source to custom with no category", () => {
    const parsed = TaxonomySchema.parse([topic("parking", ["停车", "parking"])]);
    expect(parsed[0]).toMatchObject({ key: "parking", source: "custom", complaintCategory: null });
  });

  it("rejects repeated keys, keys that are not slugs and empty labels", () => {
    expect(TaxonomySchema.safeParse([topic("parking"), topic("parking")]).success).toBe(false);
    expect(TaxonomySchema.safeParse([topic("Parking lot")]).success).toBe(false);
    expect(TaxonomySchema.safeParse([{ key: "parking", labelZh: " ", labelEn: "Parking", keywords: [] }]).success).toBe(false);
  });

  it("an edit takes effect in matching: a new keyword finds comments it did not before", () => {
    const before: TaxonomyTopic[] = TaxonomySchema.parse([topic("parking", ["停车"])]);
    const after: TaxonomyTopic[] = TaxonomySchema.parse([topic("parking", ["停车", "car park"])]);
    const text = "The car park was full";
    expect(compileTaxonomy(before).match(text)).toEqual([]);
    expect(compileTaxonomy(after).match(text)).toEqual([{ key: "parking", hits: 1 }]);
  });
});

describe("compileTaxonomy", () => {
  const taxonomy = compileTaxonomy(seedTaxonomy({ constructs: ["perceived_value"], complaintCategories: ["delivery", "technical"] }));

  it("matches Chinese keywords inside unspaced text and full-width forms after NFKC", () => {
    expect(taxonomy.match("快递太慢了，价格也太贵").map((m) => m.key)).toEqual(["delivery", "perceived_value"]);
    expect(taxonomy.match("ＡＰＰ总是闪退").map((m) => m.key)).toEqual(["technical"]);
  });

  it("matches Latin keywords at the start of a word only", () => {
    expect(taxonomy.match("The delivery was late").map((m) => m.key)).toEqual(["delivery"]);
    // "app" must not match inside "happy".
    expect(taxonomy.match("I am happy")).toEqual([]);
  });

  it("counts every keyword that hits", () => {
    expect(taxonomy.match("快递晚到，物流也不更新")).toEqual([{ key: "delivery", hits: 3 }]);
  });

  it("covers the taxonomy's own words, so emerging phrases leave them out", () => {
    expect(taxonomy.covers("快递")).toBe(true);
    expect(taxonomy.covers("Delivery")).toBe(true);
    expect(taxonomy.covers("停车")).toBe(false);
  });
});
