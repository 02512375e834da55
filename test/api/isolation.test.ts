/**
 * Tenant isolation and the permission matrix, driven by staffRouteRegistry (every staff route with
 * its permission), so routes added later are covered without touching this file.
 *
 *  1. Organisation A's owner asks for B's resources by id on every staff route that takes an id
 *     → 404, and afterwards not one of B's rows has changed (checksum of every table with an
 *     organization_id).
 *  2. A's list and detail endpoints never contain any of B's identifiers.
 *  3. Every role × every staff route, by API key and by session cookie: 403 exactly when
 *     roleHasPermission(role, permission) is false (the table the code reads), never 401/403
 *     otherwise; no credentials → 401.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "./helpers";
import { directCall as call, directSubmit as submit, jsonInit as json, publishedSurvey } from "./direct";
import { acsiAnswers, newSubmissionId } from "./fixtures";
import { staffRouteRegistry, type StaffRouteInfo } from "../../src/auth/principal";
import { ROLES, roleHasPermission, type Role } from "../../src/domain/permissions";
import { getTemplate } from "../../src/domain/survey/templates";
import "../../src/index";

let a: TestOrg;
let b: TestOrg;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** B's resources by kind; also every identifier of B that must never appear in A's answers. */
const bIds: Record<string, string | undefined> = {};
const bMarkers = new Set<string>();
const aIds: Record<string, string | undefined> = {};
const SHARED_EMAIL = "shared-respondent@example.test";

function routes(): StaffRouteInfo[] {
  const seen = new Set<string>();
  return staffRouteRegistry.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Which kind of resource a path parameter names, from where it sits in the path. */
function paramKind(path: string, name: string): string {
  if (name === "responseId") return "response";
  if (name === "runId") return "bootstrapRun";
  if (name === "testId") return "segmentTest";
  if (name === "planId") return "plan";
  if (name === "benchmarkId") return "benchmark";
  if (name === "handoffId") return "handoff";
  if (name === "memberId") return "member";
  if (name === "invitationId") return "staffInvitation";
  if (name === "exportId") return "export";
  if (name === "templateId") return "replyTemplate";
  const base = path.replace(/^\/api\//, "").split("/")[0]!;
  return (
    {
      surveys: "survey",
      "api-keys": "apiKey",
      complaints: "complaint",
      "complaint-teams": "team",
      webhooks: "webhook",
      "complaint-views": "savedView",
      "reply-templates": "replyTemplate",
      "report-schedules": "reportSchedule",
    } as Record<string, string>
  )[base] ?? `${base}:${name}`;
}

/** Query parameters some routes require, so the request is not refused before the ownership check. */
function requiredQuery(route: StaffRouteInfo): string {
  if (route.path.endsWith("/indices/segments")) return "?by=touchpoint";
  if (route.path.endsWith("/indices/change")) return "?since=2026-01-01";
  if (route.path === "/api/respondents/export") return `?email=${encodeURIComponent(SHARED_EMAIL)}`;
  if (route.path.endsWith("/download") && route.path.startsWith("/api/exports/")) return "?expires=4102444800000&sig=not-a-signature";
  return "";
}

/** A request body that passes validation, so the request gets as far as the ownership check. */
function validBody(route: StaffRouteInfo): RequestInit {
  const m = route.method;
  const p = route.path;
  const body = (value: unknown) => json(m, value);
  if (m === "GET" || m === "DELETE") return { method: m };
  if (p.endsWith("/draft")) return body({ definition: getTemplate("acsi") });
  if (p.endsWith("/invitations") && p.startsWith("/api/surveys/")) return body({ invitations: [{ email: "x@example.test" }] });
  if (p.endsWith("/invitations/import")) return { method: m, headers: { "content-type": "text/csv" }, body: "email\ny@example.test\n" };
  if (p.endsWith("/invitations/remind")) return body({});
  if (p.endsWith("/duplicate")) return body({ slug: `dup-${Math.random().toString(36).slice(2, 8)}` });
  if (p.endsWith("/settings") && p.startsWith("/api/surveys/")) return body({ anonymous: false });
  if (p.endsWith("/tags")) return body({ tags: ["a-tag"] });
  if (p.endsWith("/responses/exports")) return body({ format: "csv" });
  if (p.endsWith("/notes") && p.startsWith("/api/surveys/")) return body({ body: "A's note" });
  if (p.endsWith("/indices/bootstrap")) return body({ samples: 50, seed: 1 });
  if (p.endsWith("/indices/segments/tests")) return body({ by: "region", values: ["north"], permutations: 99 });
  if (p.endsWith("/plans")) return body({ title: "A's plan", sourceKind: "driver", sourceRef: "satisfaction", owner: "A", targetValue: 80, startDate: "2026-01-01", reviewDate: "2026-02-01" });
  if (p.includes("/plans/")) return body({ status: "done" });
  if (p === "/api/benchmarks") return body({ source: "A's benchmark", year: 2025, value: 70 });
  if (p.endsWith("/suggestion")) return body({ category: "delivery" });
  if (p.startsWith("/api/organisation/members/")) return body({ role: "viewer" });
  if (p.endsWith("/transitions")) return body({ to: "acknowledged" });
  if (p.endsWith("/notes") || p.endsWith("/replies")) return body({ text: "A's text" });
  if (p.endsWith("/assignment")) return body({ auto: true });
  if (p.endsWith("/classification")) return body({ priority: "high" });
  if (p.endsWith("/handoffs")) return body({ rootCause: "x", correctiveAction: "y", ownerId: a.userIds.owner, dueDate: "2027-01-01" });
  if (p.includes("/handoffs/")) return body({ status: "done" });
  if (p.startsWith("/api/complaint-teams/")) return body({ name: "A renames" });
  if (p.startsWith("/api/webhooks/")) return body({ active: false });
  if (p.startsWith("/api/report-schedules") && !p.endsWith("/preview")) return body({ name: "A's report", surveyId: null, cadence: { kind: "weekly", dayOfWeek: 1, hour: 8 }, timeZone: "Europe/Berlin", recipients: { roles: ["manager"] }, language: "en" });
  if (p.startsWith("/api/reply-templates")) return body({ name: "A's reply", body: { en: "Hello {{customerName}}", "zh-CN": "{{customerName}}您好" } });
  return body({});
}

async function ok<T>(res: Response, label: string): Promise<T> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${label}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A stable checksum of every row of one organisation in every table that has organization_id. */
async function tenantChecksum(organizationId: string): Promise<Record<string, string>> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'").all<{ name: string }>();
  const out: Record<string, string> = {};
  for (const { name } of tables.results) {
    const columns = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(name).all<{ name: string }>();
    const column = columns.results.find((c) => c.name === "organization_id" || c.name === "organizationId")?.name;
    if (!column) continue;
    // Ordered by every column: a total order that also holds for WITHOUT ROWID tables (the statistics log).
    const order = columns.results.map((_, index) => index + 1).join(", ");
    const rows = await env.DB.prepare(`SELECT * FROM "${name}" WHERE "${column}" = ? ORDER BY ${order}`).bind(organizationId).all();
    // last_used_at of B's own keys moves when B uses them during setup only.
    out[name] = JSON.stringify(rows.results.map((r) => ({ ...r, last_used_at: undefined })));
  }
  return out;
}

async function createResources(org: TestOrg, prefix: string, ids: Record<string, string | undefined>, markers?: Set<string>) {
  const key = org.keys.owner;
  const mark = (...values: (string | undefined | null)[]) => values.forEach((v) => v && markers?.add(v));
  const survey = await publishedSurvey(key, `${prefix}-acsi`, { accessMode: "both" });
  ids.survey = survey.id;
  mark(survey.id, survey.slug, org.organizationId);
  const invited = await ok<{ items: { id: string; token: string }[] }>(
    await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: SHARED_EMAIL }] }, bearer(key))),
    "invitation",
  );
  ids.invitation = invited.items[0]!.id;
  mark(invited.items[0]!.id);
  const viaToken = await ok<{ id: string }>(
    await submit(survey.slug, { submissionId: newSubmissionId(), token: invited.items[0]!.token, answers: acsiAnswers({ comment: `${prefix} secret comment` }), complete: true }),
    "response via token",
  );
  ids.response = viaToken.id;
  mark(viaToken.id, `${prefix} secret comment`);
  await ok(await call(`/api/surveys/${survey.id}/responses/${viaToken.id}/notes`, json("POST", { body: `${prefix} secret note` }, bearer(key))), "note").catch(() => undefined);
  mark(`${prefix} secret note`);
  const apiKey = await ok<{ id: string; prefix: string }>(await call("/api/api-keys", json("POST", { name: `${prefix} extra key`, role: "viewer" }, bearer(key))), "api key");
  ids.apiKey = apiKey.id;
  mark(apiKey.id, `${prefix} extra key`);
  const view = await ok<{ id: string }>(await call("/api/complaint-views", json("POST", { name: `${prefix} secret view`, filters: { q: `${prefix} secret search` }, shared: true }, bearer(key))), "saved view");
  ids.savedView = view.id;
  mark(view.id, `${prefix} secret view`);
  const replyTemplate = await ok<{ id: string }>(
    await call("/api/reply-templates", json("POST", { name: `${prefix} secret reply`, body: { en: `${prefix} secret text`, "zh-CN": "您好" } }, bearer(key))),
    "reply template",
  );
  ids.replyTemplate = replyTemplate.id;
  mark(replyTemplate.id, `${prefix} secret reply`);
  const reportSchedule = await ok<{ id: string }>(
    await call("/api/report-schedules", json("POST", { name: `${prefix} secret report`, surveyId: null, cadence: { kind: "monthly", dayOfMonth: 3, hour: 9 }, timeZone: "Asia/Shanghai", recipients: { roles: ["admin"] }, language: "zh-CN" }, bearer(key))),
    "report schedule",
  );
  ids.reportSchedule = reportSchedule.id;
  mark(reportSchedule.id, `${prefix} secret report`);
  const complaint = await call("/api/complaints", json("POST", { subject: `${prefix} secret complaint`, description: `${prefix} secret description` }, bearer(key)));
  if (complaint.status === 201 || complaint.status === 200) {
    const c = (await complaint.json()) as { id: string; reference?: string };
    ids.complaint = c.id;
    // References (FL-YYYY-NNNNNN) are numbered per organisation, so A has the same ones: not a marker.
    mark(c.id, `${prefix} secret complaint`);
    const handoff = await call(
      `/api/complaints/${c.id}/handoffs`,
      json("POST", { rootCause: "r", correctiveAction: "c", ownerId: org.userIds.owner, dueDate: "2027-01-01" }, bearer(key)),
    );
    if (handoff.status < 300) ids.handoff = ((await handoff.json()) as { handoff: { id: string } }).handoff.id;
  }
  const team = await call("/api/complaint-teams", json("POST", { name: `${prefix} secret team` }, bearer(key)));
  if (team.status < 300) {
    ids.team = ((await team.json()) as { id: string }).id;
    mark(ids.team, `${prefix} secret team`);
  }
  const webhook = await call("/api/webhooks", json("POST", { url: `https://${prefix}.example.test/hook`, events: ["response.completed"] }, bearer(key)));
  if (webhook.status < 300) {
    ids.webhook = ((await webhook.json()) as { id: string }).id;
    mark(ids.webhook, `${prefix}.example.test`);
  }
  // Staff invitations are sent in a person's name: a session, not an API key.
  const invitation = await call("/api/organisation/invitations", json("POST", { email: `newbie@${prefix}.example.test`, role: "viewer" }, { cookie: org.cookies.owner }));
  if (invitation.status < 300) {
    ids.staffInvitation = ((await invitation.json()) as { id: string }).id;
    mark(ids.staffInvitation, `newbie@${prefix}.example.test`);
  }
  const members = await call("/api/organisation/members", { headers: bearer(key) });
  if (members.status === 200) {
    const list = (await members.json()) as { items: { id: string; userId?: string }[] };
    ids.member = list.items.find((m) => m.userId !== org.userIds.owner)?.id ?? list.items[0]?.id;
    mark(ids.member);
  }
  for (const role of ROLES) mark(org.userIds[role], `${role}@${prefix}.test`);
  const run = await call(`/api/surveys/${survey.id}/indices/bootstrap`, json("POST", { samples: 50, seed: 1 }, bearer(key)));
  if (run.status < 300) ids.bootstrapRun = ((await run.json()) as { id: string }).id;
  const segmentTest = await call(`/api/surveys/${survey.id}/indices/segments/tests`, json("POST", { by: "region", values: ["north"], permutations: 99 }, bearer(key)));
  if (segmentTest.status < 300) ids.segmentTest = ((await segmentTest.json()) as { tests: { id: string }[] }).tests[0]!.id;
  const plan = await call(
    `/api/surveys/${survey.id}/plans`,
    json("POST", { title: `${prefix} secret plan`, sourceKind: "driver", sourceRef: "satisfaction", owner: `${prefix} owner`, targetValue: 80, startDate: "2026-01-01", reviewDate: "2026-02-01" }, bearer(key)),
  );
  if (plan.status < 300) {
    ids.plan = ((await plan.json()) as { id: string }).id;
    mark(ids.plan, `${prefix} secret plan`);
  }
  // An export row (its Workflow is not started here: the routes' ownership checks only read the row).
  ids.export = `exp_${prefix}`;
  await env.DB.prepare(
    "INSERT INTO export_jobs (id, organization_id, kind, survey_id, status, rows_total, rows_done, parts, bytes, filename, created_by, created_at) VALUES (?, ?, 'responses_csv', ?, 'complete', 1, 1, 0, 0, ?, ?, ?)",
  )
    .bind(ids.export, org.organizationId, survey.id, `${prefix}-secret.csv`, org.userIds.owner, Date.now())
    .run();
  mark(ids.export, `${prefix}-secret.csv`);
  const benchmark = await call("/api/benchmarks", json("POST", { source: `${prefix} secret benchmark`, year: 2025, value: 70 }, bearer(key)));
  if (benchmark.status < 300) {
    ids.benchmark = ((await benchmark.json()) as { id: string }).id;
    mark(ids.benchmark, `${prefix} secret benchmark`);
  }
}

beforeAll(async () => {
  a = await createTestOrg("iso-a");
  b = await createTestOrg("iso-b");
  await createResources(b, "iso-b", bIds, bMarkers);
  await createResources(a, "iso-a", aIds);
}, 120_000);

describe("tenant isolation", () => {
  it("answers 404 to A's owner for every staff route that takes one of B's ids, and changes nothing of B", async () => {
    const before = await tenantChecksum(b.organizationId);
    const withParams = routes().filter((r) => r.path.includes("{"));
    const uncovered: string[] = [];
    const failures: string[] = [];
    for (const route of withParams) {
      let missing = false;
      const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const id = bIds[paramKind(route.path, name)];
        if (!id) missing = true;
        return encodeURIComponent(id ?? "no-such-id");
      });
      if (missing) uncovered.push(`${route.method} ${route.path}`);
      const init = validBody(route);
      const res = await call(`${path}${requiredQuery(route)}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...bearer(a.keys.owner) } });
      const text = await res.text();
      if (res.status !== 404) failures.push(`${route.method} ${route.path} → ${res.status} ${text.slice(0, 200)}`);
      // Echoing the id that was asked for (detail, instance) reveals nothing; anything else of B's does.
      for (const marker of bMarkers) if (text.includes(marker) && !decodeURIComponent(path).includes(marker)) failures.push(`${route.method} ${route.path} leaks ${marker}`);
    }
    expect(failures).toEqual([]);
    // Every kind of resource the routes name has a B instance (else the 404 proves less).
    expect(uncovered, "routes whose ids have no B resource in this test").toEqual([]);
    expect(await tenantChecksum(b.organizationId)).toEqual(before);
  }, 60_000);

  it("never shows B's rows in A's lists and details", async () => {
    const failures: string[] = [];
    for (const route of routes().filter((r) => r.method === "GET")) {
      const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(aIds[paramKind(route.path, name)] ?? "no-such-id"));
      const res = await call(`${path}${requiredQuery(route)}`, { headers: bearer(a.keys.owner) });
      const text = await res.text();
      expect(res.status, `${route.path}: ${text.slice(0, 200)}`).toBeLessThan(500);
      for (const marker of bMarkers) if (text.includes(marker)) failures.push(`GET ${path} → ${res.status} shows B's ${marker}: …${text.slice(Math.max(0, text.indexOf(marker) - 120), text.indexOf(marker) + 60)}…`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it("records nothing in A's audit log for A's attempts on B's resources", async () => {
    const rows = await env.DB.prepare("SELECT action, target_id FROM audit_log WHERE organization_id = ?").bind(a.organizationId).all<{ action: string; target_id: string | null }>();
    const foreign = rows.results.filter((r) => r.target_id && bMarkers.has(r.target_id));
    expect(foreign).toEqual([]);
  });

  it("exports only A's answers for a respondent e-mail that answered both organisations", async () => {
    const res = await call(`/api/respondents/export?email=${encodeURIComponent(SHARED_EMAIL)}`, { headers: bearer(a.keys.owner) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("iso-a secret comment");
    expect(text).not.toContain("iso-b secret comment");
  });
});

describe("permission matrix (every role × every staff route)", () => {
  const params = (path: string) => path.replace(/\{[^}]+\}/g, "no-such-id");

  it("answers 401 without credentials and with an unknown key", async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      for (const headers of [{}, bearer("fl_not_a_real_key")]) {
        const res = await call(params(route.path), { method: route.method, headers });
        if (res.status !== 401) failures.push(`${route.method} ${route.path} → ${res.status}`);
        else expect(res.headers.get("content-type")).toContain("application/problem+json");
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  for (const via of ["API key", "session cookie"] as const) {
    it(`answers 403 exactly when the role lacks the route's permission (${via})`, async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const route of routes()) {
        for (const role of ROLES as readonly Role[]) {
          const allowed = roleHasPermission(role, route.permission);
          const auth = via === "API key" ? bearer(a.keys[role]) : { cookie: a.cookies[role] };
          // Unknown ids and an empty body: a permitted call then ends in 404/422 and changes nothing.
          const init: RequestInit =
            route.method === "GET" || route.method === "DELETE" ? { method: route.method, headers: auth } : json(route.method, {}, auth);
          const res = await call(params(route.path), init);
          checked++;
          const forbidden = res.status === 403;
          if (allowed && (forbidden || res.status === 401)) failures.push(`${role} ${route.method} ${route.path} (${route.permission}) → ${res.status}, expected access`);
          if (!allowed && !forbidden) failures.push(`${role} ${route.method} ${route.path} (${route.permission}) → ${res.status}, expected 403`);
          if (res.status >= 500) failures.push(`${role} ${route.method} ${route.path} → ${res.status}`);
          await res.arrayBuffer();
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBe(routes().length * ROLES.length);
    }, 120_000);
  }
});
