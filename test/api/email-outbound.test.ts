/**
 * Outgoing e-mail end to end inside workerd: outbox rows are delivered through wrangler.toml's
 * `EMAIL` send_email binding (Miniflare's simulation, which parses and checks every message and
 * writes it to a .eml file). The transport below records each raw message and then hands exactly
 * those bytes to the real binding, so the test reads back what the binding accepted.
 */
import { createMessageBatch, createScheduledController, env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import PostalMime, { type Email } from "postal-mime";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { createPublishedSurvey, acsiAnswers, newSubmissionId, submit } from "./fixtures";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import { runScheduled } from "../../src/jobs/scheduled";
import { deliverOutbox, type DeliveryDeps } from "../../src/jobs/outbox-delivery";
import { bindingTransport, type MailTransport } from "../../src/jobs/email-sender";
import { emailOutboxRow } from "../../src/db/queries/outbox";
import { gatedInsert } from "../../src/db/queries/complaints-sql";
import { suppressEmailAddress } from "../../src/db/queries/email-suppression";
import { parseInboundRecipient } from "../../src/domain/email/addresses";
import { emailThreadSecret } from "../../src/lib/email-secret";
import { createDb } from "../../src/db/client";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import type { AppBindings } from "../../src/env";

const bindings = env as unknown as AppBindings;
const DOMAIN = "mail.feedloop.test";
let org: TestOrg;

beforeAll(async () => {
  org = await createTestOrg("mail-out");
});

/** Records each raw message, then sends exactly it through the real (simulated) binding. */
function recordingTransport() {
  const sent: { raw: string; to: string; parsed: Promise<Email> }[] = [];
  const real = bindingTransport(bindings.EMAIL);
  const transport: MailTransport = {
    name: "cloudflare-email",
    async send(message) {
      const result = await real.send(message);
      sent.push({ raw: message.raw, to: message.to, parsed: PostalMime.parse(message.raw) });
      return result;
    },
  };
  return { sent, deps: { email: transport } satisfies DeliveryDeps };
}

function deliverMessage(outboxId: string) {
  return createMessageBatch<FeedloopEvent>("feedloop-events", [{ id: `m-${outboxId}-${Math.random()}`, timestamp: new Date(), attempts: 1, body: { type: "outbox.deliver", outboxId } }]);
}

async function outboxRow(id: string) {
  return (await env.DB.prepare("select status, attempts, next_attempt_at, last_error, provider_message_id, payload from outbox where id = ?").bind(id).first<{
    status: string;
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    provider_message_id: string | null;
    payload: string;
  }>())!;
}

const header = (email: Email, key: string) => email.headers.find((h) => h.key === key)?.value;

describe("complaint e-mail", () => {
  it("leaves through the binding in Chinese, with Message-ID and a Reply-To bound to the complaint, and no live secret in the outbox", async () => {
    const res = await call(
      "/api/complaints",
      json("POST", { subject: "快递丢失", description: "我的包裹在杭州丢失了。", language: "zh-CN", contact: { email: "Wang@Example.com", name: "王小明" } }, bearer(org.keys.staff)),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const complaint = (await res.json()) as { id: string; reference: string; statusUrl: string };
    const secret = new URL(complaint.statusUrl).searchParams.get("k")!;
    const row = await env.DB.prepare("select id from outbox where complaint_id = ? and event_type = 'complaint.acknowledgement'").bind(complaint.id).first<{ id: string }>();

    // Stored and shown to staff without the status secret (issue 12, finding 3).
    const stored = await outboxRow(row!.id);
    expect(stored.payload).not.toContain(secret);
    const list = (await (await call(`/api/outbox?kind=email&complaintId=${complaint.id}`, { headers: bearer(org.keys.staff) })).json()) as { items: { id: string; payload: { text: string } }[] };
    const shown = list.items.find((item) => item.id === row!.id)!;
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect(shown.payload.text).toContain("[status link, added when sent]");

    const { sent, deps } = recordingTransport();
    await consumeEvents(deliverMessage(row!.id), bindings, deps);
    const delivered = await outboxRow(row!.id);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 1, last_error: null });
    expect(delivered.provider_message_id).toMatch(/^cloudflare-email:<.+@mail\.feedloop\.test>$/);

    expect(sent).toHaveLength(1);
    const email = await sent[0]!.parsed;
    expect(email.subject).toBe(`我们已收到您的投诉（${complaint.reference}）`);
    expect(email.from).toEqual({ address: "feedloop@mail.feedloop.test", name: "mail-out" });
    expect(email.to?.[0]?.address).toBe("wang@example.com");
    expect(email.messageId).toBe(`<${row!.id}@${DOMAIN}>`);
    // The message as sent carries the live link, and it opens the status page.
    expect(email.text).toContain(complaint.statusUrl);
    expect(email.html).toContain(`href="${complaint.statusUrl.replace(/&/g, "&amp;")}"`);
    expect((await call(new URL(complaint.statusUrl).pathname + new URL(complaint.statusUrl).search)).status).toBe(200);
    // Reply-To: the complaint's signed thread address, which the inbound side resolves to this complaint.
    const replyTo = email.replyTo?.[0]?.address ?? "";
    expect(replyTo).toMatch(new RegExp(`^mail-out\\+${complaint.reference.toLowerCase()}\\.[a-z2-7]{10}@${DOMAIN.replace(/\./g, "\\.")}$`));
    expect(await parseInboundRecipient(replyTo, DOMAIN, await emailThreadSecret(bindings))).toEqual({ kind: "complaint_reply", organisationSlug: "mail-out", reference: complaint.reference });
    // Customer mail about a complaint is not survey mail: no unsubscribe header.
    expect(header(email, "list-unsubscribe")).toBeUndefined();
  });

  it("retries a send the binding refuses (not a rate limit) with the backoff, then fails with the reason", async () => {
    const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "he@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    const refusing: DeliveryDeps = {
      email: {
        name: "cloudflare-email",
        async send() {
          throw new Error("sender address not verified");
        },
      },
    };
    await consumeEvents(deliverMessage(row.id), bindings, refusing);
    let stored = await outboxRow(row.id);
    expect(stored).toMatchObject({ status: "pending", attempts: 1, last_error: "cloudflare-email: sender address not verified" });
    for (let attempt = 2; attempt <= 5; attempt++) {
      await runScheduled(createScheduledController({ scheduledTime: stored.next_attempt_at, cron: "*/5 * * * *" }), bindings, refusing);
      stored = await outboxRow(row.id);
      expect(stored.attempts).toBe(attempt);
    }
    expect(stored).toMatchObject({ status: "failed", last_error: "cloudflare-email: sender address not verified (gave up after 5 attempts)" });
  });

  it("paces sending: at most EMAIL_SEND_LIMIT per interval leave, the rest wait pending; a rate-limit refusal is retried without counting", async () => {
    const paced = { ...bindings, EMAIL_SEND_LIMIT: "2", EMAIL_SEND_INTERVAL_SECONDS: "60" } as AppBindings;
    // Far from every other test's sends, so only this test's claims are in the interval.
    const start = Date.now() + 30 * 86_400_000;
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: `paced${n}@example.com`, content: { subject: "Hello", text: "Body" }, now: new Date(start) });
      await gatedInsert(env.DB, "outbox", row).run();
      ids.push(row.id);
    }
    const { sent, deps } = recordingTransport();
    const database = createDb(env.DB);
    const outcomes = [];
    for (const id of ids) outcomes.push((await deliverOutbox(database, paced, id, new Date(start + 1000), deps)).status);
    expect(outcomes).toEqual(["delivered", "delivered", "skipped"]);
    expect(await outboxRow(ids[2]!)).toMatchObject({ status: "pending", attempts: 0, last_error: null });
    // Still full 59 s later; room again once the interval has passed.
    expect((await deliverOutbox(database, paced, ids[2]!, new Date(start + 59_000), deps)).status).toBe("skipped");
    expect((await deliverOutbox(database, paced, ids[2]!, new Date(start + 62_000), deps)).status).toBe("delivered");
    expect(sent.map((s) => s.to)).toEqual(["paced1@example.com", "paced2@example.com", "paced3@example.com"]);

    // Email Service says "slow down": the row goes back to pending for the next interval, the attempt not counted.
    const throttled = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "throttled@example.com", content: { subject: "Hello", text: "Body" }, now: new Date(start) });
    await gatedInsert(env.DB, "outbox", throttled).run();
    const refusing: DeliveryDeps = {
      email: {
        name: "cloudflare-email",
        async send() {
          throw Object.assign(new Error("too many requests"), { code: "E_RATE_LIMIT_EXCEEDED" });
        },
      },
    };
    const later = start + 10 * 60_000;
    for (let i = 0; i < 7; i++) {
      const at = later + i * 61_000;
      expect(await deliverOutbox(database, paced, throttled.id, new Date(at), refusing)).toEqual({ status: "paced", nextAttemptAt: new Date(at + 60_000) });
    }
    const stored = await outboxRow(throttled.id);
    expect(stored).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: later + 6 * 61_000 + 60_000 });
    expect(stored.last_error).toMatch(/^rate limited, retried later: cloudflare-email: too many requests$/);
    expect((await deliverOutbox(database, paced, throttled.id, new Date(later + 7 * 61_000), deps)).status).toBe("delivered");
    expect((await outboxRow(throttled.id)).attempts).toBe(1);
  });

  it("threads acknowledgements and public replies to the complaint: In-Reply-To and References name the thread root and the customer's own e-mails", async () => {
    const res = await call("/api/complaints", json("POST", { subject: "Late delivery", description: "Two weeks late.", contact: { email: "thread@example.com", name: "Tess" } }, bearer(org.keys.staff)));
    expect(res.status, await res.clone().text()).toBe(201);
    const complaint = (await res.json()) as { id: string };
    const root = `<complaint.${complaint.id}@${DOMAIN}>`;
    const { sent, deps } = recordingTransport();
    const deliverAll = async (eventType: string) => {
      const rows = await env.DB.prepare("select id from outbox where complaint_id = ? and event_type = ? and status = 'pending'").bind(complaint.id, eventType).all<{ id: string }>();
      for (const r of rows.results) await consumeEvents(deliverMessage(r.id), bindings, deps);
      return Promise.all(sent.splice(0).map((s) => s.parsed));
    };
    const [ack] = await deliverAll("complaint.acknowledgement");
    expect(ack!.inReplyTo).toBe(root);
    expect(ack!.references).toBe(root);

    // The customer answered by e-mail (the inbound handler records its Message-ID); the next public reply answers that message.
    await env.DB.prepare("insert into inbound_emails (id, organization_id, message_id, complaint_id, kind, sender, received_at) values (?, ?, ?, ?, 'reply', ?, ?)")
      .bind("ibx_thread_1", org.organizationId, "answer.1@example.com", complaint.id, "thread@example.com", Date.now())
      .run();
    for (const body of [{ to: "acknowledged" }, { to: "waiting_on_customer", publicReply: "Could you send the order number?" }]) {
      const moved = await call(`/api/complaints/${complaint.id}/transitions`, json("POST", body, bearer(org.keys.staff)));
      expect(moved.status, await moved.clone().text()).toBe(200);
    }
    const updates = await deliverAll("complaint.update");
    const reply = updates.find((email) => email.text?.includes("Could you send the order number?"));
    expect(reply, updates.map((u) => u.text).join("\n---\n")).toBeDefined();
    expect(reply!.inReplyTo).toBe("<answer.1@example.com>");
    expect(reply!.references?.split(/\s+/)).toEqual([root, "<answer.1@example.com>"]);
    expect(reply!.messageId).not.toBe(ack!.messageId);
  });

  it("keeps e-mail pending, untouched, while e-mail is not configured — and /healthz says so", async () => {
    const unconfigured = { ...bindings, EMAIL_FROM: "" } as AppBindings;
    const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "she@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    const { sent, deps } = recordingTransport();
    expect(await deliverOutbox(createDb(env.DB), unconfigured, row.id, new Date(), deps)).toEqual({ status: "skipped" });
    await runScheduled(createScheduledController({ scheduledTime: Date.now() + 3_600_000, cron: "*/5 * * * *" }), unconfigured, deps);
    expect(await outboxRow(row.id)).toMatchObject({ status: "pending", attempts: 0, last_error: null });
    expect(sent).toHaveLength(0);

    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const health = await exports.default.fetch(new Request("http://127.0.0.1:8787/healthz"));
    expect(await health.json()).toEqual({ status: "ok", email: "configured" });
    const { default: worker } = await import("../../src/index");
    const unhealthy = await worker.fetch(new Request("http://127.0.0.1:8787/healthz"), unconfigured, ctx);
    expect(await unhealthy.json()).toEqual({ status: "ok", email: "not configured" });
    const me = await worker.fetch(new Request("http://127.0.0.1:8787/api/me", { headers: bearer(org.keys.staff) }), unconfigured, ctx);
    expect(((await me.json()) as { email: unknown }).email).toEqual({ configured: false, reason: "EMAIL_FROM is not set" });

    // Once configured, the same row leaves.
    await consumeEvents(deliverMessage(row.id), bindings, deps);
    expect((await outboxRow(row.id)).status).toBe("delivered");
    expect(sent).toHaveLength(1);
  });
});

describe("survey reminders", () => {
  it("carry a personal link rendered at send time, List-Unsubscribe one-click, and stop after unsubscribing", async () => {
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-reminders", { accessMode: "invitation" });
    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: "chen@example.com" }, { email: "zhao@example.com" }] }, bearer(org.keys.manager)));
    expect(invited.status, await invited.clone().text()).toBe(201);
    const reminded = await call(`/api/surveys/${survey.id}/invitations/remind`, json("POST", { reissueLinks: true }, bearer(org.keys.manager)));
    expect(reminded.status).toBe(200);
    const outcome = (await reminded.json()) as { queued: number; links: { email: string; url: string }[] };
    expect(outcome.queued).toBe(2);
    const chenLink = outcome.links.find((l) => l.email === "chen@example.com")!.url;
    const token = new URL(chenLink).searchParams.get("t")!;

    const rows = await env.DB.prepare("select id, recipient, payload from outbox where event_type = 'invitation.reminder' and organization_id = ? order by recipient").bind(org.organizationId).all<{ id: string; recipient: string; payload: string }>();
    expect(rows.results.map((r) => r.recipient)).toEqual(["chen@example.com", "zhao@example.com"]);
    // No personal link in the outbox (issue 12, finding 3): only the placeholder.
    for (const r of rows.results) expect(r.payload).not.toMatch(/[?&]t=/);
    expect(rows.results[0]!.payload).not.toContain(token);

    const { sent, deps } = recordingTransport();
    for (const r of rows.results) await consumeEvents(deliverMessage(r.id), bindings, deps);
    expect(sent).toHaveLength(2);
    const chen = await sent.find((s) => s.to === "chen@example.com")!.parsed;
    expect(chen.text).toContain(chenLink);
    const unsubscribe = header(chen, "list-unsubscribe")!.replace(/^<|>$/g, "");
    expect(unsubscribe).toMatch(/^http:\/\/127\.0\.0\.1:8787\/email\/unsubscribe\?/);
    expect(header(chen, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(chen.text).toContain(unsubscribe);

    // The link in the e-mail works.
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true })).status).toBe(201);

    // GET only shows the page; a tampered link is refused; the RFC 8058 POST unsubscribes.
    const path = unsubscribe.replace("http://127.0.0.1:8787", "");
    expect((await call(path)).status).toBe(200);
    const zhao = await sent.find((s) => s.to === "zhao@example.com")!.parsed;
    const zhaoPath = header(zhao, "list-unsubscribe")!.replace(/^<|>$/g, "").replace("http://127.0.0.1:8787", "");
    expect((await call(zhaoPath.replace("zhao%40example.com", "chen%40example.com"), { method: "POST" })).status).toBe(400);
    const suppressed = () => env.DB.prepare("select email, reason from email_suppressions where organization_id = ?").bind(org.organizationId).all<{ email: string; reason: string }>();
    expect((await suppressed()).results).toEqual([]);
    const post = await call(zhaoPath, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(post.status).toBe(200);
    expect((await suppressed()).results).toEqual([{ email: "zhao@example.com", reason: "unsubscribed" }]);

    // Later reminders skip the unsubscribed address (and chen has completed).
    await env.DB.prepare("update survey_invitations set reminded_at = 0 where survey_id = ?").bind(survey.id).run();
    const again = await call(`/api/surveys/${survey.id}/invitations/remind`, json("POST", {}, bearer(org.keys.manager)));
    expect(((await again.json()) as { queued: number }).queued).toBe(0);
  });

  it("does not send survey mail queued before the address was suppressed or the respondent completed", async () => {
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-late", { accessMode: "invitation" });
    await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: "late@example.com" }] }, bearer(org.keys.manager)));
    await call(`/api/surveys/${survey.id}/invitations/remind`, json("POST", { reissueLinks: true }, bearer(org.keys.manager)));
    const row = await env.DB.prepare("select id from outbox where event_type = 'invitation.reminder' and recipient = 'late@example.com'").first<{ id: string }>();
    await suppressEmailAddress(createDb(env.DB), org.organizationId, "LATE@example.com", "bounced");
    const { sent, deps } = recordingTransport();
    await consumeEvents(deliverMessage(row!.id), bindings, deps);
    expect(sent).toHaveLength(0);
    expect(await outboxRow(row!.id)).toMatchObject({ status: "failed", last_error: "not sent: the address is on the organisation's suppression list" });
  });
});

describe("survey invitations by e-mail", () => {
  it("send each invitee a personal link in their language, skip suppressed addresses, and keep the link out of the answer and the outbox", async () => {
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-invite", { accessMode: "invitation" });
    await suppressEmailAddress(createDb(env.DB), org.organizationId, "gone@example.com", "unsubscribed");
    const res = await call(
      `/api/surveys/${survey.id}/invitations`,
      json("POST", { send: "email", invitations: [{ email: "li@example.com", language: "zh-CN" }, { email: "Gone@example.com" }] }, bearer(org.keys.manager)),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { sent: { id: string; email: string }[]; suppressed: { index: number; email: string; reason: string }[] };
    expect(body.sent.map((s) => s.email)).toEqual(["li@example.com"]);
    expect(body.suppressed).toEqual([{ index: 1, email: "Gone@example.com", reason: "unsubscribed" }]);
    expect(JSON.stringify(body)).not.toMatch(/[?&]t=|token/);

    const row = await env.DB.prepare("select id, payload from outbox where event_type = 'invitation.sent' and recipient = 'li@example.com'").first<{ id: string; payload: string }>();
    expect(row!.payload).not.toMatch(/[?&]t=/);
    const { sent, deps } = recordingTransport();
    await consumeEvents(deliverMessage(row!.id), bindings, deps);
    expect((await outboxRow(row!.id)).status).toBe("delivered");
    const email = await sent[0]!.parsed;
    expect(email.subject).toMatch(/^mail-out 邀请您参加「.+」$/);
    expect(header(email, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const link = /http:\/\/127\.0\.0\.1:8787\/s\/mail-out-invite\?lang=zh-CN&t=([A-Za-z0-9_-]+)/.exec(email.text ?? "");
    expect(link, email.text).toBeTruthy();
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), token: link![1], answers: acsiAnswers(), complete: true })).status).toBe(201);
  });
});

describe("survey invitations by e-mail from the CSV import", () => {
  it("e-mail each imported invitee their personal link in the row's language and report the suppressed rows", async () => {
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-csv", { accessMode: "invitation" });
    await suppressEmailAddress(createDb(env.DB), org.organizationId, "optout@example.com", "unsubscribed");
    await suppressEmailAddress(createDb(env.DB), org.organizationId, "bounce@example.com", "bounced");
    const csv = "email,language\nwu@example.com,zh-CN\nOptOut@example.com,en\nkim@example.com,EN\nbounce@example.com,\n";
    const res = await call(`/api/surveys/${survey.id}/invitations/import?send=email`, { method: "POST", headers: { ...bearer(org.keys.manager), "content-type": "text/csv" }, body: csv });
    expect(res.status, await res.clone().text()).toBe(201);
    const report = (await res.json()) as { accepted: number; rejected: unknown[]; suppressed: { row: number; email: string; reason: string }[]; invitations: { email: string; url: string | null }[] };
    expect(report.accepted).toBe(2);
    expect(report.rejected).toEqual([]);
    expect(report.suppressed).toEqual([
      { row: 3, email: "optout@example.com", reason: "unsubscribed" },
      { row: 5, email: "bounce@example.com", reason: "bounced" },
    ]);
    // E-mailed: the links are in the recipients' messages only.
    expect(report.invitations.map((i) => [i.email, i.url])).toEqual([
      ["wu@example.com", null],
      ["kim@example.com", null],
    ]);
    const rows = await env.DB.prepare("select id, recipient, payload from outbox where event_type = 'invitation.sent' and recipient in ('wu@example.com', 'kim@example.com', 'optout@example.com') order by recipient")
      .all<{ id: string; recipient: string; payload: string }>();
    expect(rows.results.map((r) => r.recipient)).toEqual(["kim@example.com", "wu@example.com"]);
    for (const r of rows.results) expect(r.payload).not.toMatch(/[?&]t=/);

    const { sent, deps } = recordingTransport();
    for (const r of rows.results) await consumeEvents(deliverMessage(r.id), bindings, deps);
    const wu = await sent.find((s) => s.to === "wu@example.com")!.parsed;
    const kim = await sent.find((s) => s.to === "kim@example.com")!.parsed;
    expect(wu.subject).toMatch(/^mail-out 邀请您参加「.+」$/);
    expect(kim.subject).toMatch(/^mail-out invites you: /);
    const link = /http:\/\/127\.0\.0\.1:8787\/s\/mail-out-csv\?lang=zh-CN&t=([A-Za-z0-9_-]+)/.exec(wu.text ?? "");
    expect(link, wu.text).toBeTruthy();
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), token: link![1], answers: acsiAnswers(), complete: true })).status).toBe(201);
  });
});

describe("the organisation's invitation template", () => {
  const valid = {
    en: { subject: "{{organisation}}: a word about {{survey_title}}", body: "Dear {{name}},\n<b>Tell us</b> & win: {{link}}\nUntil {{valid_until}}." },
    "zh-CN": { subject: "{{organisation}}：{{survey_title}}", body: "{{name}}您好，请点击 {{link}}" },
  };

  it("refuses an unknown placeholder or a body without {{link}}, naming it, and previews and sends the saved template with free text escaped", async () => {
    const put = (body: unknown, key = org.keys.manager) => call("/api/organisation/invitation-template", json("PUT", body, bearer(key)));
    const typo = await put({ ...valid, en: { ...valid.en, body: "Hi {{nmae}}: {{link}}" } });
    expect(typo.status).toBe(422);
    expect(typo.headers.get("content-type")).toContain("application/problem+json");
    const typoProblem = (await typo.json()) as { detail: string; errors: { field: string; message: string }[] };
    expect(typoProblem.detail).toContain("{{nmae}}");
    expect(typoProblem.errors).toContainEqual(expect.objectContaining({ field: "en.body", message: expect.stringContaining("unknown placeholder {{nmae}}") }));
    const noLink = await put({ ...valid, "zh-CN": { ...valid["zh-CN"], body: "您好 {{name}}" } });
    expect(noLink.status).toBe(422);
    expect(((await noLink.json()) as { errors: { field: string; message: string }[] }).errors).toContainEqual(expect.objectContaining({ field: "zh-CN.body", message: expect.stringContaining("{{link}}") }));
    expect((await put(valid, org.keys.viewer)).status).toBe(403);

    // Until saved, the built-in template; the preview renders an unsaved one for a sample invitee.
    const before = (await (await call("/api/organisation/invitation-template", { headers: bearer(org.keys.viewer) })).json()) as { custom: boolean; template: { en: { body: string } } };
    expect(before.custom).toBe(false);
    expect(before.template.en.body).toContain("{{link}}");
    const preview = await call("/api/organisation/invitation-template/preview", json("POST", { template: valid, sample: { name: "<Ann>", surveyTitle: "Q4 & more", validUntil: null } }, bearer(org.keys.manager)));
    expect(preview.status, await preview.clone().text()).toBe(200);
    const rendered = (await preview.json()) as Record<"en" | "zh-CN", { subject: string; text: string; html: string }>;
    expect(rendered.en.subject).toBe("mail-out: a word about Q4 & more");
    expect(rendered.en.text).toContain("Dear <Ann>,\n<b>Tell us</b> & win: [personal survey link, added when sent]");
    expect(rendered.en.text).not.toContain("Until"); // no expiry: the valid_until line is left out
    expect(rendered.en.text).toContain("No more survey e-mails from us: [unsubscribe link, added when sent]");
    expect(rendered.en.html).toContain("Dear &lt;Ann&gt;,<br>\n&lt;b&gt;Tell us&lt;/b&gt; &amp; win:");
    expect(rendered.en.html).not.toContain("<b>");
    expect(rendered["zh-CN"].text).toContain("<Ann>您好，请点击 [personal survey link, added when sent]");

    expect((await put(valid)).status).toBe(200);
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-template", { accessMode: "invitation" });
    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { send: "email", invitations: [{ email: "tpl@example.com", hidden: {} }] }, bearer(org.keys.manager)));
    expect(invited.status, await invited.clone().text()).toBe(201);
    const row = await env.DB.prepare("select id from outbox where event_type = 'invitation.sent' and recipient = 'tpl@example.com'").first<{ id: string }>();
    const { sent, deps } = recordingTransport();
    await consumeEvents(deliverMessage(row!.id), bindings, deps);
    const email = await sent[0]!.parsed;
    expect(email.subject).toMatch(/^mail-out: a word about /);
    expect(email.text).toMatch(/^Dear there,\n<b>Tell us<\/b> & win: http:\/\/127\.0\.0\.1:8787\/s\/mail-out-template\?lang=en&t=[A-Za-z0-9_-]+\n/);
    expect(email.html).toContain("&lt;b&gt;Tell us&lt;/b&gt; &amp; win:");
    expect(email.html).not.toContain("<b>Tell us");

    // Reset: back to the built-in one.
    const reset = (await (await call("/api/organisation/invitation-template", { method: "DELETE", headers: bearer(org.keys.manager) })).json()) as { custom: boolean };
    expect(reset.custom).toBe(false);
  });
});

describe("the survey's reminder schedule", () => {
  it("reminds those not completed after N days, at most K times and G days apart, never completed, suppressed or erased respondents, each reminder once", async () => {
    const survey = await createPublishedSurvey(org.keys.manager, "mail-out-schedule", { accessMode: "invitation" });
    const settings = (body: unknown) => call(`/api/surveys/${survey.id}/settings`, json("PATCH", body, bearer(org.keys.manager)));
    const bad = await settings({ reminderSchedule: { firstAfterDays: 0, maxReminders: 2 } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain("reminderSchedule.firstAfterDays");
    const ok = await settings({ reminderSchedule: { firstAfterDays: 3, maxReminders: 2, minGapDays: 2 } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(((await ok.json()) as { settings: { reminderSchedule: unknown } }).settings.reminderSchedule).toEqual({ firstAfterDays: 3, maxReminders: 2, minGapDays: 2 });

    const addresses = ["due@example.com", "done@example.com", "quiet@example.com", "erased@example.com"];
    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: addresses.map((email) => ({ email })) }, bearer(org.keys.manager)));
    const links = ((await invited.json()) as { items: { email: string; token: string }[] }).items;
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), token: links.find((l) => l.email === "done@example.com")!.token, answers: acsiAnswers(), complete: true })).status).toBe(201);
    await suppressEmailAddress(createDb(env.DB), org.organizationId, "quiet@example.com", "unsubscribed");
    expect((await call("/api/respondents?email=erased@example.com", { method: "DELETE", headers: bearer(org.keys.admin) })).status).toBe(200);

    const reminders = async () =>
      (
        await env.DB.prepare("select recipient, dedupe_key from outbox where event_type = 'invitation.reminder' and dedupe_key like 'invitation.reminder:%' and recipient in (?, ?, ?, ?) order by dedupe_key")
          .bind(...addresses)
          .all<{ recipient: string; dedupe_key: string }>()
      ).results.map((r) => `${r.recipient}#${r.dedupe_key.split(":").pop()}`);
    const { deps } = recordingTransport();
    const cron = (days: number) => runScheduled(createScheduledController({ scheduledTime: Date.now() + days * 86_400_000, cron: "*/5 * * * *" }), bindings, deps);
    await cron(2.9);
    expect(await reminders()).toEqual([]);
    await cron(3.01);
    expect(await reminders()).toEqual(["due@example.com#1"]);
    await cron(3.02); // the cron runs again: nothing twice
    await cron(4.5); // within the gap
    expect(await reminders()).toEqual(["due@example.com#1"]);
    await cron(5.1);
    await cron(9);
    await cron(20); // at most two
    expect(await reminders()).toEqual(["due@example.com#1", "due@example.com#2"]);
  });
});
