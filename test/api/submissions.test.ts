import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";

let a: TestOrg;
let b: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  a = await createTestOrg("sub-a");
  b = await createTestOrg("sub-b");
  survey = await createPublishedSurvey(a.keys.admin, "sub-acsi");
});

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; type: string; detail: string; errors?: { field: string; code: string; message: string }[] };
}

async function countResponses(where = "1=1") {
  const row = await env.DB.prepare(`select count(*) as n from responses where survey_id = ? and ${where}`).bind(survey.id).first<{ n: number }>();
  return row!.n;
}

describe("public survey definition", () => {
  it("returns the published definition in the requested language", async () => {
    const res = await call(`/api/public/surveys/${survey.slug}?lang=zh-CN`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { language: string; version: number; definition: { pages: unknown[] } };
    expect(body.language).toBe("zh-CN");
    expect(body.version).toBe(1);
    expect(body.definition.pages.length).toBeGreaterThan(1);
  });

  it("picks the language from Accept-Language when none is requested", async () => {
    const res = await call(`/api/public/surveys/${survey.slug}`, { headers: { "accept-language": "zh-CN,zh;q=0.9" } });
    expect(((await res.json()) as { language: string }).language).toBe("zh-CN");
  });

  it("answers an unknown survey with a 404 problem", async () => {
    const res = await call("/api/public/surveys/no-such-survey");
    expect(res.status).toBe(404);
    expect((await problem(res)).detail).toMatch(/no published survey/i);
  });
});

describe("submitting a response", () => {
  it("stores a response once: 201 first, 200 with the same id on retry, nothing changed", async () => {
    const submissionId = newSubmissionId();
    const body = { submissionId, answers: acsiAnswers(), complete: true, hidden: { touchpoint: "store", region: "east" } };
    const first = await submit(survey.slug, body);
    expect(first.status).toBe(201);
    const { id, status } = (await first.json()) as { id: string; status: string };
    expect(status).toBe("completed");
    const retry = await submit(survey.slug, { ...body, answers: acsiAnswers({ sat_overall: 1 }) });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { id: string }).id).toBe(id);
    const stored = await env.DB.prepare("select answers, touchpoint, region from responses where id = ?").bind(id).first<{ answers: string; touchpoint: string; region: string }>();
    expect(JSON.parse(stored!.answers).sat_overall).toBe(8);
    expect(stored!.touchpoint).toBe("store");
    expect(await countResponses(`submission_id = '${submissionId}'`)).toBe(1);
  });

  it("survives a retry storm: 10 concurrent copies of one submission store one response and count once", async () => {
    const submissionId = newSubmissionId();
    await compactSurveyStats(db(), survey.id);
    const before = await env.DB.prepare("select coalesce(sum(n),0) as n from survey_daily_stats where survey_id = ? and touchpoint = '*' and region = '*' and tier = '*'").bind(survey.id).first<{ n: number }>();
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(survey.slug, { submissionId, answers: acsiAnswers(), complete: true })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    const ids = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    expect(await countResponses(`submission_id = '${submissionId}'`)).toBe(1);
    await compactSurveyStats(db(), survey.id);
    const after = await env.DB.prepare("select coalesce(sum(n),0) as n from survey_daily_stats where survey_id = ? and touchpoint = '*' and region = '*' and tier = '*'").bind(survey.id).first<{ n: number }>();
    expect(after!.n - before!.n).toBe(1);
  });

  it("saves partial answers page by page and completes the same response later", async () => {
    const submissionId = newSubmissionId();
    const page1 = await submit(survey.slug, { submissionId, answers: { ce_overall: 5, ce_custom: 6, ce_reliability: 7 }, complete: false, currentPage: 1 });
    expect(page1.status).toBe(201);
    const { id, resumeToken } = (await page1.json()) as { id: string; resumeToken: string };
    const { ce_overall: _a, ce_custom: _b, ce_reliability: _c, ...rest } = acsiAnswers();
    const done = await submit(survey.slug, { submissionId, resumeToken, answers: rest, complete: true });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ id, status: "completed" });
    const stored = await env.DB.prepare("select answers, status from responses where id = ?").bind(id).first<{ answers: string; status: string }>();
    expect(stored!.status).toBe("completed");
    expect(JSON.parse(stored!.answers).ce_overall).toBe(5);
  });

  it.each([
    ["an out-of-range rating", { sat_overall: 11 }, "answers.sat_overall", "out_of_range"],
    ["a wrong type", { sat_overall: "eight" }, "answers.sat_overall", "wrong_type"],
    ["a non-integer rating", { sat_overall: 7.5 }, "answers.sat_overall", "not_integer"],
    ["an unknown item", { shoe_size: 42 }, "answers.shoe_size", "unknown_item"],
    ["an answer to an item hidden by its condition", { complained: false, complaint_detail: "x" }, "answers.complaint_detail", "hidden_item"],
    ["an unknown choice value for yes/no", { complained: "maybe" }, "answers.complained", "wrong_type"],
  ])("rejects %s with 422 naming the item", async (_label, override, field, code) => {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(override), complete: true });
    expect(res.status).toBe(422);
    const body = await problem(res);
    const error = body.errors?.find((e) => e.field === field);
    expect(error, JSON.stringify(body.errors)).toBeDefined();
    expect(error!.code).toBe(code);
  });

  it("rejects a missing required item only when completing", async () => {
    const { sat_overall: _omit, ...answers } = acsiAnswers();
    const complete = await submit(survey.slug, { submissionId: newSubmissionId(), answers, complete: true });
    expect(complete.status).toBe(422);
    expect((await problem(complete)).errors?.map((e) => e.field)).toContain("answers.sat_overall");
    const partial = await submit(survey.slug, { submissionId: newSubmissionId(), answers, complete: false });
    expect(partial.status).toBe(201);
  });

  it("accepts the complaint detail when its condition holds", async () => {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ complained: true, complaint_detail: "Late delivery" }), complete: true });
    expect(res.status).toBe(201);
  });

  it.each([
    ["no submissionId", { answers: {}, complete: true }, "submissionId"],
    ["a short submissionId", { submissionId: "abc", answers: {}, complete: true }, "submissionId"],
    ["answers that are not an object", { submissionId: newSubmissionId(), answers: [1, 2], complete: true }, "answers"],
    ["complete that is not a boolean", { submissionId: newSubmissionId(), answers: {}, complete: "yes" }, "complete"],
    ["an unknown top-level field", { submissionId: newSubmissionId(), answers: {}, complete: true, admin: true }, "(body)"],
  ])("rejects a body with %s with 422 naming the field", async (_label, body, field) => {
    const res = await submit(survey.slug, body as Record<string, unknown>);
    expect(res.status).toBe(422);
    const fields = (await problem(res)).errors?.map((e) => e.field) ?? [];
    expect(fields.some((f) => f === field || f.startsWith(field)), fields.join(",")).toBe(true);
  });

  it("answers malformed JSON with 400 problem+json", async () => {
    const res = await call(`/api/public/surveys/${survey.slug}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    await problem(res);
  });

  it("refuses bodies over the public size limit with 413", async () => {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: { comment: "x".repeat(300_000) }, complete: false });
    expect(res.status).toBe(413);
    await problem(res);
  });

  it("keeps the per-day statistics equal to a recount of the completed responses", async () => {
    await compactSurveyStats(db(), survey.id);
    const pending = await env.DB.prepare("select count(*) as n from survey_stats_pending where survey_id = ?").bind(survey.id).first<{ n: number }>();
    expect(pending!.n).toBe(0);
    const stats = await env.DB.prepare("select coalesce(sum(n),0) as n from survey_daily_stats where survey_id = ? and touchpoint = '*' and region = '*' and tier = '*'").bind(survey.id).first<{ n: number }>();
    expect(stats!.n).toBe(await countResponses("status = 'completed'"));
  });

  it("keeps every roll-up row equal to the sum of the exact segment cells, element by element", async () => {
    const rows = await env.DB.prepare("select day, touchpoint, region, tier, n, vector from survey_daily_stats where survey_id = ?").bind(survey.id).all<{ day: string; touchpoint: string; region: string; tier: string; n: number; vector: string }>();
    const exact = rows.results.filter((r) => r.touchpoint !== "*" && r.region !== "*" && r.tier !== "*");
    const rollups = rows.results.filter((r) => r.touchpoint === "*" || r.region === "*" || r.tier === "*");
    expect(rollups.length).toBeGreaterThan(0);
    for (const rollup of rollups) {
      const members = exact.filter((r) => r.day === rollup.day && ["touchpoint", "region", "tier"].every((k) => rollup[k as "tier"] === "*" || rollup[k as "tier"] === r[k as "tier"]));
      const sum = JSON.parse(members[0]!.vector).map((_: number, i: number) => members.reduce((acc, m) => acc + JSON.parse(m.vector)[i], 0));
      expect(JSON.parse(rollup.vector)).toEqual(sum);
      expect(rollup.n).toBe(members.reduce((acc, m) => acc + m.n, 0));
    }
  });
});

describe("personal invitations", () => {
  let invSurvey: { id: string; slug: string };
  beforeAll(async () => {
    invSurvey = await createPublishedSurvey(a.keys.admin, "sub-invite", { accessMode: "invitation" });
  });

  async function invite(body: Record<string, unknown> = {}) {
    const res = await call(`/api/surveys/${invSurvey.id}/invitations`, json("POST", { invitations: [{ email: "c@example.com", hidden: { tier: "gold" }, ...body }] }, bearer(a.keys.manager)));
    expect(res.status).toBe(201);
    const { items } = (await res.json()) as { items: { token: string; url: string }[] };
    return items[0]!;
  }

  it("requires a token on an invitation-only survey", async () => {
    const res = await submit(invSurvey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    expect(res.status).toBe(403);
  });

  it("lets exactly one of 20 concurrent completions with one single-use token succeed", async () => {
    const { token } = await invite();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => submit(invSurvey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const loser = results.find((r) => r.status === 409)!;
    expect((await problem(loser)).type).toBe("/problems/token-spent");
    const tier = await env.DB.prepare("select count(*) as n, max(tier) as tier from responses where survey_id = ? and status = 'completed'").bind(invSurvey.id).first<{ n: number; tier: string }>();
    expect(tier).toEqual({ n: 1, tier: "gold" });
  });

  it("takes the invitation's e-mail, hidden fields and segment in the write that resolves its token", async () => {
    const { token } = await invite({ email: "batch@example.com", hidden: { tier: "platinum" } });
    // The link's own tier is overridden by the invitation's; its touchpoint is kept.
    const res = await submit(invSurvey.slug, { submissionId: newSubmissionId(), token, hidden: { tier: "standard", touchpoint: "web" }, answers: acsiAnswers(), complete: true });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const row = await env.DB.prepare("select invitation_id, respondent_email, hidden, touchpoint, tier, triggers_evaluated_at from responses where id = ?")
      .bind(id)
      .first<{ invitation_id: string; respondent_email: string; hidden: string; touchpoint: string; tier: string; triggers_evaluated_at: number | null }>();
    const invitation = await env.DB.prepare("select id, uses_left from survey_invitations where survey_id = ? and email = 'batch@example.com'").bind(invSurvey.id).first<{ id: string; uses_left: number }>();
    expect(row).toMatchObject({ invitation_id: invitation!.id, respondent_email: "batch@example.com", touchpoint: "web", tier: "platinum" });
    expect(JSON.parse(row!.hidden)).toEqual({ tier: "platinum", touchpoint: "web" });
    expect(invitation!.uses_left).toBe(0);
    // Hidden fields from the invitation were not seen when deciding the follow-up: the consumer gets the response.
    expect(row!.triggers_evaluated_at).toBeNull();
    const logged = await env.DB.prepare("select touchpoint, region, tier from survey_stats_pending where response_id = ?").bind(id).first();
    expect(logged).toEqual({ touchpoint: "web", region: "", tier: "platinum" });
  });

  it("answers a token not valid yet with the reason, and stores nothing", async () => {
    const { token } = await invite({ validFrom: "2999-01-01T00:00:00Z" });
    const submissionId = newSubmissionId();
    const res = await submit(invSurvey.slug, { submissionId, token, answers: acsiAnswers(), complete: true });
    expect(res.status).toBe(409);
    expect(await problem(res)).toMatchObject({ type: "/problems/survey-unavailable", reason: "not_yet_valid" });
    const stored = await env.DB.prepare("select count(*) as n from responses where submission_id = ?").bind(submissionId).first<{ n: number }>();
    expect(stored!.n).toBe(0);
  });

  it("answers an expired token with 410 and an unknown token with 404", async () => {
    const { token } = await invite({ validUntil: "2020-01-01T00:00:00Z" });
    const expired = await submit(invSurvey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true });
    expect(expired.status).toBe(410);
    const unknown = await submit(invSurvey.slug, { submissionId: newSubmissionId(), token: "definitely-not-a-token", answers: acsiAnswers(), complete: true });
    expect(unknown.status).toBe(404);
  });

  it("records an anonymous survey's invitation times to the day only, so they cannot be joined with the response", async () => {
    const anonymous = await createPublishedSurvey(a.keys.admin, "sub-invite-anon", { accessMode: "invitation" });
    const settings = await call(`/api/surveys/${anonymous.id}/settings`, json("PATCH", { anonymous: true }, bearer(a.keys.manager)));
    expect(settings.status).toBe(200);
    const timesAfterCompleting = async (target: { id: string; slug: string }) => {
      const res = await call(`/api/surveys/${target.id}/invitations`, json("POST", { invitations: [{ email: "anon@example.com" }] }, bearer(a.keys.manager)));
      expect(res.status).toBe(201);
      const { token } = ((await res.json()) as { items: { token: string }[] }).items[0]!;
      const answered = await submit(target.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true });
      expect(answered.status).toBe(201);
      const { id } = (await answered.json()) as { id: string };
      const response = await env.DB.prepare("select completed_at, invitation_id, respondent_email from responses where id = ?").bind(id).first<{ completed_at: number; invitation_id: string | null; respondent_email: string | null }>();
      const invitation = await env.DB.prepare("select completed_at from survey_invitations where survey_id = ? and email = 'anon@example.com'").bind(target.id).first<{ completed_at: number }>();
      return { response: response!, invitationCompletedAt: invitation!.completed_at };
    };
    const anon = await timesAfterCompleting(anonymous);
    expect(anon.response.invitation_id).toBeNull();
    expect(anon.response.respondent_email).toBeNull();
    const day = new Date(anon.response.completed_at);
    expect(anon.invitationCompletedAt).toBe(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
    // A named survey keeps the exact time (and the link from the response to its invitation).
    const named = await timesAfterCompleting(invSurvey);
    expect(named.response.invitation_id).not.toBeNull();
    expect(named.invitationCompletedAt).toBe(named.response.completed_at);
  });

  it("lists invitation status for staff", async () => {
    const res = await call(`/api/surveys/${invSurvey.id}/invitations`, { headers: bearer(a.keys.viewer) });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { status: string }[] };
    expect(items.map((i) => i.status)).toEqual(expect.arrayContaining(["completed", "expired"]));
  });
});

describe("survey availability", () => {
  it("refuses answers to a closed survey with 409 and a clear reason", async () => {
    const closed = await createPublishedSurvey(a.keys.admin, "sub-closed");
    expect((await call(`/api/surveys/${closed.id}/close`, { method: "POST", headers: bearer(a.keys.manager) })).status).toBe(200);
    const res = await submit(closed.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    expect(res.status).toBe(409);
    expect((await problem(res)).detail).toMatch(/closed/);
  });

  it("refuses a survey that is not open yet", async () => {
    const later = await createPublishedSurvey(a.keys.admin, "sub-later", { opensAt: "2999-01-01T00:00:00Z" });
    const res = await submit(later.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    expect(res.status).toBe(409);
    expect((await problem(res)).detail).toMatch(/opens/);
  });

  it("stops at the response quota", async () => {
    const quota = await createPublishedSurvey(a.keys.admin, "sub-quota", { responseQuota: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await submit(quota.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status);
    expect(statuses).toEqual([201, 201, 409]);
  });
});

describe("staff access to surveys and responses", () => {
  it("lists responses with paging and a hidden-field filter", async () => {
    const res = await call(`/api/surveys/${survey.id}/responses?status=completed&hidden.touchpoint=store&pageSize=5`, { headers: bearer(a.keys.viewer) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; items: { hidden: Record<string, string> }[] };
    expect(body.total).toBeGreaterThanOrEqual(1);
    expect(body.items.every((i) => i.hidden.touchpoint === "store")).toBe(true);
  });

  it("rejects an unknown filter with a 400 problem", async () => {
    const res = await call(`/api/surveys/${survey.id}/responses?colour=red`, { headers: bearer(a.keys.viewer) });
    expect(res.status).toBe(400);
  });

  it("exports responses as CSV for managers, not viewers", async () => {
    const denied = await call(`/api/surveys/${survey.id}/responses/export.csv`, { headers: bearer(a.keys.viewer) });
    expect(denied.status).toBe(403);
    const res = await call(`/api/surveys/${survey.id}/responses/export.csv`, { headers: bearer(a.keys.manager) });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toContain("sat_overall");
    expect(lines.length).toBeGreaterThan(1);
  });

  it("hides organisation A's survey and responses from organisation B (404)", async () => {
    for (const path of [`/api/surveys/${survey.id}`, `/api/surveys/${survey.id}/responses`, `/api/surveys/${survey.id}/invitations`, `/api/surveys/${survey.id}/responses/export.csv`]) {
      const res = await call(path, { headers: bearer(b.keys.owner) });
      expect(res.status, path).toBe(404);
    }
    const publish = await call(`/api/surveys/${survey.id}/publish`, { method: "POST", headers: bearer(b.keys.owner) });
    expect(publish.status).toBe(404);
    const list = (await (await call("/api/surveys", { headers: bearer(b.keys.owner) })).json()) as { items: { id: string }[] };
    expect(list.items.some((s) => s.id === survey.id)).toBe(false);
  });

  it("lets only managers and above create surveys", async () => {
    const res = await call("/api/surveys", json("POST", { slug: "staff-try", template: "nps" }, bearer(a.keys.staff)));
    expect(res.status).toBe(403);
  });

  it("keeps a published version immutable when the draft changes", async () => {
    const detail = (await (await call(`/api/surveys/${survey.id}`, { headers: bearer(a.keys.admin) })).json()) as { draftDefinition: { title: Record<string, string> } };
    const draft = { ...detail.draftDefinition, title: { ...detail.draftDefinition.title, en: "Changed title" } };
    expect((await call(`/api/surveys/${survey.id}/draft`, json("PUT", { definition: draft }, bearer(a.keys.admin)))).status).toBe(200);
    const publicView = (await (await call(`/api/public/surveys/${survey.slug}?lang=en`)).json()) as { version: number; definition: { title: Record<string, string> } };
    expect(publicView.version).toBe(1);
    expect(publicView.definition.title.en).not.toBe("Changed title");
    const republished = (await (await call(`/api/surveys/${survey.id}/publish`, { method: "POST", headers: bearer(a.keys.admin) })).json()) as { publishedVersion: number };
    expect(republished.publishedVersion).toBe(2);
  });
});
