/**
 * Webhook endpoints: the signed test send (POST /api/webhooks/:id/test) and the target rules
 * (https and public hosts in production) at create, update and delivery time.
 *
 * The Worker runs in this isolate (direct calls), so a spy on the global fetch is the receiver;
 * "unreachable" uses the real fetch against a closed local port.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { createTestOrg, ORIGIN, type TestOrg } from "./helpers";
import { deliverOutbox } from "../../src/jobs/outbox-delivery";
import { webhookOutboxRows } from "../../src/db/queries/outbox";
import { gatedInsert } from "../../src/db/queries/complaints-sql";
import { createDb } from "../../src/db/client";
import type { AppBindings } from "../../src/env";

let a: TestOrg;
let b: TestOrg;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** The Worker with APP_ENV as given (wrangler.toml's is "development"). */
async function callAs(appEnv: "development" | "production", path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("origin", ORIGIN);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }) as never, { ...env, APP_ENV: appEnv } as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const jsonBody = (method: string, body: unknown, key: string): RequestInit => ({ method, headers: { "content-type": "application/json", ...bearer(key) }, body: JSON.stringify(body) });

async function createEndpoint(url: string, appEnv: "development" | "production" = "development", org = a) {
  const res = await callAs(appEnv, "/api/webhooks", jsonBody("POST", { url, events: ["complaint.created"] }, org.keys.admin));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; url: string; secret: string };
}

/** Standard Webhooks check written independently of src/lib/webhook-signing.ts. */
async function expectedSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: { name: "SHA-256" } }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

type Captured = { url: string; method: string; headers: Record<string, string>; body: string; redirect: RequestRedirect | undefined };

/** Replaces the global fetch with a receiver; `answer` decides the response. */
function receiver(answer: (request: Captured, signal: AbortSignal | null | undefined) => Promise<Response>) {
  const calls: Captured[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const captured = { url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body: await request.text(), redirect: init?.redirect };
    calls.push(captured);
    return answer(captured, init?.signal);
  });
  return { calls, spy };
}

type Problem = { type: string; status: number; detail: string; errors?: { field: string; code: string; message: string }[] };

beforeAll(async () => {
  a = await createTestOrg("whk-a");
  b = await createTestOrg("whk-b");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /api/webhooks/:id/test", () => {
  it("sends a signed webhook.test event and answers the receiver's status and latency", async () => {
    const endpoint = await createEndpoint("https://receiver.example.test/feedloop");
    const { calls } = receiver(async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return new Response(null, { status: 204 });
    });
    const res = await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.admin) });
    expect(res.status, await res.clone().text()).toBe(200);
    const result = (await res.json()) as { endpointId: string; messageId: string; eventType: string; statusCode: number; accepted: boolean; latencyMs: number };
    expect(result).toMatchObject({ endpointId: endpoint.id, eventType: "webhook.test", statusCode: 204, accepted: true });
    expect(result.latencyMs).toBeGreaterThanOrEqual(35);
    expect(result.latencyMs).toBeLessThan(5000);

    expect(calls).toHaveLength(1);
    const sent = calls[0]!;
    expect(sent).toMatchObject({ url: endpoint.url, method: "POST", redirect: "manual" });
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers["webhook-id"]).toBe(result.messageId);
    expect(Math.abs(Number(sent.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(sent.headers["webhook-signature"]).toBe(await expectedSignature(endpoint.secret, result.messageId, sent.headers["webhook-timestamp"]!, sent.body));
    const payload = JSON.parse(sent.body) as { id: string; type: string; data: { endpointId: string } };
    expect(payload).toMatchObject({ id: result.messageId, type: "webhook.test", data: { endpointId: endpoint.id } });

    // Audited, and in the delivery log as one attempt marked a test (the receiver got it, so the log shows it).
    const audit = await env.DB.prepare("select action from audit_log where organization_id = ? and target_id = ? and action = 'webhook.tested'").bind(a.organizationId, endpoint.id).all();
    expect(audit.results).toHaveLength(1);
    const log = (await (await callAs("development", `/api/webhooks/${endpoint.id}/deliveries`, { headers: bearer(a.keys.admin) })).json()) as { total: number; items: { test: boolean; statusCode: number; outboxId: string }[] };
    expect(log.total).toBe(1);
    expect(log.items[0]).toMatchObject({ test: true, statusCode: result.statusCode, outboxId: result.messageId });
  });

  it("reports a refusing receiver's status as it is (200 with accepted: false)", async () => {
    const endpoint = await createEndpoint("https://refusing.example.test/hook");
    receiver(async () => new Response("nope", { status: 500 }));
    const res = await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.admin) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 500, accepted: false });
  });

  it("answers 504 problem+json after about 5 s when the receiver never answers, even if it ignores the abort", async () => {
    const endpoint = await createEndpoint("https://slow.example.test/hook");
    receiver(() => new Promise<Response>(() => undefined));
    const started = Date.now();
    const res = await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.admin) });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as Problem;
    expect(problem.type).toBe("/problems/webhook-receiver-timeout");
    expect(problem.detail).toMatch(/did not answer within 5 s/);
    expect(elapsed).toBeGreaterThanOrEqual(4900);
    expect(elapsed).toBeLessThan(8000);
  }, 15_000);

  it("answers 502 problem+json when the receiver cannot be reached", async () => {
    // The real fetch, against a closed local port (allowed in development).
    const endpoint = await createEndpoint("http://127.0.0.1:9/hook");
    const res = await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.admin) });
    expect(res.status, await res.clone().text()).toBe(502);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as Problem;
    expect(problem.type).toBe("/problems/webhook-receiver-unreachable");
    expect(problem.detail).toContain("http://127.0.0.1:9/hook");
  });

  it("is not found for another organisation's endpoint, and forbidden below admin; nothing is sent", async () => {
    const endpoint = await createEndpoint("https://b-receiver.example.test/hook", "development", b);
    const { calls } = receiver(async () => new Response(null, { status: 200 }));
    const foreign = await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.owner) });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type")).toContain("application/problem+json");
    expect(await foreign.text()).not.toContain("b-receiver");
    for (const role of ["manager", "staff", "viewer"] as const) {
      expect((await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(b.keys[role]) })).status).toBe(403);
    }
    expect(calls).toHaveLength(0);
    expect((await callAs("development", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(b.keys.admin) })).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it("is in the OpenAPI document with its problem responses", async () => {
    const doc = (await (await callAs("development", "/api/openapi.json")).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const operation = doc.paths["/api/webhooks/{id}/test"]?.post;
    expect(operation).toBeDefined();
    expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404", "502", "504"]));
  });
});

describe("webhook targets in production", () => {
  it("refuses http, private and loopback IP literals and internal names at create, naming the field", async () => {
    for (const [url, pattern] of [
      ["http://hooks.example.com/x", /https:\/\//],
      ["https://10.1.2.3/x", /10\.1\.2\.3.*private/],
      ["https://127.0.0.1:8443/x", /loopback/],
      ["https://169.254.169.254/latest/meta-data", /link-local/],
      ["https://[::1]/x", /loopback/],
      ["https://[fd00::5]/x", /unique-local/],
      ["https://[::ffff:192.168.0.1]/x", /IPv4-mapped/],
      ["https://localhost/x", /only resolves inside a network/],
      ["https://metadata.google.internal/x", /only resolves inside a network/],
    ] as const) {
      const res = await callAs("production", "/api/webhooks", jsonBody("POST", { url, events: ["complaint.created"] }, a.keys.admin));
      expect(res.status, url).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as Problem;
      expect(problem.errors, url).toHaveLength(1);
      expect(problem.errors![0]!.field).toBe("url");
      expect(problem.errors![0]!.message, url).toMatch(pattern);
    }
    const count = await env.DB.prepare("select count(*) as n from webhook_endpoints where organization_id = ? and (url like '%10.1.2.3%' or url like '%localhost%' or url like 'http:%hooks.example.com%')").bind(a.organizationId).first<{ n: number }>();
    expect(count!.n).toBe(0);
    // A public https host is fine.
    await createEndpoint("https://hooks.example.com/feedloop", "production");
  });

  it("refuses the same at update and keeps the old URL", async () => {
    const endpoint = await createEndpoint("https://keep.example.com/hook", "production");
    const res = await callAs("production", `/api/webhooks/${endpoint.id}`, jsonBody("PATCH", { url: "https://192.168.1.1/hook" }, a.keys.admin));
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors![0]!.field).toBe("url");
    const row = await env.DB.prepare("select url from webhook_endpoints where id = ?").bind(endpoint.id).first<{ url: string }>();
    expect(row!.url).toBe("https://keep.example.com/hook");
    // Other fields can still change without touching the URL.
    expect((await callAs("production", `/api/webhooks/${endpoint.id}`, jsonBody("PATCH", { description: "ok" }, a.keys.admin))).status).toBe(200);
  });

  it("checks again when sending: a stored local URL is neither delivered nor test-sent in production", async () => {
    // Saved under development rules (a local receiver), then the Worker runs with production's.
    const endpoint = await createEndpoint("http://127.0.0.1:9/hooks");
    const now = new Date();
    const [row] = webhookOutboxRows({ organizationId: a.organizationId, endpoints: [endpoint], eventType: "complaint.created", data: { id: "cmp_x" }, now });
    await gatedInsert(env.DB, "outbox", row!).run();
    const fetcher = vi.fn(async () => new Response(null, { status: 200 }));
    const outcome = await deliverOutbox(createDb(env.DB), { ...(env as unknown as AppBindings), APP_ENV: "production" }, row!.id, now, { fetch: fetcher });
    expect(outcome.status).toBe("failed");
    expect(fetcher).not.toHaveBeenCalled();
    const stored = await env.DB.prepare("select status, last_error from outbox where id = ?").bind(row!.id).first<{ status: string; last_error: string }>();
    expect(stored).toMatchObject({ status: "failed" });
    expect(stored!.last_error).toMatch(/https:\/\//);

    const { calls } = receiver(async () => new Response(null, { status: 200 }));
    const res = await callAs("production", `/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(a.keys.admin) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problem).errors![0]!.field).toBe("url");
    expect(calls).toHaveLength(0);
  });
});
