/**
 * The loyalty model's figures come from the stored statistics (day/month rows and the log), and
 * equal a plain recount from the raw responses — done here without the loyalty statistics code:
 * answers are read back from the responses table and counted by hand.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { seedDemo } from "../../src/seed/demo";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import { anonymiseResponses, deleteResponses, responsesByIds } from "../../src/db/queries/response-admin";
import { checkSurveyStats } from "../../bench/lib/stats-recompute";
import type { LoyaltyResponse } from "../../src/contracts/loyalty";
import type { IndicesResponse } from "../../src/contracts/analytics";

const DEMO_KEY = "fl_test_demo_key_for_loyalty_0123456789abcdef";
let surveyId: string;
let organizationId: string;
let other: TestOrg;

type Raw = { id: string; answers: Record<string, unknown>; hidden: Record<string, string>; day: string };

async function rawResponses(): Promise<Raw[]> {
  const rows = await env.DB.prepare(
    "SELECT id, answers, hidden, date(completed_at / 1000, 'unixepoch') AS day FROM responses WHERE survey_id = ? AND status = 'completed'",
  )
    .bind(surveyId)
    .all<{ id: string; answers: string; hidden: string; day: string }>();
  return rows.results.map((r) => ({ id: r.id, answers: JSON.parse(r.answers), hidden: JSON.parse(r.hidden), day: r.day }));
}

async function loyalty(query = "", key = DEMO_KEY): Promise<LoyaltyResponse> {
  const res = await call(`/api/surveys/${surveyId}/loyalty${query}`, { headers: bearer(key) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as LoyaltyResponse;
}

const num = (value: unknown): number | null => (typeof value === "number" ? value : typeof value === "boolean" ? (value ? 1 : 0) : null);
const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
const answeredValues = (rows: Raw[], id: string) => rows.map((r) => num(r.answers[id])).filter((v): v is number => v !== null);

/** Hand recount of the figures for a set of responses (demo survey: 1-10 items, sat_level 1-5, nps 0-10). */
function recount(rows: Raw[], satisfactionIndex: number) {
  const scaled10 = (id: string) => (mean(answeredValues(rows, id)) - 1) / 9;
  const attraction = (scaled10("att_choose_again") + scaled10("att_interest")) / 2;
  const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
  // "comment" is always shown; complaint_detail only after complained = yes.
  const openAnswered = rows.filter((r) => text(r.answers.comment) || (r.answers.complained === true && text(r.answers.complaint_detail))).length;
  const panel = mean(answeredValues(rows, "par_panel"));
  const willingness = (scaled10("par_feedback") + scaled10("par_codesign")) / 2;
  const participation = (openAnswered / rows.length + panel + willingness) / 3;
  const satisfaction = satisfactionIndex / 100;
  const levels = [1, 2, 3, 4, 5].map((level) => {
    const at = rows.filter((r) => r.answers.sat_level === level);
    const intent = at.filter((r) => num(r.answers.loy_repurchase) !== null || num(r.answers.nps) !== null);
    const high = intent.filter((r) => (num(r.answers.loy_repurchase) ?? 0) >= 9 || (num(r.answers.nps) ?? 0) >= 9);
    return [level, intent.length, high.length];
  });
  const pairs = [["ce_overall", "pq_overall"], ["ce_custom", "pq_custom"], ["ce_reliability", "pq_reliability"]];
  const pairCounts = pairs.map(([e, p]) => {
    const both = rows.filter((r) => num(r.answers[e!]) !== null && num(r.answers[p!]) !== null);
    return [both.length, both.filter((r) => num(r.answers[p!])! >= num(r.answers[e!])! + 1).length];
  });
  let overallAnswered = 0;
  let overallDelighted = 0;
  for (const r of rows) {
    const complete = pairs.filter(([e, p]) => num(r.answers[e!]) !== null && num(r.answers[p!]) !== null);
    if (complete.length === 0) continue;
    overallAnswered++;
    // mean(p) ≥ mean(e) + 1, compared as sums: the means of 3 integers are not exact in floating point.
    const sumOf = (ids: string[]) => ids.reduce((sum, id) => sum + num(r.answers[id])!, 0);
    if (sumOf(complete.map(([, p]) => p!)) >= sumOf(complete.map(([e]) => e!)) + complete.length) overallDelighted++;
  }
  return { attraction, satisfaction, participation, composite: attraction * satisfaction * participation, levels, pairCounts, overall: [overallAnswered, overallDelighted] };
}

beforeAll(async () => {
  const demo = await seedDemo({ ...env, DEMO_API_KEY: DEMO_KEY }, db(), { now: new Date("2026-11-20T12:00:00Z") });
  surveyId = demo.surveyId;
  organizationId = demo.organizationId;
  other = await createTestOrg("loyalty-other");
});

describe("loyalty model from stored statistics", () => {
  it("stores loyalty counts that equal a recount from the responses (day and month rows)", async () => {
    const check = await checkSurveyStats(db(), surveyId);
    expect(check.pending).toBe(0);
    expect(check.completed).toBe(400);
    expect(check.mismatches).toEqual([]);
  });

  it("the composite, its components, delight and the chart equal a hand recount of the raw responses", async () => {
    const body = await loyalty();
    const raw = await rawResponses();
    const indices = (await (await call(`/api/surveys/${surveyId}/indices`, { headers: bearer(DEMO_KEY) })).json()) as IndicesResponse;
    const overall = body.overall!;
    expect(body.available).toBe(true);
    expect(overall.n).toBe(400);
    // Satisfaction comes from the ACSI index of the same selection.
    expect(overall.satisfactionIndex!).toBeCloseTo(indices.acsi!, 9);
    expect(overall.composite.components.satisfaction.source).toBe("acsi_index");
    const want = recount(raw, indices.acsi!);
    expect(overall.composite.components.attraction.value!).toBeCloseTo(want.attraction, 12);
    expect(overall.composite.components.participation.value!).toBeCloseTo(want.participation, 12);
    expect(overall.composite.value!).toBeCloseTo(want.composite, 12);
    expect(overall.composite.components.participation.indicators.responseRate).toBeNull(); // the demo sent no invitations
    expect(overall.acsiLoyaltyIndex).toBe(indices.constructs.find((c) => c.construct === "loyalty")!.index);
    expect(overall.chart.levels.map((l) => [l.level, l.n, l.high])).toEqual(want.levels);
    expect(overall.delight.pairs.map((p) => [p.answered, p.delighted])).toEqual(want.pairCounts);
    expect([overall.delight.overall.answered, overall.delight.overall.delighted]).toEqual(want.overall);
    // Guard against a vacuous comparison.
    expect(overall.chart.n).toBeGreaterThan(200);
    expect(want.pairCounts[0]![1]).toBeGreaterThan(0);
  });

  it("compares current, former and potential customers, each equal to its own recount", async () => {
    const body = await loyalty();
    const raw = await rawResponses();
    for (const status of ["current", "former", "potential"] as const) {
      const rows = raw.filter((r) => r.hidden.customer_status === status);
      const group = body.groups.find((g) => g.status === status)!;
      expect(group.n, status).toBe(rows.length);
      expect(group.n, status).toBeGreaterThanOrEqual(30);
      expect(group.chart.levels.map((l) => [l.level, l.n, l.high]), status).toEqual(recount(rows, 0).levels);
    }
    // Potential customers have not bought: no satisfaction, so no composite — and it says why.
    const potential = body.groups.find((g) => g.status === "potential")!;
    expect(potential.composite).toMatchObject({ value: null, missing: ["satisfaction"] });
    const former = body.groups.find((g) => g.status === "former")!;
    const current = body.groups.find((g) => g.status === "current")!;
    expect(former.composite.value!).toBeLessThan(current.composite.value!);
    expect(body.coverage).toMatchObject({ sufficient: true, warning: null });
    expect(body.warnings.map((w) => w.code)).not.toContain("FORMER_OR_POTENTIAL_NOT_MEASURED");
  });

  it("a period and a segment are reads of their rows; the former/potential warning shows when a selection has too few", async () => {
    const raw = await rawResponses();
    const inRange = raw.filter((r) => r.day >= "2026-08-01" && r.day <= "2026-08-31" && r.hidden.region === "east");
    const body = await loyalty("?from=2026-08-01&to=2026-08-31&region=east");
    expect(body.overall!.n).toBe(inRange.length);
    expect(body.overall!.chart.levels.map((l) => [l.level, l.n, l.high])).toEqual(recount(inRange, 0).levels);
    expect(body.coverage!.sufficient).toBe(false);
    expect(body.warnings.map((w) => w.code)).toContain("FORMER_OR_POTENTIAL_NOT_MEASURED");
    // The indices answer carries the same coverage, for the measurement plan's warning.
    const narrow = (await (await call(`/api/surveys/${surveyId}/indices?from=2026-08-01&to=2026-08-31&region=east`, { headers: bearer(DEMO_KEY) })).json()) as IndicesResponse;
    expect(narrow.customerCoverage).toEqual({ statusFieldId: "customer_status", counts: body.coverage!.counts, minimum: 30, sufficient: false });
    const whole = (await (await call(`/api/surveys/${surveyId}/indices`, { headers: bearer(DEMO_KEY) })).json()) as IndicesResponse;
    expect(whole.customerCoverage.sufficient).toBe(true);
  });

  it("stays equal to the recount when a response is deleted, before and after compaction", async () => {
    const raw = await rawResponses();
    const victim = raw.find((r) => r.hidden.customer_status === "former")!;
    const before = await loyalty();
    await deleteResponses(db(), organizationId, await responsesByIds(db(), organizationId, [victim.id]));
    const pendingRead = await loyalty();
    expect(pendingRead.overall!.n).toBe(399);
    expect(pendingRead.groups.find((g) => g.status === "former")!.n).toBe(before.groups.find((g) => g.status === "former")!.n - 1);
    await compactSurveyStats(db(), surveyId);
    const folded = await loyalty();
    const { computeMs: _a, ...foldedBody } = folded;
    const { computeMs: _b, ...pendingBody } = pendingRead;
    expect(foldedBody).toEqual(pendingBody);
    expect((await checkSurveyStats(db(), surveyId)).mismatches).toEqual([]);
  });

  it("anonymising a response drops its open answer from participation and keeps the statistics equal to a recount", async () => {
    const raw = await rawResponses();
    const writer = raw.find((r) => typeof r.answers.comment === "string" && r.answers.comment.trim() !== "" && r.answers.complained !== true)!;
    const before = (await loyalty()).overall!.composite.components.participation.indicators.openAnswers!;
    await anonymiseResponses(db(), organizationId, await responsesByIds(db(), organizationId, [writer.id]), new Date());
    const after = (await loyalty()).overall!.composite.components.participation.indicators.openAnswers!;
    expect(after).toEqual({ value: (before.numerator - 1) / before.denominator, numerator: before.numerator - 1, denominator: before.denominator });
    await compactSurveyStats(db(), surveyId);
    expect((await checkSurveyStats(db(), surveyId)).mismatches).toEqual([]);
  });

  it("hides the survey from other organisations and is for managers and above", async () => {
    expect((await call(`/api/surveys/${surveyId}/loyalty`, { headers: bearer(other.keys.owner) })).status).toBe(404);
    expect((await call(`/api/surveys/${surveyId}/loyalty`, { headers: bearer(other.keys.staff) })).status).toBe(403);
    expect((await call(`/api/surveys/${surveyId}/loyalty?from=2026-13-01`, { headers: bearer(DEMO_KEY) })).status).toBe(400);
  });
});

describe("read, not a scan", () => {
  it("the figures come from the stored statistics: with the responses gone from the table they stay the same", async () => {
    await compactSurveyStats(db(), surveyId);
    const { computeMs: _a, ...before } = await loyalty("?from=2026-06-15&to=2026-10-10&tier=gold");
    expect(before.overall!.n).toBeGreaterThan(20);
    // Straight SQL, bypassing the statistics log: only a reader of the responses would notice.
    await env.DB.prepare("UPDATE responses SET answers = '{}', hidden = '{}' WHERE survey_id = ?").bind(surveyId).run();
    const { computeMs: _b, ...after } = await loyalty("?from=2026-06-15&to=2026-10-10&tier=gold");
    expect(after).toEqual(before);
  });
});

describe("respondent status from invitations and links", () => {
  it("an invitation CSV column and a link's hidden field carry the status; the response rate counts per status", async () => {
    const survey = await createPublishedSurvey(other.keys.manager, "loyalty-invites", { template: "acsi_loyalty" });
    const csv = "email,customer_status\nann@example.com,former\nbob@example.com,former\ncy@example.com,current\n";
    const imported = await call(`/api/surveys/${survey.id}/invitations/import`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(other.keys.manager) }, body: csv });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const links = ((await imported.json()) as { invitations: { email: string; url: string }[] }).invitations;
    const token = new URL(links.find((l) => l.email === "ann@example.com")!.url).searchParams.get("t")!;
    const answers = acsiAnswers({ att_choose_again: 4, att_interest: 4, par_feedback: 10, par_codesign: 1, par_panel: true });
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), token, answers, complete: true })).status).toBe(201);
    // A public link's hidden field; a value that is not a status is dropped (allowedValues) and counts as unspecified.
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers, complete: true, hidden: { customer_status: "potential" } })).status).toBe(201);
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers, complete: true, hidden: { customer_status: "vip" } })).status).toBe(201);
    const res = await call(`/api/surveys/${survey.id}/loyalty`, { headers: bearer(other.keys.manager) });
    const body = (await res.json()) as LoyaltyResponse;
    const group = (status: string) => body.groups.find((g) => g.status === status)!;
    expect(group("former").n).toBe(1);
    expect(group("potential").n).toBe(1);
    expect(group("unspecified").n).toBe(1);
    expect(group("former").composite.components.participation.indicators.responseRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(group("current").composite.components.participation.indicators.responseRate).toEqual({ value: 0, numerator: 0, denominator: 1 });
    expect(body.overall!.composite.components.participation.indicators.responseRate).toEqual({ value: 1 / 3, numerator: 1, denominator: 3 });
    // A single respondent: attraction (4−1)/9, panel yes, willingness ((10−1)/9 + 0)/2, open answer "Fine." written.
    const former = group("former").composite;
    expect(former.components.attraction.value!).toBeCloseTo(3 / 9, 12);
    expect(former.components.participation.value!).toBeCloseTo((0.5 + 1 + 1 + 0.5) / 4, 12);
    expect(body.coverage!.warning!.groups).toEqual(["former", "potential"]);
  });

  it("the win-back survey's coded reasons are counted per group from the stored statistics, equal to a recount", async () => {
    const survey = await createPublishedSurvey(other.keys.manager, "loyalty-winback", { template: "win_back" });
    const answers = [
      { status: "former", a: { sat_level: 2, defection_reasons: ["price", "service"], defection_detail: "慢", switched_to: "competitor", win_back_offers: ["lower_price"], att_choose_again: 3, nps: 2 } },
      { status: "former", a: { sat_level: 3, defection_reasons: ["price"], switched_to: "competitor", att_choose_again: 6, nps: 7 } },
      { status: "former", a: { sat_level: 1, defection_reasons: ["complaint_unresolved"], switched_to: "stopped", win_back_offers: ["complaint_resolved", "personal_contact"] } },
      { status: "current", a: { sat_level: 4, nps: 9 } },
    ];
    for (const { status, a } of answers) {
      expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: a, complete: true, hidden: { customer_status: status } })).status).toBe(201);
    }
    const read = async () => (await (await call(`/api/surveys/${survey.id}/loyalty`, { headers: bearer(other.keys.manager) })).json()) as LoyaltyResponse;
    const pending = await read();
    await compactSurveyStats(db(), survey.id);
    const folded = await read();
    expect(folded.groups).toEqual(pending.groups);
    expect((await checkSurveyStats(db(), survey.id)).mismatches).toEqual([]);
    const former = folded.groups.find((g) => g.status === "former")!;
    const reasons = former.codedAnswers.find((c) => c.itemId === "defection_reasons")!;
    const count = (option: string) => answers.filter((x) => x.status === "former" && (x.a.defection_reasons ?? []).includes(option)).length;
    expect(reasons.answered).toBe(3);
    for (const option of reasons.options) expect(option.count, option.optionId).toBe(count(option.optionId));
    expect(reasons.options.find((o) => o.optionId === "price")!.share).toBeCloseTo(2 / 3, 12);
    expect(former.codedAnswers.find((c) => c.itemId === "switched_to")!.options.find((o) => o.optionId === "competitor")!.count).toBe(2);
    expect(folded.groups.find((g) => g.status === "current")!.codedAnswers.find((c) => c.itemId === "defection_reasons")!.answered).toBe(0);
    expect(folded.codedQuestions.map((q) => q.itemId)).toEqual(["defection_reasons", "switched_to", "win_back_offers"]);
    expect(folded.codedQuestions[0]!.options[0]!.label).toEqual({ "zh-CN": "价格太高", en: "Price too high" });
  });

  it("a survey without the loyalty model says so instead of failing", async () => {
    const plain = await createPublishedSurvey(other.keys.manager, "loyalty-plain");
    const body = (await (await call(`/api/surveys/${plain.id}/loyalty`, { headers: bearer(other.keys.manager) })).json()) as LoyaltyResponse;
    expect(body).toMatchObject({ available: false, overall: null, groups: [] });
    expect(body.warnings.map((w) => w.code)).toEqual(["NO_LOYALTY_MODEL"]);
    const indices = (await (await call(`/api/surveys/${plain.id}/indices`, { headers: bearer(other.keys.manager) })).json()) as IndicesResponse;
    expect(indices.customerCoverage).toEqual({ statusFieldId: null, counts: { current: 0, former: 0, potential: 0 }, minimum: 30, sufficient: false });
  });
});
