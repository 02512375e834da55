/**
 * API keys follow the member who created them: a key never carries more than its creator has now
 * (403 while their role is below the key's) and stops working when they leave (401; keys revoked
 * on deactivation).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { sha256Hex } from "../../src/lib/ids";

let a: TestOrg;

type Problem = { type: string; status: number; detail: string };
type Member = { id: string; userId: string; email: string; role: string };

async function memberId(email: string): Promise<string> {
  const res = await call("/api/organisation/members", { headers: bearer(a.keys.owner) });
  return ((await res.json()) as { items: Member[] }).items.find((m) => m.email === email)!.id;
}

async function setRole(email: string, role: string) {
  const res = await call(`/api/organisation/members/${await memberId(email)}`, json("PATCH", { role }, { cookie: a.cookies.owner }));
  expect(res.status, await res.clone().text()).toBe(200);
}

async function newKey(auth: Record<string, string>, role: string, name = `${role} key ${Math.random().toString(36).slice(2, 7)}`) {
  const res = await call("/api/api-keys", json("POST", { name, role }, auth));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

/** A route every role may read. */
const use = (key: string) => call("/api/surveys", { headers: bearer(key) });

async function expectProblem(res: Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(((await res.json()) as Problem).detail).toMatch(detail);
}

beforeAll(async () => {
  a = await createTestOrg("akeys-a");
});

describe("API keys follow their creator", () => {
  it("refuses a key while its creator's role is below the key's, and accepts it again once restored", async () => {
    const adminKey = await newKey({ cookie: a.cookies.admin }, "admin");
    const viewerKey = await newKey({ cookie: a.cookies.admin }, "viewer");
    expect((await use(adminKey.key)).status).toBe(200);

    await setRole("admin@akeys-a.test", "staff");
    try {
      await expectProblem(await use(adminKey.key), 403, /role admin.*now has the role staff/);
      // Even on routes the key's own role could not reach anyway, the answer is the creator rule.
      await expectProblem(await call("/api/webhooks", { headers: bearer(adminKey.key) }), 403, /never carries more than its creator/);
      // A key at or below the creator's current role keeps working.
      expect((await use(viewerKey.key)).status).toBe(200);
    } finally {
      await setRole("admin@akeys-a.test", "admin");
    }
    expect((await use(adminKey.key)).status).toBe(200);
    expect((await call("/api/webhooks", { headers: bearer(adminKey.key) })).status).toBe(200);
  });

  it("a key made with a key answers to the member behind the first key", async () => {
    const parent = await newKey({ cookie: a.cookies.admin }, "admin");
    const child = await newKey(bearer(parent.key), "manager");
    const row = await env.DB.prepare("select created_by from api_keys where id = ?").bind(child.id).first<{ created_by: string | null }>();
    expect(row!.created_by).toBe(a.userIds.admin);
    await setRole("admin@akeys-a.test", "staff");
    try {
      await expectProblem(await use(child.key), 403, /role manager.*now has the role staff/);
    } finally {
      await setRole("admin@akeys-a.test", "admin");
    }
    expect((await use(child.key)).status).toBe(200);
  });

  it("stops a removed member's keys at once, whichever way the membership went", async () => {
    // Removed behind Feedloop's back (e.g. directly in the database): the key fails on its next use.
    const managerKey = a.keys.manager;
    expect((await use(managerKey)).status).toBe(200);
    const membership = await env.DB.prepare("select * from member where userId = ? and organizationId = ?").bind(a.userIds.manager, a.organizationId).first<Record<string, unknown>>();
    await env.DB.prepare("delete from member where id = ?").bind(membership!.id).run();
    try {
      await expectProblem(await use(managerKey), 401, /no longer in the organisation/);
    } finally {
      await env.DB.prepare("insert into member (id, organizationId, userId, role, createdAt) values (?, ?, ?, ?, ?)")
        .bind(membership!.id, membership!.organizationId, membership!.userId, membership!.role, membership!.createdAt)
        .run();
    }
    expect((await use(managerKey)).status).toBe(200);
  });

  it("revokes the keys a member created when they are deactivated; others' keys keep working", async () => {
    const first = await newKey({ cookie: a.cookies.admin }, "admin");
    const second = await newKey({ cookie: a.cookies.admin }, "viewer");
    const ownersKey = await newKey({ cookie: a.cookies.owner }, "admin");
    const res = await call(`/api/organisation/members/${await memberId("admin@akeys-a.test")}`, { method: "DELETE", headers: { cookie: a.cookies.owner } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { apiKeysRevoked: number }).apiKeysRevoked).toBeGreaterThanOrEqual(3); // these two, a.keys.admin, and earlier tests' keys
    for (const key of [first.key, second.key, a.keys.admin]) await expectProblem(await use(key), 401, /unknown or has been revoked/);
    const list = (await (await call("/api/api-keys", { headers: bearer(ownersKey.key) })).json()) as { items: { id: string; revokedAt: string | null }[] };
    expect(list.items.find((k) => k.id === first.id)!.revokedAt).not.toBeNull();
    expect(list.items.find((k) => k.id === ownersKey.id)!.revokedAt).toBeNull();
    expect((await use(ownersKey.key)).status).toBe(200);
    expect((await use(a.keys.viewer)).status).toBe(200);
  });

  it("keeps keys provisioned directly in the database (no creator on record) working", async () => {
    const plain = "fl_provisioned_0123456789abcdefghijklmnopqrstuv";
    await env.DB.prepare("insert into api_keys (id, organization_id, name, role, key_hash, prefix, created_at) values (?, ?, 'ops', 'admin', ?, 'fl_provi', ?)")
      .bind("key_provisioned", a.organizationId, await sha256Hex(plain), Date.now())
      .run();
    expect((await use(plain)).status).toBe(200);
  });
});

describe("API key expiry (issue 12, finding 7)", () => {
  it("takes an optional expiry, refuses one in the past, and refuses the key with 401 once it has passed", async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const res = await call("/api/api-keys", json("POST", { name: "short-lived", role: "viewer", expiresAt: soon }, { cookie: a.cookies.owner }));
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as { id: string; key: string; expiresAt: string | null };
    expect(created.expiresAt).toBe(soon);
    expect((await use(created.key)).status).toBe(200);
    const listed = (await (await call("/api/api-keys", { headers: { cookie: a.cookies.owner } })).json()) as { items: { id: string; expiresAt: string | null }[] };
    expect(listed.items.find((k) => k.id === created.id)?.expiresAt).toBe(soon);

    // Time passes (the row is moved, not the clock).
    await env.DB.prepare("update api_keys set expires_at = ? where id = ?").bind(Date.now() - 1000, created.id).run();
    await expectProblem(await use(created.key), 401, /expired/);

    const past = await call("/api/api-keys", json("POST", { name: "already over", role: "viewer", expiresAt: new Date(Date.now() - 60_000).toISOString() }, { cookie: a.cookies.owner }));
    expect(past.status).toBe(422);
    // Without one the key works until revoked, as before.
    expect((await newKey({ cookie: a.cookies.owner }, "viewer")).key).toMatch(/^fl_/);
  });
});
