import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { createPublishedSurvey } from "./fixtures";

let a: TestOrg;
let b: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  a = await createTestOrg("adm-srv-a");
  b = await createTestOrg("adm-srv-b");
  survey = await createPublishedSurvey(a.keys.admin, "adm-srv-acsi");
});

type Exported = { format: string; slug: string; settings: Record<string, unknown>; definition: Record<string, unknown> };
type Problem = { status: number; type: string; detail: string; suggestedSlug?: string; errors?: { field: string; code: string; message: string }[] };

const triggers = [
  { id: "detractors", name: "NPS detractors", when: { kind: "nps_detractor", itemId: "nps", atMost: 5 }, defaults: { priority: "high" } },
  { id: "angry", when: { kind: "conditions", match: "all", conditions: [{ field: "answers.sat_level", op: "lte", value: 1 }] } },
];

describe("survey settings", () => {
  it("updates dates, quota, access, privacy, retention and complaint trigger rules, and audits the change", async () => {
    const res = await call(
      `/api/surveys/${survey.id}/settings`,
      json("PATCH", { opensAt: "2026-01-01T00:00:00Z", closesAt: "2027-01-01T00:00:00+08:00", responseQuota: 500, accessMode: "both", retentionDays: 365, complaintTriggers: triggers }, bearer(a.keys.manager)),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { survey: { responseQuota: number; closesAt: string }; settings: { complaintTriggers: { id: string; enabled: boolean }[]; retentionDays: number } };
    expect(body.survey.responseQuota).toBe(500);
    expect(body.survey.closesAt).toBe("2026-12-31T16:00:00.000Z");
    expect(body.settings.retentionDays).toBe(365);
    // Stored parsed, with the domain's defaults applied.
    expect(body.settings.complaintTriggers.map((t) => [t.id, t.enabled])).toEqual([["detractors", true], ["angry", true]]);
    const audit = await env.DB.prepare("select data from audit_log where action = 'survey.settings_updated' and target_id = ?").bind(survey.id).first<{ data: string }>();
    expect(Object.keys(JSON.parse(audit!.data)).sort()).toEqual(["accessMode", "closesAt", "complaintTriggers", "opensAt", "responseQuota", "retentionDays"]);
    const read = await call(`/api/surveys/${survey.id}/settings`, { headers: bearer(a.keys.viewer) });
    expect(((await read.json()) as { responseQuota: number }).responseQuota).toBe(500);
  });

  it("rejects invalid trigger rules, unknown items, reversed dates and anonymous+IP with field errors", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ complaintTriggers: [{ id: "x", when: { kind: "nps_detractor", itemId: "nps", atMost: 12 } }] }, "complaintTriggers.0.when.atMost"],
      [{ complaintTriggers: [{ id: "x", when: { kind: "complained", itemId: "no_such_item" } }] }, "complaintTriggers.0.when.itemId"],
      [{ complaintTriggers: [{ id: "x", when: { kind: "conditions", conditions: [{ field: "hidden.nope", op: "equals", value: "a" }] } }] }, "complaintTriggers.0.when.conditions.0.field"],
      [{ complaintTriggers: [triggers[0], triggers[0]] }, "complaintTriggers"],
      [{ opensAt: "2027-06-01T00:00:00Z", closesAt: "2027-01-01T00:00:00Z" }, "closesAt"],
      [{ anonymous: true, storeIp: true }, "storeIp"],
      [{ retentionDays: 0 }, "retentionDays"],
    ];
    for (const [patch, field] of cases) {
      const res = await call(`/api/surveys/${survey.id}/settings`, json("PATCH", patch, bearer(a.keys.manager)));
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect(((await res.json()) as Problem).errors!.map((e) => e.field)).toContain(field);
    }
  });

  it("clears a setting with null and is managers-only", async () => {
    const res = await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { responseQuota: null, closesAt: null, complaintTriggers: null }, bearer(a.keys.manager)));
    expect(((await res.json()) as { settings: { responseQuota: null; complaintTriggers: null } }).settings).toMatchObject({ responseQuota: null, complaintTriggers: null });
    expect((await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { responseQuota: 5 }, bearer(a.keys.staff)))).status).toBe(403);
  });
});

describe("survey export, import and duplicate", () => {
  it("round-trips: export → import elsewhere gives the same definition and settings", async () => {
    await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { responseQuota: 250, anonymous: true, complaintTriggers: triggers }, bearer(a.keys.manager)));
    const res = await call(`/api/surveys/${survey.id}/export`, { headers: bearer(a.keys.viewer) });
    expect(res.status).toBe(200);
    const exported = (await res.json()) as Exported;
    expect(exported.format).toBe("feedloop.survey/1");
    expect(exported.slug).toBe(survey.slug);

    // Into another organisation: the slug is global, so it is taken → 409 naming a free one.
    const taken = await call("/api/surveys/import", json("POST", exported, bearer(b.keys.manager)));
    expect(taken.status).toBe(409);
    const problem = (await taken.json()) as Problem;
    expect(problem.suggestedSlug).toBe(`${survey.slug}-2`);
    expect(problem.detail).toContain("?slug=");

    const imported = await call(`/api/surveys/import?slug=${problem.suggestedSlug}`, json("POST", exported, bearer(b.keys.manager)));
    expect(imported.status, await imported.clone().text()).toBe(201);
    const created = (await imported.json()) as { id: string; status: string; slug: string };
    expect(created.status).toBe("draft");
    const again = (await (await call(`/api/surveys/${created.id}/export`, { headers: bearer(b.keys.viewer) })).json()) as Exported;
    expect(again.definition).toEqual(exported.definition);
    expect(again.settings).toEqual(exported.settings);
    expect(again.slug).toBe(problem.suggestedSlug);
    // It can be published as is.
    expect((await call(`/api/surveys/${created.id}/publish`, { method: "POST", headers: bearer(b.keys.manager) })).status).toBe(200);
    // A published version can be exported too.
    const v1 = (await (await call(`/api/surveys/${survey.id}/export?version=1`, { headers: bearer(a.keys.viewer) })).json()) as Exported & { source: { version: number } };
    expect(v1.source.version).toBe(1);
  });

  it("validates an import with the survey schema and the export format", async () => {
    const exported = (await (await call(`/api/surveys/${survey.id}/export`, { headers: bearer(a.keys.viewer) })).json()) as Exported;
    const badDefinition = { ...exported, slug: "adm-srv-bad", definition: { ...exported.definition, formatVersion: 2 } };
    const res = await call("/api/surveys/import", json("POST", badDefinition, bearer(a.keys.manager)));
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors!.some((e) => e.field.startsWith("definition.formatVersion"))).toBe(true);
    const wrongFormat = await call("/api/surveys/import", json("POST", { ...exported, slug: "adm-srv-bad", format: "other/1" }, bearer(a.keys.manager)));
    expect(wrongFormat.status).toBe(422);
    const badTriggers = await call("/api/surveys/import", json("POST", { ...exported, slug: "adm-srv-bad", settings: { complaintTriggers: [{ id: "x", when: { kind: "complained", itemId: "ghost" } }] } }, bearer(a.keys.manager)));
    expect(badTriggers.status).toBe(422);
    expect(await env.DB.prepare("select count(*) as n from surveys where slug = 'adm-srv-bad'").first("n")).toBe(0);
  });

  it("duplicates a survey into a new draft with a free slug (or the one given)", async () => {
    const res = await call(`/api/surveys/${survey.id}/duplicate`, { method: "POST", headers: bearer(a.keys.manager) });
    expect(res.status, await res.clone().text()).toBe(201);
    const copy = (await res.json()) as { id: string; slug: string; status: string; responseQuota: number; anonymous: boolean };
    expect(copy.slug).toBe(`${survey.slug}-copy`);
    expect(copy.status).toBe("draft");
    expect(copy.responseQuota).toBe(250);
    expect(copy.anonymous).toBe(true);
    const second = (await (await call(`/api/surveys/${survey.id}/duplicate`, { method: "POST", headers: bearer(a.keys.manager) })).json()) as { slug: string };
    expect(second.slug).toBe(`${survey.slug}-copy-2`);
    const named = await call(`/api/surveys/${survey.id}/duplicate`, json("POST", { slug: "adm-srv-named" }, bearer(a.keys.manager)));
    expect(((await named.json()) as { slug: string }).slug).toBe("adm-srv-named");
    const clash = await call(`/api/surveys/${survey.id}/duplicate`, json("POST", { slug: "adm-srv-named" }, bearer(a.keys.manager)));
    expect(clash.status).toBe(409);
    const audit = await env.DB.prepare("select count(*) as n from audit_log where action = 'survey.duplicated' and organization_id = ?").bind(a.organizationId).first<{ n: number }>();
    expect(audit!.n).toBe(3);
  });

  it("hides every survey-admin route from another organisation (404)", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", `/api/surveys/${survey.id}/export`],
      ["GET", `/api/surveys/${survey.id}/settings`],
      ["PATCH", `/api/surveys/${survey.id}/settings`, { responseQuota: 1 }],
      ["POST", `/api/surveys/${survey.id}/duplicate`, {}],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(path, body === undefined ? { method, headers: bearer(b.keys.owner) } : json(method, body, bearer(b.keys.owner)));
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});
