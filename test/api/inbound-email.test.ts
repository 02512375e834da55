/**
 * The Worker's email() handler driven with raw RFC 5322 messages, as Email Routing delivers them:
 * a ForwardableEmailMessage built from the raw bytes (headers from the raw header section, setReject
 * recorded), passed to the exported handler with a real execution context, D1 and R2.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { isEmailSuppressed } from "../../src/db/queries/email-suppression";
import { complaintReplyAddress, organisationComplaintAddress } from "../../src/domain/email/addresses";
import { emailThreadSecret } from "../../src/lib/email-secret";
import { INBOUND_EMAIL_LIMITS } from "../../src/domain/email/attachments";
import type { AppBindings } from "../../src/env";

const DOMAIN = "mail.feedloop.test";
const SLUG = "mailco";
const ORG_ADDRESS = organisationComplaintAddress(SLUG, DOMAIN);
let org: TestOrg;

beforeAll(async () => {
  org = await createTestOrg(SLUG);
});

/** The header section of a raw message as a Headers object (unfolded; values stay as sent, i.e. ASCII). */
function rawHeaders(raw: string): Headers {
  const section = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const headers = new Headers();
  for (const line of section.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

type Delivery = { rejected: string | null };

async function deliver(raw: string, options: { to?: string; from?: string; rawSize?: number } = {}): Promise<Delivery> {
  const bytes = new TextEncoder().encode(raw);
  const delivery: Delivery = { rejected: null };
  const message = {
    from: options.from ?? "li.wei@example.cn",
    to: options.to ?? ORG_ADDRESS,
    raw: new Response(bytes).body!,
    rawSize: options.rawSize ?? bytes.byteLength,
    headers: rawHeaders(raw),
    setReject: (reason: string) => {
      delivery.rejected = reason;
    },
    forward: async () => ({ messageId: "unused" }),
    reply: async () => ({ messageId: "unused" }),
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email(message, env as unknown as AppBindings, ctx);
  await waitOnExecutionContext(ctx);
  return delivery;
}

let sequence = 0;
function message(parts: { from?: string; to?: string; subject?: string; messageId?: string | null; headers?: string[]; body: string; contentType?: string }): string {
  const id = parts.messageId === undefined ? `<m${++sequence}.${crypto.randomUUID()}@example.cn>` : parts.messageId;
  return [
    `From: ${parts.from ?? "Li Wei <li.wei@example.cn>"}`,
    `To: ${parts.to ?? ORG_ADDRESS}`,
    `Subject: ${parts.subject ?? "A complaint"}`,
    ...(id ? [`Message-ID: ${id}`] : []),
    "Date: Fri, 04 Dec 2026 09:00:00 +0800",
    "MIME-Version: 1.0",
    ...(parts.headers ?? []),
    `Content-Type: ${parts.contentType ?? "text/plain; charset=utf-8"}`,
    ...(parts.contentType?.startsWith("multipart/") ? [] : ["Content-Transfer-Encoding: 8bit"]),
    "",
    parts.body,
  ].join("\r\n");
}

async function complaintsFrom(sender: string) {
  return (
    await env.DB.prepare("SELECT * FROM complaints WHERE organization_id = ? AND contact_email = ? ORDER BY received_at").bind(org.organizationId, sender).all<Record<string, unknown>>()
  ).results;
}

async function complaintDetail(id: string) {
  const res = await call(`/api/complaints/${id}`, { headers: bearer(org.keys.staff) });
  expect(res.status).toBe(200);
  return (await res.json()) as { state: string; slaPaused: boolean; reopenCount: number; timeline: { type: string; actor: { kind: string }; data: Record<string, unknown> }[] };
}

async function countRows(table: string) {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE organization_id = ?`).bind(org.organizationId).first<{ n: number }>())!.n;
}

describe("e-mail to an organisation's complaint address", () => {
  it("opens a complaint from a GB18030 message with an RFC 2047 Chinese subject, acknowledged to the sender", async () => {
    const raw = message({
      from: "=?UTF-8?B?5p2O5Lyf?= <li.wei@example.cn>",
      // UTF-8 base64 and GB18030 base64 encoded words in one subject.
      subject: "=?UTF-8?B?55S16aWt54Wy6LSo6YeP6Zeu6aKY?= =?GB18030?B?o6i99Lyxo6k=?=",
      contentType: "text/plain; charset=GB18030",
      headers: ["Content-Transfer-Encoding: base64"],
      body: "xPq6w6OsztLJz9bcwvK1xLXnt7ns0tPDwcvI/czsvs27tcHLo6zE2rn4zb+y483RwuSho8frvqG/7M3Lu/XNy7/uoaM=",
    }).replace("Content-Transfer-Encoding: 8bit\r\n", "");
    expect((await deliver(raw)).rejected).toBeNull();
    const [complaint] = await complaintsFrom("li.wei@example.cn");
    expect(complaint).toMatchObject({ source: "email", subject: "电饭煲质量问题（紧急）", contact_name: "李伟", language: "zh-CN", anonymous: 0 });
    expect(complaint!.description).toBe("您好，我上周买的电饭煲用了三天就坏了，内锅涂层脱落。请尽快退货退款。");
    const ack = await env.DB.prepare("SELECT recipient, event_type FROM outbox WHERE complaint_id = ? AND kind = 'email'").bind(complaint!.id).all();
    expect(ack.results).toContainEqual({ recipient: "li.wei@example.cn", event_type: "complaint.acknowledgement" });
    const detail = await complaintDetail(String(complaint!.id));
    expect(detail.timeline[0]).toMatchObject({ type: "received", data: { source: "email" } });
  });

  it("reads a Big5 HTML-only message as text", async () => {
    const raw = message({
      from: "chen@example.tw",
      subject: "=?Big5?B?rXGz5qm1v/A=?=",
      contentType: "text/html; charset=big5",
      headers: ["Content-Transfer-Encoding: base64"],
      body: btoa(
        "<html><head><style>p{color:red}</style></head><body><p><b>" +
          atob("sXqmbqFBp9qquq1xs+aptb/wpEao4rZnoUGryKpBuXG43KRAqr2ltKSjs3GhQw==") +
          "</b></p><p>Order&nbsp;#A-17 &amp; #A-18<br>Thanks</p><script>alert(1)</script></body></html>",
      ),
    }).replace("Content-Transfer-Encoding: 8bit\r\n", "");
    expect((await deliver(raw, { from: "chen@example.tw" })).rejected).toBeNull();
    const [complaint] = await complaintsFrom("chen@example.tw");
    expect(complaint!.subject).toBe("訂單延遲");
    expect(complaint!.description).toBe("您好，我的訂單延遲了兩週，客服電話一直打不通。\n\nOrder #A-17 & #A-18\nThanks");
  });

  it("stores accepted attachments in R2, names the refused ones, and a duplicate delivery adds nothing", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const boundary = "b1_feedloop";
    const body = [
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The parcel arrived crushed; photos attached.",
      `--${boundary}`,
      'Content-Type: image/png; name="box.png"',
      'Content-Disposition: attachment; filename="box.png"',
      "Content-Transfer-Encoding: base64",
      "",
      png,
      `--${boundary}`,
      'Content-Type: application/pdf; name="=?UTF-8?B?5Y+R56WoLnBkZg==?="',
      'Content-Disposition: attachment; filename="=?UTF-8?B?5Y+R56WoLnBkZg==?="',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("%PDF-1.4\n%fake but typed\n"),
      `--${boundary}`,
      'Content-Type: application/x-msdownload; name="invoice.exe"',
      'Content-Disposition: attachment; filename="invoice.exe"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("MZ not a program"),
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const raw = message({ from: "sam@example.com", subject: "Crushed parcel", contentType: `multipart/mixed; boundary="${boundary}"`, body });
    expect((await deliver(raw, { from: "sam@example.com" })).rejected).toBeNull();
    const [complaint] = await complaintsFrom("sam@example.com");
    expect(complaint!.language).toBe("en");
    expect(complaint!.description).toContain("The parcel arrived crushed; photos attached.");
    expect(complaint!.description).toContain("invoice.exe (file type not accepted");
    const attachments = (
      await env.DB.prepare("SELECT filename, content_type, size, storage_key FROM complaint_attachments WHERE complaint_id = ? ORDER BY filename").bind(complaint!.id).all<{
        filename: string;
        content_type: string;
        size: number;
        storage_key: string;
      }>()
    ).results;
    expect(attachments.map((a) => [a.filename, a.content_type])).toEqual([
      ["box.png", "image/png"],
      ["发票.pdf", "application/pdf"],
    ]);
    const stored = await env.ATTACHMENTS.get(attachments[0]!.storage_key);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(Uint8Array.from(atob(png), (c) => c.charCodeAt(0)));
    // Staff see them on the complaint and download them (always as an attachment, never rendered inline).
    const detail = (await (await call(`/api/complaints/${complaint!.id}`, { headers: bearer(org.keys.staff) })).json()) as { attachments: { id: string; filename: string }[] };
    expect(detail.attachments.map((a) => a.filename).sort()).toEqual(["box.png", "发票.pdf"]);
    const pdf = detail.attachments.find((a) => a.filename === "发票.pdf")!;
    const download = await call(`/api/complaints/${complaint!.id}/attachments/${pdf.id}`, { headers: bearer(org.keys.staff) });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf");
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new TextDecoder().decode(await download.arrayBuffer())).toBe("%PDF-1.4\n%fake but typed\n");
    expect((await call(`/api/complaints/${complaint!.id}/attachments/att_unknown`, { headers: bearer(org.keys.staff) })).status).toBe(404);
    const objectsBefore = (await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` })).objects.length;

    // Email Routing may deliver the same message twice: one complaint, no second set of files.
    expect((await deliver(raw, { from: "sam@example.com" })).rejected).toBeNull();
    expect(await complaintsFrom("sam@example.com")).toHaveLength(1);
    expect((await env.ATTACHMENTS.list({ prefix: `complaints/${org.organizationId}/` })).objects.length).toBe(objectsBefore);

    // Erasing the customer (anonymise keeps the complaint, delete removes it) deletes the files from R2 too.
    const erased = await call("/api/respondents?email=sam@example.com&mode=anonymise", { method: "DELETE", headers: bearer(org.keys.admin) });
    expect(erased.status, await erased.clone().text()).toBe(200);
    expect(((await erased.json()) as { attachments: number }).attachments).toBe(2);
    for (const attachment of attachments) expect(await env.ATTACHMENTS.head(attachment.storage_key)).toBeNull();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM complaint_attachments WHERE complaint_id = ?").bind(complaint!.id).first<{ n: number }>())!.n).toBe(0);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM inbound_emails WHERE complaint_id = ?").bind(complaint!.id).first<{ n: number }>())!.n).toBe(0);
    expect((await call(`/api/complaints/${complaint!.id}/attachments/${pdf.id}`, { headers: bearer(org.keys.staff) })).status).toBe(404);
  });

  it("keys a message without a Message-ID by its content, so its duplicate is still one complaint", async () => {
    const raw = message({ from: "noid@example.com", messageId: null, body: "No message id here." });
    await deliver(raw, { from: "noid@example.com" });
    await deliver(raw, { from: "noid@example.com" });
    expect(await complaintsFrom("noid@example.com")).toHaveLength(1);
  });
});

describe("bad and hostile mail", () => {
  it("never opens a complaint for, nor answers, auto-replies and bulk mail", async () => {
    const before = [await countRows("complaints"), await countRows("outbox")];
    const autoReply = message({ from: "away@example.com", subject: "Automatic reply: Your complaint", headers: ["Auto-Submitted: auto-replied"], body: "I am out of the office." });
    const vacation = message({ from: "away@example.com", subject: "Out of office", headers: ["X-Autoreply: yes"], body: "Back Monday." });
    const bulk = message({ from: "news@example.com", subject: "Our newsletter", headers: ["Precedence: bulk"], body: "Big sale!" });
    const list = message({ from: "list@example.com", subject: "[list] digest", headers: ["List-Id: <digest.example.com>"], body: "Digest" });
    for (const raw of [autoReply, vacation, bulk, list]) expect((await deliver(raw, { from: "away@example.com" })).rejected).toBeNull();
    expect([await countRows("complaints"), await countRows("outbox")]).toEqual(before);
  });

  it("suppresses a bounced address (a DSN from the mailer-daemon) without creating or answering anything", async () => {
    const before = [await countRows("complaints"), await countRows("outbox")];
    const boundary = "dsn_b";
    const raw = message({
      from: "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
      subject: "Undelivered Mail Returned to Sender",
      headers: ["Auto-Submitted: auto-replied"],
      contentType: `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      body: [
        `--${boundary}`,
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        `--${boundary}`,
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        "Final-Recipient: rfc822; gone@example.org",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        "",
        `--${boundary}--`,
        "",
      ].join("\r\n"),
    });
    expect((await deliver(raw, { from: "" })).rejected).toBeNull();
    expect([await countRows("complaints"), await countRows("outbox")]).toEqual(before);
    expect(await isEmailSuppressed(db(), org.organizationId, "gone@example.org")).toBe(true);
    const suppression = await env.DB.prepare("SELECT reason FROM email_suppressions WHERE organization_id = ? AND email = ?").bind(org.organizationId, "gone@example.org").first();
    expect(suppression).toEqual({ reason: "bounced" });
  });

  it("rejects unknown addresses, a forged reply address and an oversize message, storing nothing", async () => {
    const before = [await countRows("complaints"), await countRows("inbound_emails")];
    const body = message({ body: "hello" });
    expect((await deliver(body, { to: "nobody@mail.feedloop.test" })).rejected).toMatch(/no such mailbox/);
    expect((await deliver(body, { to: `${SLUG}@elsewhere.example` })).rejected).toMatch(/not a Feedloop mail domain/);
    expect((await deliver(body, { to: `${SLUG}+fl-2026-000001.aaaaaaaaaa@${DOMAIN}` })).rejected).toMatch(/reply address is not valid/);

    // Email Routing reports the size up front (rawSize); the handler refuses before reading a byte.
    const big = message({ from: "big@example.com", body: "x".repeat(1000) });
    const rejected = await deliver(big, { from: "big@example.com", rawSize: INBOUND_EMAIL_LIMITS.maxMessageBytes + 1024 });
    expect(rejected.rejected).toMatch(/Message too large: 15\.0 MB; the limit is 15 MB/);
    expect([await countRows("complaints"), await countRows("inbound_emails")]).toEqual(before);
  });

  it("rejects a flood from one sender once the per-minute limit is used up", async () => {
    const outcomes: (string | null)[] = [];
    for (let i = 0; i <= INBOUND_EMAIL_LIMITS.senderMessagesPerMinute; i++) {
      // Auto-replies: each counts against the limit but creates nothing, which keeps this test quick.
      outcomes.push((await deliver(message({ from: "flood@example.com", headers: ["Auto-Submitted: auto-replied"], body: `n${i}` }), { from: "flood@example.com" })).rejected);
    }
    expect(outcomes.slice(0, -1).every((reason) => reason === null)).toBe(true);
    expect(outcomes.at(-1)).toMatch(/Too many messages from this sender/);
    // Another sender is not affected.
    expect((await deliver(message({ from: "calm@example.com", headers: ["Precedence: junk"], body: "x" }), { from: "calm@example.com" })).rejected).toBeNull();
  });
});

describe("answers on a complaint's thread", () => {
  it("lands on the timeline without the quoted history, resumes a paused clock and reopens a closed complaint", async () => {
    await deliver(message({ from: "Wang Fang <wang@example.cn>", subject: "Refund not received", body: "I returned the kettle two weeks ago and have no refund." }), { from: "wang@example.cn" });
    const [row] = await complaintsFrom("wang@example.cn");
    const id = String(row!.id);
    const reference = String(row!.reference);
    const replyTo = await complaintReplyAddress(SLUG, reference, DOMAIN, await emailThreadSecret(env as unknown as AppBindings));

    for (const body of [{ to: "acknowledged" }, { to: "waiting_on_customer", publicReply: "Which order number was it?" }]) {
      expect((await call(`/api/complaints/${id}/transitions`, json("POST", body, bearer(org.keys.staff)))).status).toBe(200);
    }
    expect((await complaintDetail(id)).slaPaused).toBe(true);

    const answer = message({
      from: "Wang Fang <wang@example.cn>",
      to: replyTo,
      subject: `Re: [${reference}] Refund not received`,
      headers: ["In-Reply-To: <ack@mail.feedloop.test>"],
      body: [
        "It was order 88231.",
        "",
        "On Fri, 4 Dec 2026 at 10:00, Feedloop <noreply@mail.feedloop.test> wrote:",
        "> Which order number was it?",
        ">",
      ].join("\r\n"),
    });
    expect((await deliver(answer, { to: replyTo, from: "wang@example.cn" })).rejected).toBeNull();
    let detail = await complaintDetail(id);
    expect(detail.state).toBe("acknowledged");
    expect(detail.slaPaused).toBe(false);
    const reply = detail.timeline.find((event) => event.type === "public_reply" && event.actor.kind === "customer");
    expect(reply?.data.text).toBe("It was order 88231.");

    // The same answer delivered again: nothing more on the timeline.
    const eventsBefore = detail.timeline.length;
    await deliver(answer, { to: replyTo, from: "wang@example.cn" });
    expect((await complaintDetail(id)).timeline).toHaveLength(eventsBefore);

    // Staff answer and close; the customer's next e-mail (HTML, Gmail-style quote) reopens it.
    for (const body of [
      { to: "assessed", priority: "normal", category: "billing" },
      { to: "responded", publicReply: "The refund was sent today.", proposedRemedy: "Refund of 299 CNY" },
      { to: "closed", resolution: { outcome: "accepted" } },
    ]) {
      const res = await call(`/api/complaints/${id}/transitions`, json("POST", body, bearer(org.keys.staff)));
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    }
    const reopen = message({
      from: "wang@example.cn",
      to: replyTo,
      subject: "Re: Refund not received",
      contentType: "text/html; charset=utf-8",
      body: '<div dir="ltr">仍然没有收到退款。</div><div class="gmail_quote"><div>2026年12月4日 写道：</div><blockquote>The refund was sent today.</blockquote></div>',
    });
    expect((await deliver(reopen, { to: replyTo, from: "wang@example.cn" })).rejected).toBeNull();
    detail = await complaintDetail(id);
    expect(detail.state).toBe("reopened");
    expect(detail.reopenCount).toBe(1);
    const reopened = detail.timeline.find((event) => event.type === "state_changed" && event.data.transition === "reopen");
    expect(reopened?.data.reason).toBe("仍然没有收到退款。");
    expect(await countRows("inbound_emails")).toBeGreaterThanOrEqual(3);
  });
});
