import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { createPublishedSurvey } from "./fixtures";
import { loadComplaintContext } from "../../src/db/queries/complaints";
import { ACCEPT_LINK_PLACEHOLDER, staffInvitationAcceptUrl } from "../../src/lib/link-secrets";

let a: TestOrg;
let b: TestOrg;

type Member = { id: string; userId: string; email: string; role: string };
type Problem = { status: number; type: string; detail: string; errors?: { field: string }[] };

async function members(org: TestOrg): Promise<Member[]> {
  const res = await call("/api/organisation/members", { headers: bearer(org.keys.viewer) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Member[] }).items;
}

const memberOf = async (org: TestOrg, email: string) => (await members(org)).find((m) => m.email === email)!;

function setRole(org: TestOrg, memberId: string, role: string, auth: Record<string, string>) {
  return call(`/api/organisation/members/${memberId}`, json("PATCH", { role }, auth));
}

async function signUp(email: string, name: string): Promise<string> {
  const res = await call("/api/auth/sign-up/email", json("POST", { email, password: "correct horse battery", name }));
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

beforeAll(async () => {
  a = await createTestOrg("adm-org-a");
  b = await createTestOrg("adm-org-b");
});

describe("members and roles", () => {
  it("lists members with their roles", async () => {
    const list = await members(a);
    expect(list.map((m) => m.role).sort()).toEqual(["admin", "manager", "owner", "staff", "viewer"]);
  });

  it("lets an admin change roles up to admin, never to or from owner, and records it", async () => {
    const staff = await memberOf(a, "staff@adm-org-a.test");
    const res = await setRole(a, staff.id, "manager", bearer(a.keys.admin));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as Member).role).toBe("manager");
    expect((await setRole(a, staff.id, "admin", bearer(a.keys.admin))).status).toBe(200);
    expect((await setRole(a, staff.id, "owner", bearer(a.keys.admin))).status).toBe(403);
    const owner = await memberOf(a, "owner@adm-org-a.test");
    const touchOwner = await setRole(a, owner.id, "viewer", bearer(a.keys.admin));
    expect(touchOwner.status).toBe(403);
    expect(((await touchOwner.json()) as Problem).detail).toMatch(/Only an owner/);
    await setRole(a, staff.id, "staff", bearer(a.keys.admin));
    const audit = await env.DB.prepare("select data from audit_log where action = 'member.role_changed' and target_id = ? order by at").bind(staff.id).all<{ data: string }>();
    expect(audit.results.map((r) => JSON.parse(r.data).to)).toEqual(["manager", "admin", "staff"]);
  });

  it("does not let a manager make anyone an admin (no privilege escalation)", async () => {
    const viewer = await memberOf(a, "viewer@adm-org-a.test");
    // Role changes are for admins; a manager is refused outright …
    expect((await setRole(a, viewer.id, "admin", bearer(a.keys.manager))).status).toBe(403);
    expect((await setRole(a, viewer.id, "admin", { cookie: a.cookies.manager })).status).toBe(403);
    // … and cannot invite an admin either (managers may invite up to manager).
    const invite = await call("/api/organisation/invitations", json("POST", { email: "new-admin@example.com", role: "admin" }, { cookie: a.cookies.manager }));
    expect(invite.status).toBe(403);
    expect(((await invite.json()) as Problem).detail).toMatch(/cannot invite someone as admin/);
    expect((await memberOf(a, "viewer@adm-org-a.test")).role).toBe("viewer");
  });

  it("never demotes the last owner, even when two owners demote each other at once", async () => {
    const owner = await memberOf(a, "owner@adm-org-a.test");
    const last = await setRole(a, owner.id, "admin", bearer(a.keys.owner));
    expect(last.status).toBe(409);
    expect(((await last.json()) as Problem).detail).toMatch(/last owner/);
    // Make a second owner, then let both demote each other concurrently.
    const admin = await memberOf(a, "admin@adm-org-a.test");
    expect((await setRole(a, admin.id, "owner", bearer(a.keys.owner))).status).toBe(200);
    const results = await Promise.all([setRole(a, owner.id, "admin", { cookie: a.cookies.admin }), setRole(a, admin.id, "admin", { cookie: a.cookies.owner })]);
    // The loser is refused either by the last-owner guard in the UPDATE (409) or, if it started
    // after the winner finished, because its caller is no longer an owner (403).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const owners = (await members(a)).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
    // Restore: owner@ is the owner, admin@ the admin.
    if (owners[0]!.email !== "owner@adm-org-a.test") {
      await setRole(a, owner.id, "owner", { cookie: a.cookies.admin });
      await setRole(a, admin.id, "admin", { cookie: a.cookies.owner });
    }
    expect((await memberOf(a, "owner@adm-org-a.test")).role).toBe("owner");
    expect((await memberOf(a, "admin@adm-org-a.test")).role).toBe("admin");
  });

  it("deactivates a member: membership gone, sessions revoked, audited; not yourself, not an owner unless owner", async () => {
    const staff = await memberOf(a, "staff@adm-org-a.test");
    expect((await call("/api/me", { headers: { cookie: a.cookies.staff } })).status).toBe(200);
    const res = await call(`/api/organisation/members/${staff.id}`, { method: "DELETE", headers: { cookie: a.cookies.admin } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { sessionsRevoked: number }).sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect((await members(a)).map((m) => m.email)).not.toContain("staff@adm-org-a.test");
    expect([401, 403]).toContain((await call("/api/me", { headers: { cookie: a.cookies.staff } })).status);
    expect(await env.DB.prepare("select count(*) as n from session where userId = ?").bind(a.userIds.staff).first("n")).toBe(0);
    expect(await env.DB.prepare("select count(*) as n from audit_log where action = 'member.deactivated' and target_id = ?").bind(staff.id).first("n")).toBe(1);

    const self = await memberOf(a, "admin@adm-org-a.test");
    expect((await call(`/api/organisation/members/${self.id}`, { method: "DELETE", headers: { cookie: a.cookies.admin } })).status).toBe(409);
    const owner = await memberOf(a, "owner@adm-org-a.test");
    expect((await call(`/api/organisation/members/${owner.id}`, { method: "DELETE", headers: { cookie: a.cookies.admin } })).status).toBe(403);
    expect((await call(`/api/organisation/members/${owner.id}`, { method: "DELETE", headers: bearer(a.keys.owner) })).status).toBe(409);
  });

  it("hides members from other organisations (404)", async () => {
    const viewer = await memberOf(a, "viewer@adm-org-a.test");
    expect((await setRole(a, viewer.id, "staff", bearer(b.keys.owner))).status).toBe(404);
    expect((await call(`/api/organisation/members/${viewer.id}`, { method: "DELETE", headers: bearer(b.keys.owner) })).status).toBe(404);
    expect((await members(b)).map((m) => m.email).every((e) => e.endsWith("@adm-org-b.test"))).toBe(true);
  });
});

describe("staff invitations", () => {
  it("invites by e-mail link (outbox), and the invitee joins with the granted role", async () => {
    const res = await call("/api/organisation/invitations", json("POST", { email: "Nina@Example.com", role: "staff" }, { cookie: a.cookies.manager }));
    expect(res.status, await res.clone().text()).toBe(201);
    const invitation = (await res.json()) as { id: string; role: string; email: string };
    expect(invitation.role).toBe("staff");
    const acceptUrl = await staffInvitationAcceptUrl(env, invitation.id);
    expect(acceptUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:8787/app/invite/${invitation.id}\\.[A-Za-z0-9_-]{43}$`));
    const token = acceptUrl.slice(acceptUrl.lastIndexOf("/") + 1);
    const mail = await env.DB.prepare("select recipient, payload from outbox where event_type = 'staff.invitation' and organization_id = ?").bind(a.organizationId).first<{ recipient: string; payload: string }>();
    expect(mail!.recipient).toBe("nina@example.com");
    expect(JSON.parse(mail!.payload).text).toContain(ACCEPT_LINK_PLACEHOLDER);
    const again = await call("/api/organisation/invitations", json("POST", { email: "nina@example.com", role: "staff" }, { cookie: a.cookies.manager }));
    expect(again.status).toBe(409);

    const pending = (await (await call("/api/organisation/invitations", { headers: { cookie: a.cookies.manager } })).json()) as { items: { id: string }[] };
    expect(pending.items.map((i) => i.id)).toContain(invitation.id);

    // The accept page: public details, then accept as the invited (new) user.
    const info = await call(`/api/public/staff-invitations/${token}`);
    expect(await info.json()).toMatchObject({ organizationName: "adm-org-a", email: "nina@example.com", role: "staff", status: "pending" });
    const stranger = await signUp("stranger@example.com", "Stranger");
    expect((await call(`/api/staff-invitations/${token}/accept`, { method: "POST", headers: { cookie: stranger } })).status).toBe(403);
    expect((await call(`/api/staff-invitations/${token}/accept`, { method: "POST" })).status).toBe(401);
    const nina = await signUp("nina@example.com", "Nina");
    const accepted = await call(`/api/staff-invitations/${token}/accept`, { method: "POST", headers: { cookie: nina } });
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    expect(await accepted.json()).toEqual({ organizationId: a.organizationId, role: "staff" });
    expect((await memberOf(a, "nina@example.com")).role).toBe("staff");
    const me = await call("/api/me", { headers: { cookie: nina, "x-organization-id": a.organizationId } });
    expect(((await me.json()) as { role: string }).role).toBe("staff");
    expect((await call(`/api/staff-invitations/${token}/accept`, { method: "POST", headers: { cookie: nina } })).status).toBe(404);
  });

  it("needs a signed-in inviter (API keys cannot invite), and staff cannot invite at all", async () => {
    expect((await call("/api/organisation/invitations", json("POST", { email: "k@example.com", role: "viewer" }, bearer(a.keys.admin)))).status).toBe(403);
    // B's staff: A's staff member was deactivated above, and their key went with them.
    expect((await call("/api/organisation/invitations", json("POST", { email: "k@example.com", role: "viewer" }, bearer(b.keys.staff)))).status).toBe(403);
  });

  it("cancels a pending invitation (only within the organisation)", async () => {
    const res = await call("/api/organisation/invitations", json("POST", { email: "olga@example.com", role: "viewer" }, { cookie: a.cookies.admin }));
    const { id } = (await res.json()) as { id: string };
    expect((await call(`/api/organisation/invitations/${id}`, { method: "DELETE", headers: bearer(b.keys.owner) })).status).toBe(404);
    expect((await call(`/api/organisation/invitations/${id}`, { method: "DELETE", headers: { cookie: a.cookies.admin } })).status).toBe(204);
    expect((await call(`/api/organisation/invitations/${id}`, { method: "DELETE", headers: { cookie: a.cookies.admin } })).status).toBe(409);
    const token = (await staffInvitationAcceptUrl(env, id)).split("/").pop();
    expect(((await (await call(`/api/public/staff-invitations/${token}`)).json()) as { status: string }).status).toBe("canceled");
  });
});

describe("organisation settings", () => {
  it("validates the time zone with Intl and the calendar with the complaint domain's schema", async () => {
    const bad = [
      [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
      [{ workingHours: [{ start: "09:00", end: "13:00" }, { start: "12:00", end: "18:00" }] }, "workingHours"],
      [{ workingDays: [0, 1] }, "workingDays.0"],
      [{ fatigueDays: 0 }, "fatigueDays"],
    ] as const;
    for (const [patch, field] of bad) {
      const res = await call("/api/organisation/settings", json("PATCH", patch, bearer(a.keys.admin)));
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect(((await res.json()) as Problem).errors!.map((e) => e.field)).toContain(field);
    }
  });

  it("saves them where the complaint module reads them, and is admin-only to change", async () => {
    const res = await call(
      "/api/organisation/settings",
      json("PATCH", { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4], workingHours: [{ start: "08:00", end: "12:00" }, { start: "13:00", end: "17:00" }], holidays: ["2026-12-24"], fatigueDays: 90 }, bearer(a.keys.admin)),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4], fatigueDays: 90, holidays: ["2026-12-24"] });
    const context = await loadComplaintContext(db(), a.organizationId);
    expect(context.calendar).toMatchObject({ timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4], holidays: ["2026-12-24"] });
    const read = await call("/api/organisation/settings", { headers: bearer(a.keys.viewer) });
    expect(((await read.json()) as { fatigueDays: number }).fatigueDays).toBe(90);
    expect((await call("/api/organisation/settings", json("PATCH", { fatigueDays: 5 }, bearer(a.keys.manager)))).status).toBe(403);
    // Organisation B is unaffected.
    expect(((await (await call("/api/organisation/settings", { headers: bearer(b.keys.viewer) })).json()) as { timeZone: string }).timeZone).toBe("Asia/Shanghai");
    await call("/api/organisation/settings", json("PATCH", { fatigueDays: null }, bearer(a.keys.admin)));
  });
});

describe("audit log", () => {
  it("lists the organisation's entries for admins, filterable by action (or family), actor and time", async () => {
    await createPublishedSurvey(a.keys.admin, "adm-org-audit");
    const first = await call("/api/audit?pageSize=200", { headers: bearer(a.keys.admin) });
    expect(first.status, await first.clone().text()).toBe(200);
    const all = (await first.json()) as { total: number; items: { action: string; actor: { id: string; name: string | null; kind: string }; at: string }[] };
    expect(all.total).toBeGreaterThan(5);
    expect(all.items.map((i) => i.at)).toEqual([...all.items.map((i) => i.at)].sort().reverse());
    const surveys = (await (await call("/api/audit?action=survey.*", { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(surveys.items.map((i) => i.action).sort()).toEqual(["survey.created", "survey.published"]);
    const roles = (await (await call("/api/audit?action=member.role_changed", { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(roles.items.length).toBeGreaterThanOrEqual(3);
    const byOwnerKey = (await (await call(`/api/audit?actor=${encodeURIComponent(all.items.find((i) => i.action === "survey.created")!.actor.id)}`, { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(byOwnerKey.items.every((i) => i.actor.kind === "api_key" && i.actor.name === "admin key")).toBe(true);
    const future = (await (await call("/api/audit?from=2099-01-01", { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(future.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const todayOnly = (await (await call(`/api/audit?from=${today}&to=${today}&pageSize=200`, { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(todayOnly.total).toBe(all.total);
    const page2 = (await (await call("/api/audit?page=2&pageSize=2", { headers: bearer(a.keys.admin) })).json()) as typeof all;
    expect(page2.items.map((i) => i.at)).toEqual(all.items.slice(2, 4).map((i) => i.at));
  });

  it("is admin-only, validates filters, and never shows another organisation's entries", async () => {
    expect((await call("/api/audit", { headers: bearer(a.keys.manager) })).status).toBe(403);
    expect((await call("/api/audit?action=DROP TABLE", { headers: bearer(a.keys.admin) })).status).toBe(400);
    expect((await call("/api/audit?from=2026-02-01&to=2026-01-01", { headers: bearer(a.keys.admin) })).status).toBe(400);
    const other = (await (await call("/api/audit?pageSize=200", { headers: bearer(b.keys.admin) })).json()) as { items: { action: string; targetId: string }[] };
    const aIds = await env.DB.prepare("select id from audit_log where organization_id = ?").bind(a.organizationId).all<{ id: string }>();
    const otherIds = new Set(other.items.map((i) => (i as unknown as { id: string }).id));
    expect(aIds.results.some((r) => otherIds.has(r.id))).toBe(false);
  });
});
