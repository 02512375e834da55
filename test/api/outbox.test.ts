import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import { runScheduled } from "../../src/jobs/scheduled";
import type { DeliveryDeps } from "../../src/jobs/outbox-delivery";
import { emailOutboxRow, webhookOutboxRows } from "../../src/db/queries/outbox";
import { gatedInsert } from "../../src/db/queries/complaints-sql";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
const bindings = env as unknown as AppBindings;
const MINUTE = 60_000;

beforeAll(async () => {
  org = await createTestOrg("outbox-a");
});

/**
 * Standard Webhooks verification written independently of src/lib/webhook-signing.ts: decode the
 * whsec_ key, HMAC-SHA256 over `${id}.${timestamp}.${body}` with WebCrypto, compare base64.
 */
async function expectedSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: { name: "SHA-256" } }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

type Captured = { url: string; headers: Record<string, string>; body: string };

/** A receiver behind the injectable fetcher: answers from `script` in order (a number = status, "network" = throw). */
function receiver(script: (number | "network")[]) {
  const calls: Captured[] = [];
  const fetcher: DeliveryDeps["fetch"] = async (input, init) => {
    const request = new Request(input, init);
    calls.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
    const next = script[Math.min(calls.length - 1, script.length - 1)]!;
    if (next === "network") throw new TypeError("connect ECONNREFUSED");
    return new Response(next < 300 ? "ok" : "nope", { status: next });
  };
  return { calls, fetcher };
}

/** Subscribed to nothing that happens in this file unless asked, so only the test's own rows go to it. */
async function endpoint(events: string[] = ["response.completed"], url = "https://receiver.example.test/hooks") {
  const res = await call("/api/webhooks", json("POST", { url, events }, bearer(org.keys.admin)));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; url: string; secret: string };
}

/** An outbox row written directly (no queue message), so only the test delivers it. */
async function webhookRow(target: { id: string; url: string }, now: Date): Promise<string> {
  const [row] = webhookOutboxRows({ organizationId: org.organizationId, endpoints: [target], eventType: "complaint.created", data: { id: "cmp_test", reference: "FL-2026-000042" }, now });
  await gatedInsert(env.DB, "outbox", row!).run();
  return row!.id;
}

async function outboxRow(id: string) {
  return (await env.DB.prepare("select status, attempts, next_attempt_at, last_error, delivered_at from outbox where id = ?").bind(id).first<{ status: string; attempts: number; next_attempt_at: number; last_error: string | null; delivered_at: number | null }>())!;
}

function queueDelivery(outboxId: string) {
  const batch = createMessageBatch<FeedloopEvent>("feedloop-events", [{ id: `m-${outboxId}-${Math.random()}`, timestamp: new Date(), attempts: 1, body: { type: "outbox.deliver", outboxId } }]);
  return batch;
}

async function cronAt(at: number, deps: DeliveryDeps) {
  await runScheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), bindings, deps);
}

describe("webhook delivery", () => {
  it("retries a failing receiver with exponential backoff, then records the failure — never lost", async () => {
    const target = await endpoint();
    const start = Date.now();
    const id = await webhookRow(target, new Date(start));
    const { calls, fetcher } = receiver([503, "network", 500, 429, 502]);

    // First attempt through the queue consumer; the message is acked, the row keeps the retry.
    const batch = queueDelivery(id);
    const ctx = createExecutionContext();
    await consumeEvents(batch, bindings, { fetch: fetcher });
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    let row = await outboxRow(id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_error: "HTTP 503" });
    const gaps = [row.next_attempt_at - start];

    // The cron re-drives it whenever next_attempt_at has passed (and not before).
    await cronAt(row.next_attempt_at - 1000, { fetch: fetcher });
    expect((await outboxRow(id)).attempts).toBe(1);
    for (let attempt = 2; attempt <= 5; attempt++) {
      const due = row.next_attempt_at;
      await cronAt(due, { fetch: fetcher });
      row = await outboxRow(id);
      expect(row.attempts).toBe(attempt);
      if (attempt < 5) gaps.push(row.next_attempt_at - due);
    }
    // 1, 5, 25, 125 minutes (the first measured from the test's clock, a few ms before the attempt).
    expect(gaps[0]).toBeGreaterThanOrEqual(1 * MINUTE);
    expect(gaps[0]).toBeLessThan(1 * MINUTE + 5000);
    expect(gaps.slice(1)).toEqual([5 * MINUTE, 25 * MINUTE, 125 * MINUTE]);
    expect(row.status).toBe("failed");
    expect(row.last_error).toBe("HTTP 502 (gave up after 5 attempts)");
    expect(calls).toHaveLength(5);
    // Nothing more happens afterwards.
    await cronAt(row.next_attempt_at + 1000 * MINUTE, { fetch: fetcher });
    expect(calls).toHaveLength(5);
    const log = await env.DB.prepare("select attempt, status_code, error from webhook_deliveries where outbox_id = ? order by attempt").bind(id).all<{ attempt: number; status_code: number | null; error: string | null }>();
    expect(log.results.map((r) => r.status_code ?? "network")).toEqual([503, "network", 500, 429, 502]);
    // The admin sees the attempts.
    const deliveries = (await (await call(`/api/webhooks/${target.id}/deliveries`, { headers: bearer(org.keys.admin) })).json()) as { total: number };
    expect(deliveries.total).toBe(5);
    const failed = (await (await call("/api/outbox?kind=webhook&status=failed", { headers: bearer(org.keys.staff) })).json()) as { items: { id: string; lastError: string }[] };
    expect(failed.items.find((i) => i.id === id)!.lastError).toMatch(/HTTP 502/);
  });

  it("signs every attempt with Standard Webhooks headers a receiver can verify independently", async () => {
    const target = await endpoint();
    const now = Date.now();
    const id = await webhookRow(target, new Date(now));
    const { calls, fetcher } = receiver([500, 200]);
    await consumeEvents(queueDelivery(id), bindings, { fetch: fetcher });
    await cronAt((await outboxRow(id)).next_attempt_at, { fetch: fetcher });
    expect(await outboxRow(id)).toMatchObject({ status: "delivered", attempts: 2, last_error: null });
    expect(calls).toHaveLength(2);
    for (const request of calls) {
      expect(request.url).toBe("https://receiver.example.test/hooks");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["webhook-id"]).toBe(id);
      expect(request.headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
      expect(request.headers["webhook-signature"]).toBe(await expectedSignature(target.secret, id, request.headers["webhook-timestamp"]!, request.body));
      expect(JSON.parse(request.body)).toMatchObject({ id, type: "complaint.created", data: { reference: "FL-2026-000042" } });
    }
    // Same id on the retry (receivers de-duplicate on it), a fresh timestamp per attempt.
    expect(calls[0]!.headers["webhook-timestamp"]).not.toBe(calls[1]!.headers["webhook-timestamp"]);
    // A signature made with another secret does not verify.
    expect(calls[0]!.headers["webhook-signature"]).not.toBe(await expectedSignature("whsec_" + btoa("another-secret-0123456789abcd"), id, calls[0]!.headers["webhook-timestamp"]!, calls[0]!.body));
  });

  it("does not retry a receiver that refuses the message (4xx other than 408/429)", async () => {
    const target = await endpoint();
    const id = await webhookRow(target, new Date());
    const { calls, fetcher } = receiver([410]);
    await consumeEvents(queueDelivery(id), bindings, { fetch: fetcher });
    expect(await outboxRow(id)).toMatchObject({ status: "failed", attempts: 1, last_error: "HTTP 410" });
    expect(calls).toHaveLength(1);
  });

  it("sends a row once even when two consumers get its message at the same time", async () => {
    const target = await endpoint();
    const id = await webhookRow(target, new Date());
    const { calls, fetcher } = receiver([200]);
    await Promise.all([consumeEvents(queueDelivery(id), bindings, { fetch: fetcher }), consumeEvents(queueDelivery(id), bindings, { fetch: fetcher })]);
    expect(calls).toHaveLength(1);
    expect((await outboxRow(id)).status).toBe("delivered");
  });

  it("records messages for a deleted endpoint as failed", async () => {
    const target = await endpoint();
    const id = await webhookRow(target, new Date());
    await call(`/api/webhooks/${target.id}`, { method: "DELETE", headers: bearer(org.keys.admin) });
    const { calls, fetcher } = receiver([200]);
    await consumeEvents(queueDelivery(id), bindings, { fetch: fetcher });
    expect(await outboxRow(id)).toMatchObject({ status: "failed", last_error: "the webhook endpoint was deleted" });
    expect(calls).toHaveLength(0);
  });

  it("enqueues complaint.created and complaint.status_changed for subscribed endpoints", async () => {
    // Rows made through the API are also handed to the real queue, whose consumer uses the real
    // fetch: point it at a closed local port so those attempts fail fast and quietly.
    const target = await endpoint(["complaint.created", "complaint.status_changed"], "http://127.0.0.1:9/hooks");
    const created = await call("/api/complaints", json("POST", { subject: "Broken kettle", description: "It leaks." }, bearer(org.keys.staff)));
    const complaint = (await created.json()) as { id: string; reference: string };
    await call(`/api/complaints/${complaint.id}/transitions`, json("POST", { to: "acknowledged" }, bearer(org.keys.staff)));
    const rows = await env.DB.prepare("select event_type, payload from outbox where endpoint_id = ? order by created_at").bind(target.id).all<{ event_type: string; payload: string }>();
    expect(rows.results.map((r) => r.event_type)).toEqual(["complaint.created", "complaint.status_changed"]);
    expect(JSON.parse(rows.results[0]!.payload).data).toMatchObject({ id: complaint.id, reference: complaint.reference, state: "received" });
    expect(JSON.parse(rows.results[1]!.payload).data).toMatchObject({ id: complaint.id, from: "received", to: "acknowledged", transition: "acknowledge" });
    await call(`/api/webhooks/${target.id}`, json("PATCH", { active: false }, bearer(org.keys.admin)));
  });
});

describe("e-mail through the send_email binding", () => {
  it("sends e-mails through the binding (simulated locally) and shows them to staff", async () => {
    const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "he@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    await consumeEvents(queueDelivery(row.id), bindings);
    const stored = await env.DB.prepare("select status, provider_message_id from outbox where id = ?").bind(row.id).first<{ status: string; provider_message_id: string }>();
    expect(stored!.status).toBe("delivered");
    expect(stored!.provider_message_id).toMatch(/^cloudflare-email:<.+@mail\.feedloop\.test>$/);
    const list = (await (await call("/api/outbox?kind=email", { headers: bearer(org.keys.staff) })).json()) as { items: { id: string; payload: { text: string } }[] };
    expect(list.items.find((i) => i.id === row.id)!.payload.text).toBe("Body");
  });

  it("retries when the provider fails", async () => {
    const row = emailOutboxRow({ organizationId: org.organizationId, eventType: "complaint.update", to: "he@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    let sends = 0;
    const flaky: DeliveryDeps = {
      email: {
        name: "flaky",
        async send() {
          sends++;
          if (sends === 1) throw new Error("provider unavailable");
          return { id: "msg-1" };
        },
      },
    };
    await consumeEvents(queueDelivery(row.id), bindings, flaky);
    const first = await outboxRow(row.id);
    expect(first).toMatchObject({ status: "pending", attempts: 1, last_error: "flaky: provider unavailable" });
    await cronAt(first.next_attempt_at, flaky);
    expect(await outboxRow(row.id)).toMatchObject({ status: "delivered", attempts: 2 });
  });
});
