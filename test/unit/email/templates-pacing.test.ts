import { describe, expect, it } from "vitest";
import { DEFAULT_INVITATION_TEMPLATE, InvitationTemplateSchema, renderInvitationTemplate } from "../../../src/domain/email/invitation-template";
import { isRateLimitRefusal, parseEmailPacing } from "../../../src/domain/email/pacing";
import { isReminderDue, ReminderScheduleSchema } from "../../../src/domain/email/reminder-schedule";
import { complaintThreadHeaders } from "../../../src/domain/email/thread";
import { LINK_PLACEHOLDERS } from "../../../src/domain/email/placeholders";

const DAY = 86_400_000;

describe("invitation template", () => {
  it("accepts the built-in template and names every problem of a bad one", () => {
    expect(InvitationTemplateSchema.safeParse(DEFAULT_INVITATION_TEMPLATE).success).toBe(true);
    const bad = InvitationTemplateSchema.safeParse({
      en: { subject: "Hi {{link}}", body: "Hello {{ name }} {{surveyTitle}}" },
      "zh-CN": { subject: "两行\n主题", body: "{{link}} @@SURVEY_LINK@@" },
      fr: { subject: "x", body: "{{link}}" },
    });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^en\.subject: may not contain \{\{link\}\}/),
        expect.stringMatching(/^en\.body: unknown placeholder \{\{surveyTitle\}\}/),
        expect.stringMatching(/^en\.body: must contain \{\{link\}\}/),
        expect.stringMatching(/^zh-CN\.subject: must be one line/),
        expect.stringMatching(/^zh-CN\.body: may not contain "@@"/),
      ]),
    );
    // Spaces inside the braces are allowed: {{ name }} is {{name}}.
    expect(issues.some((issue) => issue.includes("unknown placeholder {{name}}"))).toBe(false);
  });

  it("fills values as data, keeps the link a send-time placeholder, drops the expiry line when there is none and appends the unsubscribe footer", () => {
    const values = { name: "{{link}} Mallory @@STATUS_URL@@", surveyTitle: "Q4", organisationName: "Acme", validUntil: null };
    const content = renderInvitationTemplate(DEFAULT_INVITATION_TEMPLATE, "en", values);
    expect(content.subject).toBe("Acme invites you: Q4");
    // The braces and the sender's marker are taken out of the value: it cannot become a placeholder or a link.
    expect(content.text).toContain("Hello link Mallory @STATUS_URL@,");
    expect(content.text.split(LINK_PLACEHOLDERS.surveyLink)).toHaveLength(2);
    expect(content.text).not.toContain("valid until");
    expect(content.text.endsWith(`No more survey e-mails from us: ${LINK_PLACEHOLDERS.unsubscribeUrl}`)).toBe(true);
    const dated = renderInvitationTemplate(DEFAULT_INVITATION_TEMPLATE, "zh-CN", { ...values, name: null, validUntil: new Date("2027-01-31T00:00:00Z") });
    expect(dated.text).toContain("尊敬的客户，您好：");
    expect(dated.text).toContain("链接有效期至 2027-01-31。");
  });
});

describe("pacing", () => {
  it("reads the vars, falling back to 50 per minute for anything unusable", () => {
    expect(parseEmailPacing({})).toEqual({ limit: 50, intervalMs: 60_000 });
    expect(parseEmailPacing({ limit: "10", intervalSeconds: "1" })).toEqual({ limit: 10, intervalMs: 1000 });
    expect(parseEmailPacing({ limit: "0", intervalSeconds: "-5" })).toEqual({ limit: 50, intervalMs: 60_000 });
    expect(parseEmailPacing({ limit: "2.5", intervalSeconds: "abc" })).toEqual({ limit: 50, intervalMs: 60_000 });
  });

  it("tells a rate limit from a refusal of the message", () => {
    for (const error of [new Error("rate limit exceeded"), new Error("HTTP 429"), new Error("Too many requests"), Object.assign(new Error("refused"), { code: "E_RATE_LIMIT_EXCEEDED" }), "daily limit reached"]) {
      expect(isRateLimitRefusal(error)).toBe(true);
    }
    for (const error of [new Error("sender address not verified"), new Error("recipient not allowed"), new Error("message too large: 4290 KB")]) {
      expect(isRateLimitRefusal(error)).toBe(false);
    }
  });
});

describe("reminder schedule", () => {
  it("is due after N days, then every G days, at most K times", () => {
    const schedule = ReminderScheduleSchema.parse({ firstAfterDays: 3, maxReminders: 2, minGapDays: 5 });
    const createdAt = new Date(0);
    expect(isReminderDue(schedule, { createdAt, remindedAt: null, reminderCount: 0 }, new Date(3 * DAY - 1))).toBe(false);
    expect(isReminderDue(schedule, { createdAt, remindedAt: null, reminderCount: 0 }, new Date(3 * DAY))).toBe(true);
    expect(isReminderDue(schedule, { createdAt, remindedAt: new Date(3 * DAY), reminderCount: 1 }, new Date(7 * DAY))).toBe(false);
    expect(isReminderDue(schedule, { createdAt, remindedAt: new Date(3 * DAY), reminderCount: 1 }, new Date(8 * DAY))).toBe(true);
    expect(isReminderDue(schedule, { createdAt, remindedAt: new Date(8 * DAY), reminderCount: 2 }, new Date(90 * DAY))).toBe(false);
    expect(ReminderScheduleSchema.safeParse({ firstAfterDays: 3, maxReminders: 11 }).success).toBe(false);
  });
});

describe("complaint thread headers", () => {
  it("answer the customer's latest e-mail and reference the root and the first one", () => {
    expect(complaintThreadHeaders("cmp_1", "mail.example.com", [])).toEqual({ inReplyTo: "<complaint.cmp_1@mail.example.com>", references: ["<complaint.cmp_1@mail.example.com>"] });
    expect(complaintThreadHeaders("cmp_1", "mail.example.com", ["a@x.cn", "sha256:abc", "b@x.cn", "c@x.cn"])).toEqual({
      inReplyTo: "<c@x.cn>",
      references: ["<complaint.cmp_1@mail.example.com>", "<a@x.cn>", "<c@x.cn>"],
    });
  });
});
