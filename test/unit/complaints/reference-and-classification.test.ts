import { describe, expect, it } from "vitest";
import {
  complaintPriorityRank,
  complaintSeverityLabel,
  ComplaintCategoryListSchema,
  ComplaintSeverityInputSchema,
  ComplaintStatusSecretSchema,
  DEFAULT_COMPLAINT_CATEGORIES,
  formatComplaintReference,
  maxComplaintPriority,
  organizationComplaintCategories,
  parseComplaintReference,
  raisedComplaintPriority,
} from "../../../src/domain/complaints";

describe("complaint reference numbers", () => {
  it.each([
    [2026, 123, "FL-2026-000123"],
    [2026, 1, "FL-2026-000001"],
    [2027, 999_999, "FL-2027-999999"],
    [2027, 1_234_567, "FL-2027-1234567"],
  ])("%i #%i → %s and back", (year, sequence, reference) => {
    expect(formatComplaintReference(year, sequence)).toBe(reference);
    expect(parseComplaintReference(reference)).toEqual({ year, sequence });
  });

  it("parses what people type: lower case and surrounding spaces", () => {
    expect(parseComplaintReference("  fl-2026-000123 ")).toEqual({ year: 2026, sequence: 123 });
  });

  it.each(["FL-2026-123", "FL-26-000123", "XX-2026-000123", "FL-2026-000000", "FL-2026-0000123", "FL 2026 000123", ""])(
    "rejects %j",
    (text) => {
      expect(parseComplaintReference(text)).toBeNull();
    },
  );

  it.each([
    [2026, 0],
    [2026, -5],
    [2026, 1.5],
    [26, 1],
  ])("refuses to format year %i sequence %i", (year, sequence) => {
    expect(() => formatComplaintReference(year, sequence)).toThrow(RangeError);
  });
});

describe("status-link secret format", () => {
  it.each([
    ["32 url-safe characters", "A".repeat(31) + "_", true],
    ["longer with - and _", "abcDEF012-_".repeat(5), true],
    ["31 characters", "a".repeat(31), false],
    ["base64 padding/plus", "a".repeat(31) + "+", false],
    ["too long", "a".repeat(129), false],
  ])("%s → %s", (_label, secret, valid) => {
    expect(ComplaintStatusSecretSchema.safeParse(secret).success).toBe(valid);
  });
});

describe("priority, severity, category", () => {
  it("orders and raises priorities", () => {
    expect(["low", "normal", "high", "urgent"].map((p) => complaintPriorityRank(p as "low"))).toEqual([0, 1, 2, 3]);
    expect(raisedComplaintPriority("normal")).toBe("high");
    expect(raisedComplaintPriority("urgent")).toBeNull();
    expect(maxComplaintPriority(["high", "low", "normal"])).toBe("high");
    expect(maxComplaintPriority([])).toBeNull();
  });

  it.each([
    [1, 1],
    [4, 4],
    ["low", 1],
    ["medium", 2],
    ["high", 3],
    ["critical", 4],
  ])("severity input %j → %i", (input, expected) => {
    expect(ComplaintSeverityInputSchema.parse(input)).toBe(expected);
  });

  it.each([0, 5, "severe", "1"])("rejects severity %j", (input) => {
    expect(ComplaintSeverityInputSchema.safeParse(input).success).toBe(false);
  });

  it("labels severities", () => {
    expect(complaintSeverityLabel(4)).toBe("critical");
  });

  it("extends the default categories per organisation without duplicates", () => {
    expect(DEFAULT_COMPLAINT_CATEGORIES).toEqual(["product_quality", "service_attitude", "delivery", "billing", "technical", "other"]);
    const list = organizationComplaintCategories(["billing", "installation", "privacy"]);
    expect(list).toEqual([...DEFAULT_COMPLAINT_CATEGORIES, "installation", "privacy"]);
    expect(ComplaintCategoryListSchema.safeParse(list).success).toBe(true);
    expect(ComplaintCategoryListSchema.safeParse(["billing", "billing", "other"]).success).toBe(false);
    expect(ComplaintCategoryListSchema.safeParse(["billing"]).success).toBe(false);
    expect(ComplaintCategoryListSchema.safeParse(["Billing", "other"]).success).toBe(false);
  });
});
