import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";

let a: TestOrg;
let b: TestOrg;

beforeAll(async () => {
  a = await createTestOrg("org-a");
  b = await createTestOrg("org-b");
});

describe("staff authentication", () => {
  it("rejects a staff route without credentials with a 401 problem", async () => {
    const res = await call("/api/api-keys");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("sets an HttpOnly SameSite session cookie on sign-in", async () => {
    const res = await call("/api/auth/sign-in/email", json("POST", { email: "owner@org-a.test", password: "correct horse battery" }));
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token"));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("refuses a wrong password", async () => {
    const res = await call("/api/auth/sign-in/email", json("POST", { email: "owner@org-a.test", password: "wrong password!!" }));
    expect(res.status).toBe(401);
  });

  it("stores passwords as salted PBKDF2 hashes, never in plain text", async () => {
    const { env } = await import("cloudflare:test");
    const rows = await env.DB.prepare("select password from account where password is not null").all<{ password: string }>();
    expect(rows.results.length).toBeGreaterThan(0);
    const hashes = rows.results.map((r) => r.password);
    // Development opts into one 100,000-iteration segment; production (test/api-production) uses six.
    for (const h of hashes) expect(h).toMatch(/^pbkdf2-sha256-chain\$1x100000\$/);
    // Same password for every seeded user, yet all hashes differ: the salt is per user.
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("lets an admin session list API keys of its own organisation only", async () => {
    const res = await call("/api/api-keys", { headers: { cookie: a.cookies.admin } });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; name: string }[] };
    expect(items.length).toBe(5);
    const resB = await call("/api/api-keys", { headers: { cookie: b.cookies.admin } });
    const itemsB = ((await resB.json()) as { items: { id: string }[] }).items;
    expect(itemsB.some((k) => items.some((x) => x.id === k.id))).toBe(false);
  });

  it("forbids a manager from managing API keys (403)", async () => {
    const res = await call("/api/api-keys", { headers: { cookie: a.cookies.manager } });
    expect(res.status).toBe(403);
  });

  it("accepts an API key, hashed at rest, and honours its role", async () => {
    const ok = await call("/api/api-keys", { headers: bearer(a.keys.admin) });
    expect(ok.status).toBe(200);
    const denied = await call("/api/api-keys", { headers: bearer(a.keys.viewer) });
    expect(denied.status).toBe(403);
    const unknown = await call("/api/api-keys", { headers: bearer("fl_not-a-real-key") });
    expect(unknown.status).toBe(401);
  });

  it("shows a created key once, then revokes it", async () => {
    const created = await call("/api/api-keys", json("POST", { name: "script", role: "viewer" }, { cookie: a.cookies.admin }));
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^fl_/);
    const list = (await (await call("/api/api-keys", { headers: bearer(a.keys.admin) })).json()) as { items: Record<string, unknown>[] };
    expect(JSON.stringify(list)).not.toContain(key);
    expect((await call(`/api/api-keys/${id}`, { method: "DELETE", headers: bearer(a.keys.admin) })).status).toBe(204);
    const after = await call("/api/api-keys", { headers: bearer(key) });
    expect(after.status).toBe(401);
  });

  it("returns 404 when revoking another organisation's key", async () => {
    const list = (await (await call("/api/api-keys", { headers: bearer(b.keys.admin) })).json()) as { items: { id: string }[] };
    const res = await call(`/api/api-keys/${list.items[0]!.id}`, { method: "DELETE", headers: bearer(a.keys.admin) });
    expect(res.status).toBe(404);
  });

  it("does not let an admin mint an owner key (no privilege escalation)", async () => {
    const res = await call("/api/api-keys", json("POST", { name: "x", role: "owner" }, bearer(a.keys.admin)));
    expect(res.status).toBe(403);
  });

  it("names each offending field in a validation problem", async () => {
    const res = await call("/api/api-keys", json("POST", { name: "", role: "emperor", extra: 1 }, bearer(a.keys.admin)));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string }[] };
    const fields = body.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "role"]));
  });

  it("answers malformed JSON with a 400 problem", async () => {
    const res = await call("/api/api-keys", { method: "POST", headers: { "content-type": "application/json", ...bearer(a.keys.admin) }, body: "{oops" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("better-auth's own organisation endpoints", () => {
  it("refuses member, role and invitation changes over HTTP, so the no-escalation rule cannot be bypassed", async () => {
    for (const call_ of ["invite-member", "update-member-role", "remove-member", "add-member", "create-team"]) {
      const res = await call(`/api/auth/organization/${call_}`, json("POST", { email: "x@example.com", role: "admin" }, { cookie: a.cookies.manager }));
      expect(res.status, call_).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const invitations = await (await import("cloudflare:test")).env.DB.prepare("select count(*) as n from invitation where email = 'x@example.com'").first<{ n: number }>();
    expect(invitations!.n).toBe(0);
  });
});
