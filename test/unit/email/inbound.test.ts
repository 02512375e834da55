import { describe, expect, it } from "vitest";
import { classifyInboundMessage, failedRecipients, normaliseMessageId } from "../../../src/domain/email/classify";
import { htmlToText, messageBodyText, stripQuotedReply } from "../../../src/domain/email/body-text";
import { INBOUND_EMAIL_LIMITS, refusedAttachmentsNote, safeAttachmentName, screenAttachments } from "../../../src/domain/email/attachments";
import { EMAIL_REOPEN_WINDOW_DAYS, inboundReplyPlan } from "../../../src/domain/email/thread";

function signals(headers: Record<string, string>, envelopeFrom = "customer@example.com", deliveryStatus: string | null = null) {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { header: (name: string) => lower.get(name.toLowerCase()) ?? null, envelopeFrom, deliveryStatus };
}

describe("classifyInboundMessage", () => {
  it("lets a person's message through, including one that says Auto-Submitted: no", () => {
    expect(classifyInboundMessage(signals({ subject: "Broken kettle" }))).toEqual({ kind: "person" });
    expect(classifyInboundMessage(signals({ "auto-submitted": "no" }))).toEqual({ kind: "person" });
  });

  it("recognises automatic replies and bulk mail", () => {
    expect(classifyInboundMessage(signals({ "Auto-Submitted": "auto-replied" })).kind).toBe("auto_reply");
    expect(classifyInboundMessage(signals({ "Auto-Submitted": "auto-generated" })).kind).toBe("auto_reply");
    expect(classifyInboundMessage(signals({ "X-Autoreply": "yes" })).kind).toBe("auto_reply");
    expect(classifyInboundMessage(signals({ Precedence: "auto_reply" })).kind).toBe("auto_reply");
    for (const precedence of ["bulk", "junk", "list", " Bulk "]) expect(classifyInboundMessage(signals({ Precedence: precedence })).kind).toBe("bulk");
    expect(classifyInboundMessage(signals({ "List-Unsubscribe": "<mailto:x@y>" })).kind).toBe("bulk");
  });

  it("treats the null sender, mailer-daemons and delivery reports as bounces, with the failed recipients", () => {
    expect(classifyInboundMessage(signals({}, "<>"))).toEqual({ kind: "bounce", failedRecipients: [] });
    expect(classifyInboundMessage(signals({}, "MAILER-DAEMON@mx.example.net")).kind).toBe("bounce");
    const dsn = "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; Gone@Example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550\n  user unknown\n\nFinal-Recipient: rfc822; slow@example.org\nAction: delayed\nStatus: 4.4.1\n";
    expect(classifyInboundMessage(signals({ "content-type": 'multipart/report; report-type="delivery-status"; boundary=x' }, "bounces@example.net", dsn))).toEqual({
      kind: "bounce",
      failedRecipients: [{ address: "gone@example.org", status: "5.1.1", diagnostic: "smtp; 550 user unknown" }],
    });
    expect(failedRecipients("Final-Recipient: rfc822; not-an-address\nAction: failed\n")).toEqual([]);
  });

  it("normalises Message-IDs and refuses unusable ones", () => {
    expect(normaliseMessageId(" <abc.123@mx.example> ")).toBe("abc.123@mx.example");
    expect(normaliseMessageId("")).toBeNull();
    expect(normaliseMessageId("two words")).toBeNull();
    expect(normaliseMessageId(`<${"x".repeat(600)}>`)).toBeNull();
  });
});

describe("htmlToText", () => {
  it("keeps the words and the line structure, drops markup, scripts and styles, decodes entities", () => {
    const html = `<html><head><title>t</title><style>p{}</style></head><body><h1>订单问题</h1><p>Hello&nbsp;there &amp; &#x4F60;&#22909;</p>
      <ul><li>one</li><li>two</li></ul><p>See <a href="https://shop.example/o/1">my order</a><br>Thanks</p><script>alert(1)</script><!-- hidden --></body></html>`;
    expect(htmlToText(html)).toBe("订单问题\n\nHello there & 你好\n\n- one\n- two\n\nSee my order (https://shop.example/o/1)\nThanks");
  });

  it("drops quoted history when asked: blockquotes and the quote containers of common clients", () => {
    expect(htmlToText("<p>Yes, order 12.</p><blockquote><p>Which order?<blockquote>older</blockquote></p></blockquote>", { dropQuotes: true })).toBe("Yes, order 12.");
    expect(htmlToText('<div>好的</div><div class="gmail_quote">On Mon wrote: <blockquote>x</blockquote></div>', { dropQuotes: true })).toBe("好的");
    expect(htmlToText('<div>Fine</div><div id="divRplyFwdMsg"><b>From:</b> Feedloop</div><div>old text</div>', { dropQuotes: true })).toBe("Fine");
  });

  it("prefers a text part that says something over the HTML", () => {
    expect(messageBodyText({ text: "plain words\r\n", html: "<p>html words</p>" })).toBe("plain words");
    expect(messageBodyText({ text: "  \n ", html: "<p>html words</p>" })).toBe("html words");
    expect(messageBodyText({})).toBe("");
  });
});

describe("stripQuotedReply", () => {
  it("cuts at English and Chinese attributions, Outlook headers and > quotes", () => {
    expect(stripQuotedReply("It was order 88231.\n\nOn Fri, 4 Dec 2026 at 10:00, Feedloop <x@y> wrote:\n> Which order?")).toBe("It was order 88231.");
    expect(stripQuotedReply("Thanks\nOn Fri, 4 Dec 2026 at 10:00, Feedloop Support\n<support@mail.example> \nwrote:\n> q")).toBe("Thanks");
    expect(stripQuotedReply("订单号是 123。\n\n在 2026年12月4日 10:00，Feedloop 写道：\n> 请问订单号？")).toBe("订单号是 123。");
    expect(stripQuotedReply("收到\n\n-----原始邮件-----\n发件人: Feedloop\n主题: 您的投诉")).toBe("收到");
    expect(stripQuotedReply("Done.\n\nFrom: Feedloop <x@y>\nSent: Friday\nTo: me\nSubject: Re\n\nold")).toBe("Done.");
    expect(stripQuotedReply("Answer\n> quoted\n> more")).toBe("Answer");
  });

  it("drops a signature after the standard delimiter but never empties a message", () => {
    expect(stripQuotedReply("Yes please.\n-- \nWang Fang\nACME Ltd")).toBe("Yes please.");
    expect(stripQuotedReply("> only a quote")).toBe("> only a quote");
  });
});

describe("attachments", () => {
  it("keeps accepted types within the caps and says why the others were not kept", () => {
    const mb = 1024 * 1024;
    const files = [
      { filename: "a.png", mimeType: "image/png", size: 1000 },
      { filename: "run.exe", mimeType: "application/x-msdownload", size: 10 },
      { filename: "huge.pdf", mimeType: "application/pdf", size: 6 * mb },
      { filename: "b.pdf", mimeType: "application/pdf", size: 4 * mb },
      { filename: "c.jpg", mimeType: "image/jpeg", size: 4 * mb },
      { filename: "d.jpg", mimeType: "image/jpeg", size: 3 * mb },
      { filename: "e.txt", mimeType: "text/plain; charset=utf-8", size: 10 },
      { filename: "f.txt", mimeType: "text/plain", size: 10 },
      { filename: "g.txt", mimeType: "text/plain", size: 10 },
    ];
    const { accepted, refused } = screenAttachments(files);
    expect(accepted.map((file) => file.name)).toEqual(["a.png", "b.pdf", "c.jpg", "e.txt", "f.txt"]);
    expect(accepted.length).toBe(INBOUND_EMAIL_LIMITS.maxAttachments);
    expect(refused).toEqual([
      { filename: "run.exe", reason: "type" },
      { filename: "huge.pdf", reason: "size" },
      { filename: "d.jpg", reason: "total_size" },
      { filename: "g.txt", reason: "count" },
    ]);
    expect(refusedAttachmentsNote(refused)).toMatch(/^\[Attachments not kept \/ 未保存的附件: run\.exe \(file type not accepted \/ 文件类型不受支持\); huge\.pdf/);
    expect(refusedAttachmentsNote([])).toBe("");
  });

  it("makes file names safe and names unnamed parts", () => {
    expect(safeAttachmentName("C:\\Users\\x\\photo.jpg", "image/jpeg", 0)).toBe("photo.jpg");
    expect(safeAttachmentName('../../"evil"\u0000.png', "image/png", 0)).toBe("evil.png");
    expect(safeAttachmentName(null, "image/png", 2)).toBe("attachment-3.png");
  });
});

describe("inboundReplyPlan", () => {
  const now = new Date("2026-12-04T10:00:00Z");
  it("resumes a paused complaint, adds a reply in an open state", () => {
    expect(inboundReplyPlan({ state: "waiting_on_customer", stateBeforeWaiting: "investigating", closedAt: null }, "here", now)).toEqual({
      kind: "transition",
      to: "investigating",
      payload: { message: "here" },
      via: "customer_reply_while_waiting",
    });
    expect(inboundReplyPlan({ state: "assessed", stateBeforeWaiting: null, closedAt: null }, "more", now)).toMatchObject({ kind: "transition", to: "assessed", via: "customer_reply" });
  });

  it("reopens a closed complaint within the window, and opens a new one after it", () => {
    const closedRecently = new Date(now.getTime() - (EMAIL_REOPEN_WINDOW_DAYS - 1) * 86_400_000);
    expect(inboundReplyPlan({ state: "closed", stateBeforeWaiting: null, closedAt: closedRecently }, "still broken", now)).toEqual({
      kind: "transition",
      to: "reopened",
      payload: { reason: "still broken" },
      via: "reopen",
    });
    const closedLongAgo = new Date(now.getTime() - (EMAIL_REOPEN_WINDOW_DAYS + 1) * 86_400_000);
    expect(inboundReplyPlan({ state: "closed", stateBeforeWaiting: null, closedAt: closedLongAgo }, "again", now)).toEqual({ kind: "new_complaint", why: "reopen_window_passed" });
  });
});
