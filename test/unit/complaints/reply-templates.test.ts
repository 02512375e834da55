import { describe, expect, it } from "vitest";
import { renderReplyTemplate, ReplyTemplateInputSchema, type ReplyValues } from "../../../src/domain/complaints";

const body = {
  en: "Dear {{customerName}}, we will resolve {{reference}} ({{subject}}) by {{dueDate}}. {{ownerName}}, {{organisation}}",
  "zh-CN": "{{customerName}}您好：投诉 {{reference}} 将于 {{dueDate}} 前解决。{{ownerName}}，{{organisation}}",
};
const values: ReplyValues = {
  customerName: "Li Wei",
  reference: "FL-2026-000042",
  subject: "Charged twice",
  dueAt: new Date("2026-03-12T17:30:00Z"), // 13 March in Shanghai
  ownerName: "Zhang Min",
  organisation: "Demo Retail",
  timeZone: "Asia/Shanghai",
};

describe("canned replies", () => {
  it("fills every placeholder in the complaint's language, the due date in the organisation's time zone", () => {
    expect(renderReplyTemplate(body, "en", values)).toBe("Dear Li Wei, we will resolve FL-2026-000042 (Charged twice) by 13 March 2026. Zhang Min, Demo Retail");
    expect(renderReplyTemplate(body, "zh-CN", values)).toBe("Li Wei您好：投诉 FL-2026-000042 将于 2026年3月13日 前解决。Zhang Min，Demo Retail");
  });

  it("uses polite stand-ins when the customer is anonymous, nobody owns the complaint or no date is promised", () => {
    const anonymous = { ...values, customerName: null, ownerName: null, dueAt: null };
    expect(renderReplyTemplate(body, "en", anonymous)).toBe("Dear customer, we will resolve FL-2026-000042 (Charged twice) by as soon as possible. our complaints team, Demo Retail");
    expect(renderReplyTemplate(body, "zh-CN", anonymous)).toContain("顾客您好");
  });

  it("treats values as data: a customer's name cannot open a placeholder", () => {
    expect(renderReplyTemplate(body, "en", { ...values, customerName: "{{organisation}}" })).toMatch(/^Dear organisation,/);
  });

  it("refuses an unknown placeholder at save time, naming the language and the placeholders allowed", () => {
    const parsed = ReplyTemplateInputSchema.safeParse({ name: "Refund", body: { en: "Hello {{customer}}", "zh-CN": "您好 {{customerName}}" } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.error.issues).toHaveLength(1);
    expect(parsed.error.issues[0]).toMatchObject({ path: ["body", "en"] });
    expect(parsed.error.issues[0]!.message).toContain("unknown placeholder {{customer}}; use {{customerName}}");
    expect(ReplyTemplateInputSchema.safeParse({ name: "Refund", body: { en: "Hello {{ customerName }}", "zh-CN": "您好" } }).success).toBe(true);
    expect(ReplyTemplateInputSchema.safeParse({ name: "Refund", body: { en: "Hello", "zh-CN": " " } }).success).toBe(false);
  });
});
