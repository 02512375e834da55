import { describe, expect, it } from "vitest";
import PostalMime from "postal-mime";
import { buildEmail, textToHtml } from "../../../src/domain/email/message";
import { describePlaceholders, LINK_PLACEHOLDERS, renderPlaceholders } from "../../../src/domain/email/placeholders";

const base = {
  from: { address: "feedloop@mail.example.com", name: "示例公司 客服" },
  to: { address: "wang@example.com" },
  subject: "我们已收到您的投诉（FL-2026-000123）",
  text: "王先生，您好：\n\n感谢您告诉我们。\nhttps://feedback.example.com/complaints/status/FL-2026-000123?k=abc",
  messageId: { id: "obx_abc123", domain: "mail.example.com" },
  date: new Date("2026-12-04T10:00:00Z"),
  language: "zh-CN",
};

describe("outgoing e-mail (RFC 5322 via mimetext)", () => {
  it("keeps a Chinese subject, display name and body through a real parser, as 7-bit ASCII", async () => {
    const built = buildEmail(base);
    expect(/^[\x00-\x7F]*$/.test(built.raw)).toBe(true);
    expect(built.raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
    const parsed = await PostalMime.parse(built.raw);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.from).toEqual({ address: "feedloop@mail.example.com", name: "示例公司 客服" });
    expect(parsed.to?.[0]?.address).toBe("wang@example.com");
    expect(parsed.messageId).toBe("<obx_abc123@mail.example.com>");
    expect(parsed.text?.replace(/\r\n/g, "\n").trim()).toBe(base.text);
    expect(parsed.html).toContain('<a href="https://feedback.example.com/complaints/status/FL-2026-000123?k=abc">');
    expect(parsed.html).toContain('lang="zh-CN"');
    expect(new Date(parsed.date!).toISOString()).toBe("2026-12-04T10:00:00.000Z");
    expect(built.from).toBe("feedloop@mail.example.com");
    expect(built.to).toBe("wang@example.com");
  });

  it("carries Reply-To, threading and RFC 8058 one-click unsubscribe headers", async () => {
    const built = buildEmail({
      ...base,
      replyTo: { address: "demo+fl-2026-000123.k3j9x2m4pq@mail.example.com", name: "示例公司" },
      inReplyTo: "<original@customer.example>",
      references: ["<original@customer.example>"],
      listUnsubscribeUrl: "https://feedback.example.com/email/unsubscribe?o=org&e=wang%40example.com&s=sig",
    });
    const parsed = await PostalMime.parse(built.raw);
    expect(parsed.replyTo?.[0]).toEqual({ address: "demo+fl-2026-000123.k3j9x2m4pq@mail.example.com", name: "示例公司" });
    expect(parsed.inReplyTo).toBe("<original@customer.example>");
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(header("list-unsubscribe")).toBe("<https://feedback.example.com/email/unsubscribe?o=org&e=wang%40example.com&s=sig>");
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it("wraps base64 bodies at 76 characters and refuses header injection", () => {
    const built = buildEmail({ ...base, text: "长".repeat(400) });
    const bodyLines = built.raw.split("\r\n").filter((line) => /^[A-Za-z0-9+/=]{20,}$/.test(line));
    expect(bodyLines.length).toBeGreaterThan(5);
    expect(bodyLines.every((line) => line.length <= 76)).toBe(true);
    expect(() => buildEmail({ ...base, subject: "Hi\r\nBcc: victim@example.com" })).toThrow(RangeError);
    expect(() => buildEmail({ ...base, to: { address: "a@b.example>\r\nBcc: x@y" } })).toThrow(RangeError);
  });

  it("escapes the text in the HTML part", () => {
    expect(textToHtml("<script>alert(1)</script> & more")).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
  });
});

describe("link placeholders", () => {
  it("are shown to staff by name and rendered only with a value", () => {
    const text = `See ${LINK_PLACEHOLDERS.statusUrl} or leave: ${LINK_PLACEHOLDERS.unsubscribeUrl}`;
    expect(describePlaceholders(text)).toBe("See [status link, added when sent] or leave: [unsubscribe link, added when sent]");
    expect(() => renderPlaceholders(text, { statusUrl: "https://x/s" })).toThrow(/@@UNSUBSCRIBE_URL@@/);
    expect(renderPlaceholders(text, { statusUrl: "https://x/s", unsubscribeUrl: "https://x/u" })).toBe("See https://x/s or leave: https://x/u");
  });
});
