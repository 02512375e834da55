/**
 * The contact-fatigue rule on the JSON invitations endpoint (POST /api/surveys/:id/invitations),
 * the same rule as the customer-list import, sharing its code and its history across both paths.
 */
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { createPublishedSurvey } from "./fixtures";

let a: TestOrg;
let b: TestOrg;
let first: { id: string; slug: string };
let second: { id: string; slug: string };

type Problem = { status: number; type: string; detail: string; errors?: { field: string; code: string; message: string }[] };

async function setFatigue(org: TestOrg, days: number | null) {
  const res = await call("/api/organisation/settings", json("PATCH", { fatigueDays: days }, bearer(org.keys.admin)));
  expect(res.status, await res.clone().text()).toBe(200);
}

function invite(surveyId: string, invitations: Record<string, unknown>[], org = a) {
  return call(`/api/surveys/${surveyId}/invitations`, json("POST", { invitations }, bearer(org.keys.manager)));
}

async function invitedCount(email: string, org = a): Promise<number> {
  const row = await env.DB.prepare("select count(*) as n from survey_invitations where organization_id = ? and lower(email) = lower(?)").bind(org.organizationId, email).first<{ n: number }>();
  return row!.n;
}

async function expectFatigue(res: Response, fields: string[]): Promise<Problem> {
  expect(res.status, await res.clone().text()).toBe(422);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = (await res.json()) as Problem;
  expect(problem.errors!.map((e) => e.field)).toEqual(fields);
  expect(problem.errors!.every((e) => e.code === "fatigue")).toBe(true);
  return problem;
}

beforeAll(async () => {
  a = await createTestOrg("fat-a");
  b = await createTestOrg("fat-b");
  first = await createPublishedSurvey(a.keys.admin, "fat-first", { accessMode: "invitation" });
  second = await createPublishedSurvey(a.keys.admin, "fat-second", { accessMode: "invitation" });
  await setFatigue(a, 30);
});

afterAll(async () => {
  await setFatigue(a, null);
  await setFatigue(b, null);
});

describe("contact fatigue on the JSON invitations endpoint", () => {
  it("refuses an address invited within the period, across surveys, and creates nothing of that request", async () => {
    expect((await invite(first.id, [{ email: "anna@example.com" }])).status).toBe(201);
    const res = await invite(second.id, [{ email: "fresh-1@example.com" }, { email: "Anna@Example.com" }]);
    const problem = await expectFatigue(res, ["invitations.1.email"]);
    expect(problem.errors![0]!.message).toMatch(/fat-first.*at most once every 30 days/);
    expect(problem.detail).toMatch(/nothing was created/);
    expect(await invitedCount("anna@example.com")).toBe(1);
    expect(await invitedCount("fresh-1@example.com")).toBe(0);
  });

  it("refuses the same address twice in one request", async () => {
    await expectFatigue(await invite(first.id, [{ email: "twice@example.com" }, { email: "TWICE@example.com" }]), ["invitations.1.email"]);
    expect(await invitedCount("twice@example.com")).toBe(0);
  });

  it("shares its history with the CSV import, in both directions", async () => {
    const imported = await call(`/api/surveys/${first.id}/invitations/import`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(a.keys.manager) }, body: "email\nfrom-csv@example.com\n" });
    expect(imported.status, await imported.clone().text()).toBe(201);
    await expectFatigue(await invite(second.id, [{ email: "from-csv@example.com" }]), ["invitations.0.email"]);

    expect((await invite(first.id, [{ email: "from-json@example.com" }])).status).toBe(201);
    const res = await call(`/api/surveys/${second.id}/invitations/import`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(a.keys.manager) }, body: "email\nfrom-json@example.com\n" });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { rejected: { errors: { code: string; message: string }[] }[] };
    expect(problem.rejected[0]!.errors[0]!.code).toBe("fatigue");
    expect(problem.rejected[0]!.errors[0]!.message).toMatch(/fat-first.*30 days/);
  });

  it("allows the address again after the period, anonymous links always, and ignores other organisations", async () => {
    expect((await invite(first.id, [{ email: "later@example.com" }])).status).toBe(201);
    await env.DB.prepare("update survey_invitations set created_at = created_at - 31 * 86400000 where organization_id = ? and email = 'later@example.com'").bind(a.organizationId).run();
    expect((await invite(second.id, [{ email: "later@example.com" }])).status).toBe(201);

    // Links without an address are not contacts.
    expect((await invite(first.id, [{}, {}, { hidden: { touchpoint: "store" } }])).status).toBe(201);

    // B has its own history: A's invitation of anna@ does not count there.
    const bSurvey = await createPublishedSurvey(b.keys.admin, "fat-b-survey", { accessMode: "invitation" });
    await setFatigue(b, 30);
    expect((await invite(bSurvey.id, [{ email: "anna@example.com" }], b)).status).toBe(201);
  });

  it("holds under concurrent requests for the same address: one is created, the other refused", async () => {
    const results = await Promise.all([invite(first.id, [{ email: "race@example.com" }]), invite(second.id, [{ email: "race@example.com" }])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(await invitedCount("race@example.com")).toBe(1);
  });

  it("without a fatigue rule, invites the same address as often as asked (unchanged behaviour)", async () => {
    await setFatigue(a, null);
    try {
      expect((await invite(first.id, [{ email: "anna@example.com" }, { email: "anna@example.com" }])).status).toBe(201);
    } finally {
      await setFatigue(a, 30);
    }
  });
});
