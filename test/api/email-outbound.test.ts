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

  it("retries a send the binding refuses with the backoff, then fails with the reason", async () => {
    const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "he@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    const refusing: DeliveryDeps = {
      email: {
        name: "cloudflare-email",
        async send() {
          throw new Error("rate limit exceeded");
        },
      },
    };
    await consumeEvents(deliverMessage(row.id), bindings, refusing);
    let stored = await outboxRow(row.id);
    expect(stored).toMatchObject({ status: "pending", attempts: 1, last_error: "cloudflare-email: rate limit exceeded" });
    for (let attempt = 2; attempt <= 5; attempt++) {
      await runScheduled(createScheduledController({ scheduledTime: stored.next_attempt_at, cron: "*/5 * * * *" }), bindings, refusing);
      stored = await outboxRow(row.id);
      expect(stored.attempts).toBe(attempt);
    }
    expect(stored).toMatchObject({ status: "failed", last_error: "cloudflare-email: rate limit exceeded (gave up after 5 attempts)" });
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
