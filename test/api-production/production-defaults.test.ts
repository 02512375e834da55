/**
 * Production is the default (issue 12, finding 2): this project runs the Worker with
 * wrangler.toml's [vars] untouched, behind an https origin, as a plain `wrangler deploy` would.
 */
import { createMessageBatch, env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { createDb } from "../../src/db/client";
import { ensureOrganisation } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import { emailOutboxRow } from "../../src/db/queries/outbox";
import { gatedInsert } from "../../src/db/queries/complaints-sql";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import type { AppBindings } from "../../src/env";

const ORIGIN = "https://feedloop.example";

function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("origin")) headers.set("origin", ORIGIN);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }));
}

function jsonBody(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

describe("production defaults", () => {
  it("wrangler.toml's default APP_ENV is production", () => {
    expect(env.APP_ENV).toBe("production");
  });

  it("has no seed route, even for a caller who knows DEMO_API_KEY", async () => {
    const res = await call("/__dev/seed", { method: "POST", headers: { "x-seed-key": (env as { DEMO_API_KEY?: string }).DEMO_API_KEY! } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  });

  it("refuses webhook targets on this machine or a private network", async () => {
    const db = createDb(env.DB);
    const { organizationId, userIds } = await ensureOrganisation(env, db, {
      name: "prod-hooks",
      slug: "prod-hooks",
      timeZone: "UTC",
      members: [{ email: "owner@prod-hooks.test", name: "Owner", password: "correct horse battery", role: "owner" }],
    });
    const adminId = userIds["owner@prod-hooks.test"]!;
    const key = await createApiKey(db, { kind: "user", id: adminId, name: "admin", organizationId, role: "owner" }, { name: "admin key", role: "admin" });
    for (const url of ["http://127.0.0.1:9000/hook", "https://10.0.0.5/hook", "https://localhost/hook"]) {
      const res = await call("/api/webhooks", jsonBody("POST", { url, events: ["complaint.created"] }, { authorization: `Bearer ${key.key}` }));
      expect(res.status, url).toBe(422);
    }
  });

  it("sets Secure session cookies behind https and rate-limits sign-in attempts", async () => {
    const signUp = await call("/api/auth/sign-up/email", jsonBody("POST", { email: "secure@prod.test", password: "correct horse battery", name: "Secure" }));
    expect(signUp.status).toBe(200);
    const cookies = signUp.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call("/api/auth/sign-in/email", jsonBody("POST", { email: "secure@prod.test", password: "wrong password here" }, { "cf-connecting-ip": "203.0.113.7", "x-forwarded-for": "203.0.113.7" }));
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });

  it("refuses a cookie-authenticated change from another origin, and localhost is not trusted", async () => {
    const signIn = await call("/api/auth/sign-in/email", jsonBody("POST", { email: "csrf@prod.test", password: "correct horse battery" }));
    const signUp = signIn.status === 200 ? signIn : await call("/api/auth/sign-up/email", jsonBody("POST", { email: "csrf@prod.test", password: "correct horse battery", name: "Csrf" }));
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(cookie).toMatch(/__Secure-better-auth\.session_token=/);
    for (const origin of ["https://evil.feedloop.example", "http://127.0.0.1:8787"]) {
      const res = await call("/api/surveys", { method: "POST", headers: { cookie, origin, "content-type": "text/plain" }, body: "{}" });
      expect(res.status, origin).toBe(403);
    }
  });

  it("keys the auth rate limit on cf-connecting-ip, not a client-chosen x-forwarded-for", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call("/api/auth/sign-in/email", jsonBody("POST", { email: "nobody@prod.test", password: "wrong password here" }, { "cf-connecting-ip": "198.51.100.23", "x-forwarded-for": `192.0.2.${i + 1}` }));
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });

  it("ships e-mail as not configured: /healthz says so and e-mail stays pending, nothing pretends", async () => {
    expect(await (await call("/healthz")).json()).toEqual({ status: "ok", email: "not configured" });
    const db = createDb(env.DB);
    const { organizationId } = await ensureOrganisation(env, db, { name: "prod-mail", slug: "prod-mail", timeZone: "UTC", members: [{ email: "owner@prod-mail.test", name: "Owner", password: "correct horse battery", role: "owner" }] });
    const row = emailOutboxRow({ organizationId, eventType: "complaint.update", to: "customer@example.com", content: { subject: "Hello", text: "Body" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row).run();
    await consumeEvents(
      createMessageBatch<FeedloopEvent>("feedloop-events", [{ id: "m-prod-mail", timestamp: new Date(), attempts: 1, body: { type: "outbox.deliver", outboxId: row.id } }]),
      env as unknown as AppBindings,
    );
    const stored = await env.DB.prepare("select status, attempts, provider_message_id from outbox where id = ?").bind(row.id).first();
    expect(stored).toEqual({ status: "pending", attempts: 0, provider_message_id: null });
  });

  it("refuses to serve in production without BETTER_AUTH_SECRET", async () => {
    const { BETTER_AUTH_SECRET: _omitted, ...withoutSecret } = env;
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const res = await worker.fetch(new Request(`${ORIGIN}/healthz`), withoutSecret as typeof env, ctx);
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/BETTER_AUTH_SECRET/);
  });
});
