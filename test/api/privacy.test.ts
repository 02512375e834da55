import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { loadVersionDefinition } from "../../src/db/queries/surveys";
import { loadMergedStats, type SegmentFilter } from "../../src/db/queries/analytics";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import { statsLogValues } from "../../src/db/stats-vector";
import { statsLayoutFor } from "../../src/db/stats-vector";
import { addRowToMoments, createEmptyMoments } from "../../src/domain/stats/item-moments";
import { handleResponseCompleted } from "../../src/jobs/response-completed";
import { purgeExpiredResponses } from "../../src/jobs/retention";
import { runScheduled } from "../../src/jobs/scheduled";
import { readCsvRecords } from "../../src/domain/csv";
import type { Answers } from "../../src/domain/survey/answers";

let a: TestOrg;
let b: TestOrg;
let survey: { id: string; slug: string };
let second: { id: string; slug: string };

type Export = {
  email: string;
  invitations: { id: string; surveySlug: string; hidden: Record<string, string> }[];
  responses: { id: string; email: string | null; ip: string | null; answers: Record<string, unknown>; notes: { body: string }[] }[];
  complaints: { id: string; contact: { email: string | null }; timeline: unknown[] }[];
  emailsSent: unknown[];
};

async function importLinks(key: string, surveyId: string, csv: string): Promise<Record<string, string>> {
  const res = await call(`/api/surveys/${surveyId}/invitations/import`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(key) }, body: csv });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { invitations: { email: string; url: string }[] };
  return Object.fromEntries(body.invitations.map((i) => [i.email, new URL(i.url).searchParams.get("t")!]));
}

async function complete(slug: string, answers: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await submit(slug, { submissionId: newSubmissionId(), answers, complete: true, ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The statistics the analytics read (buckets + pending log) must equal a recomputation from the stored responses. */
async function expectStatsMatchResponses(surveyId: string, filter: SegmentFilter = {}) {
  const definition = await loadVersionDefinition(db(), surveyId, 1);
  const layout = statsLayoutFor(definition);
  const where = Object.entries(filter).map(([k]) => ` and ${k} = ?`).join("");
  const rows = await env.DB.prepare(`select answers from responses where survey_id = ? and status = 'completed'${where}`)
    .bind(surveyId, ...Object.values(filter))
    .all<{ answers: string }>();
  const raw = createEmptyMoments(layout.itemIds);
  for (const row of rows.results) {
    const values = statsLogValues(definition, JSON.parse(row.answers) as Answers, {});
    addRowToMoments(raw, Object.fromEntries(layout.itemIds.map((id, i) => [id, values[i] ?? null])));
  }
  const survey = await env.DB.prepare("select organization_id as org from surveys where id = ?").bind(surveyId).first<{ org: string }>();
  const groups = await loadMergedStats(db(), survey!.org, surveyId, {}, filter);
  const stored = groups[0];
  expect(stored?.n ?? 0).toBe(rows.results.length);
  if (!stored) return;
  expect(stored.moments.itemIds).toEqual(raw.itemIds);
  expect(stored.moments.rowCount).toBe(raw.rowCount);
  expect(stored.moments.pairCount).toEqual(raw.pairCount);
  expect(stored.moments.pairSumFirst).toEqual(raw.pairSumFirst);
  expect(stored.moments.pairSumSecond).toEqual(raw.pairSumSecond);
  expect(stored.moments.pairCrossProduct).toEqual(raw.pairCrossProduct);
  expect(stored.moments.valueCounts).toEqual(raw.valueCounts);
}

async function pendingRows(surveyId: string) {
  const rows = await env.DB.prepare("select response_id, row from survey_stats_pending where survey_id = ? order by id").bind(surveyId).all<{ response_id: string; row: string }>();
  return rows.results;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  a = await createTestOrg("privacy-a");
  b = await createTestOrg("privacy-b");
  survey = await createPublishedSurvey(a.keys.admin, "privacy-acsi", { accessMode: "both", storeIp: true });
  second = await createPublishedSurvey(a.keys.admin, "privacy-nps");
  const tokens = await importLinks(a.keys.manager, survey.id, "email,touchpoint,region,tier\nalice@example.com,store,east,gold\nbob@example.com,web,west,silver\ncarol@example.com,store,west,gold\n");
  const tokens2 = await importLinks(a.keys.manager, second.id, "email,touchpoint\nalice@example.com,web\n");
  ids.alice = await complete(survey.slug, acsiAnswers({ nps: 2, sat_overall: 3, comment: "Call me on 555-1234 — Alice" }), { token: tokens["alice@example.com"] });
  ids.bob = await complete(survey.slug, acsiAnswers({ nps: 8, sat_overall: 9, comment: "Bob here, ask for me at the desk" }), { token: tokens["bob@example.com"] });
  ids.alice2 = await complete(second.slug, acsiAnswers({ nps: 9 }), { token: tokens2["alice@example.com"] });
  // Anonymous public-link responses with varied answers.
  for (let i = 0; i < 6; i++) {
    await complete(survey.slug, acsiAnswers({ nps: i + 3, sat_overall: 10 - i, pq_overall: (i % 4) + 5, complained: i % 2 === 0 }), { hidden: { touchpoint: i % 2 ? "web" : "store", region: "east" } });
  }
  // Carol starts but does not finish.
  const partial = await submit(survey.slug, { submissionId: newSubmissionId(), token: tokens["carol@example.com"], answers: { ce_overall: 4 }, complete: false, currentPage: 0 });
  ids.carol = ((await partial.json()) as { id: string }).id;
  await call(`/api/surveys/${survey.id}/responses/${ids.alice}/notes`, json("POST", { body: "Alice phoned about the refund." }, bearer(a.keys.staff)));
  await call(`/api/surveys/${survey.id}/responses/${ids.bob}/notes`, json("POST", { body: "Bob is a regular." }, bearer(a.keys.staff)));
  // Alice's detractor answer becomes a complaint (the queue's work, run here directly).
  await handleResponseCompleted(db(), env, ids.alice, new Date());
  // Half the statistics folded into the day buckets, the rest still in the log.
  await compactSurveyStats(db(), survey.id);
});

describe("respondent export", () => {
  it("finds everything about an address across surveys: invitations, responses with notes, complaints", async () => {
    const res = await call("/api/respondents/export?email=ALICE@example.com", { headers: bearer(a.keys.admin) });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Export;
    expect(body.email).toBe("alice@example.com");
    expect(body.invitations.map((i) => i.surveySlug).sort()).toEqual(["privacy-acsi", "privacy-nps"]);
    expect(body.responses.map((r) => r.id).sort()).toEqual([ids.alice, ids.alice2].sort());
    const main = body.responses.find((r) => r.id === ids.alice)!;
    expect(main.answers.comment).toContain("555-1234");
    expect(main.ip).toMatch(/^10\.0\./);
    expect(main.notes.map((n) => n.body)).toEqual(["Alice phoned about the refund."]);
    expect(body.complaints).toHaveLength(1);
    expect(body.complaints[0]!.contact.email).toBe("alice@example.com");
    expect(body.complaints[0]!.timeline.length).toBeGreaterThan(0);
    // The audit log has the request, keyed by a hash of the address, never the address.
    const audit = await env.DB.prepare("select target_id, data from audit_log where action = 'respondent.exported' and organization_id = ?").bind(a.organizationId).first<{ target_id: string; data: string }>();
    expect(audit!.target_id).toMatch(/^[0-9a-f]{64}$/);
    expect(audit!.data).not.toContain("alice");
  });

  it("is for admins only, and another organisation finds nothing", async () => {
    expect((await call("/api/respondents/export?email=alice@example.com", { headers: bearer(a.keys.manager) })).status).toBe(403);
    expect((await call("/api/respondents?email=alice@example.com", { method: "DELETE", headers: bearer(a.keys.manager) })).status).toBe(403);
    const other = (await (await call("/api/respondents/export?email=alice@example.com", { headers: bearer(b.keys.admin) })).json()) as Export;
    expect(other.invitations).toEqual([]);
    expect(other.responses).toEqual([]);
    expect(other.complaints).toEqual([]);
    // And its delete changes nothing in organisation A.
    const erased = (await (await call("/api/respondents?email=alice@example.com", { method: "DELETE", headers: bearer(b.keys.admin) })).json()) as { responses: number };
    expect(erased.responses).toBe(0);
    expect(await env.DB.prepare("select count(*) as n from responses where id = ?").bind(ids.alice).first("n")).toBe(1);
    expect((await call("/api/respondents/export?email=not-an-email", { headers: bearer(a.keys.admin) })).status).toBe(400);
  });
});

describe("respondent deletion", () => {
  it("statistics equal the stored responses before any erasure (folded and pending alike)", async () => {
    await expectStatsMatchResponses(survey.id);
    await expectStatsMatchResponses(survey.id, { touchpoint: "store" });
  });

  it("deletes an address's data everywhere and subtracts it from the statistics exactly", async () => {
    const before = (await (await call(`/api/surveys/${survey.id}`, { headers: bearer(a.keys.viewer) })).json()) as { completedCount: number };
    // Alice's response on the first survey is folded already (compacted in beforeAll).
    expect((await pendingRows(survey.id)).map((r) => r.response_id)).not.toContain(ids.alice);

    const res = await call("/api/respondents?email=alice@example.com", { method: "DELETE", headers: bearer(a.keys.admin) });
    expect(res.status, await res.clone().text()).toBe(200);
    const summary = (await res.json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ mode: "delete", invitations: 2, responses: 2, completedResponses: 2, notes: 1, complaints: 1, skippedResponses: [] });

    // Gone from the list, the detail, the CSV and XLSX exports, the respondent export.
    const list = (await (await call(`/api/surveys/${survey.id}/responses`, { headers: bearer(a.keys.viewer) })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).not.toContain(ids.alice);
    expect((await call(`/api/surveys/${survey.id}/responses/${ids.alice}`, { headers: bearer(a.keys.viewer) })).status).toBe(404);
    const csv = await (await call(`/api/surveys/${survey.id}/responses/export.csv`, { headers: bearer(a.keys.manager) })).text();
    expect(csv).not.toContain(ids.alice);
    expect(csv).not.toContain("555-1234");
    const xlsx = new TextDecoder().decode(await (await call(`/api/surveys/${survey.id}/responses/export.xlsx`, { headers: bearer(a.keys.manager) })).arrayBuffer());
    expect(xlsx).not.toContain(ids.alice);
    const invitationsCsv = await (await call(`/api/surveys/${survey.id}/invitations/export.csv`, { headers: bearer(a.keys.manager) })).text();
    expect(readCsvRecords(invitationsCsv).map((r) => r.fields[1])).not.toContain("alice@example.com");
    const again = (await (await call("/api/respondents/export?email=alice@example.com", { headers: bearer(a.keys.admin) })).json()) as Export;
    expect([again.invitations, again.responses, again.complaints, again.emailsSent]).toEqual([[], [], [], []]);
    for (const table of ["complaints", "complaint_events", "response_notes"]) {
      const n = await env.DB.prepare(`select count(*) as n from ${table} where ${table === "response_notes" ? "response_id" : table === "complaints" ? "source_response_id" : "complaint_id"} in (select ? union select id from complaints where source_response_id = ?)`)
        .bind(ids.alice, ids.alice)
        .first<{ n: number }>();
      expect(n!.n, table).toBe(0);
    }

    // Statistics: a −1 log row per deleted completed response, and equal to the remaining responses
    // both before compaction (reader adds the pending −1) and after it.
    const pending = await pendingRows(survey.id);
    const negative = pending.find((p) => p.response_id === `${ids.alice}:del`)!;
    expect(JSON.parse(negative.row)).toMatchObject({ w: -1 });
    await expectStatsMatchResponses(survey.id);
    await expectStatsMatchResponses(survey.id, { touchpoint: "store" });
    await expectStatsMatchResponses(second.id);
    await compactSurveyStats(db(), survey.id);
    await compactSurveyStats(db(), second.id);
    expect(await pendingRows(survey.id)).toEqual([]);
    await expectStatsMatchResponses(survey.id);
    await expectStatsMatchResponses(survey.id, { touchpoint: "store" });
    await expectStatsMatchResponses(second.id);
    const secondBuckets = await env.DB.prepare("select sum(n) as n from survey_daily_stats where survey_id = ? and touchpoint = '*' and region = '*' and tier = '*'").bind(second.id).first<{ n: number }>();
    expect(secondBuckets!.n).toBe(0);
    const after = (await (await call(`/api/surveys/${survey.id}`, { headers: bearer(a.keys.viewer) })).json()) as { completedCount: number };
    expect(after.completedCount).toBe(before.completedCount - 1);
    // The indices read the same sufficient statistics.
    const indices = (await (await call(`/api/surveys/${survey.id}/indices`, { headers: bearer(a.keys.manager) })).json()) as { n: number };
    expect(indices.n).toBe(7);

    const audit = await env.DB.prepare("select target_id, data from audit_log where action = 'respondent.deleted' and organization_id = ?").bind(a.organizationId).first<{ target_id: string; data: string }>();
    expect(audit!.data).not.toContain("alice@");
  });

  it("subtracts exactly when the response's own statistics row is still pending (both fold in one compaction)", async () => {
    const { deleteResponses } = await import("../../src/db/queries/response-admin");
    // A completed response and its log row written directly: no queue message can compact it meanwhile.
    const source = ids.bob!;
    const copy = "rsp_pending_copy";
    await env.DB.batch([
      env.DB.prepare(
        `insert into responses (id, organization_id, survey_id, version, submission_id, language, hidden, answers, status, current_page, touchpoint, region, tier, anonymised, created_at, updated_at, completed_at)
         select ?, organization_id, survey_id, version, 'copy-submission', language, hidden, answers, status, current_page, touchpoint, region, tier, 0, created_at, updated_at, completed_at from responses where id = ?`,
      ).bind(copy, source),
      env.DB.prepare(
        `insert into survey_stats_pending (organization_id, survey_id, version, day, touchpoint, region, tier, response_id, row)
         select organization_id, survey_id, version, strftime('%Y-%m-%d', completed_at / 1000, 'unixepoch'), touchpoint, region, tier, ?, ?
         from responses where id = ?`,
      ).bind(copy, JSON.stringify(statsLogValues(await loadVersionDefinition(db(), survey.id, 1), JSON.parse((await env.DB.prepare("select answers from responses where id = ?").bind(source).first<{ answers: string }>())!.answers), {})), source),
    ]);
    await expectStatsMatchResponses(survey.id);
    const bucketsBefore = await env.DB.prepare("select day, touchpoint, region, tier, n, vector from survey_daily_stats where survey_id = ? order by 1, 2, 3, 4").bind(survey.id).all();
    const rows = await env.DB.prepare("select * from responses where id = ?").bind(copy).all();
    const [row] = await db().query.responses.findMany({ where: (r, { eq }) => eq(r.id, copy) });
    expect(rows.results).toHaveLength(1);
    const result = await deleteResponses(db(), a.organizationId, [row!]);
    expect(result).toMatchObject({ responses: 1, completed: 1, skipped: [] });
    expect((await pendingRows(survey.id)).map((p) => p.response_id)).toEqual([copy, `${copy}:del`]);
    await expectStatsMatchResponses(survey.id);
    await compactSurveyStats(db(), survey.id);
    await expectStatsMatchResponses(survey.id);
    const bucketsAfter = await env.DB.prepare("select day, touchpoint, region, tier, n, vector from survey_daily_stats where survey_id = ? order by 1, 2, 3, 4").bind(survey.id).all();
    expect(bucketsAfter.results).toEqual(bucketsBefore.results);
  });

  it("is idempotent: a second request finds nothing and subtracts nothing", async () => {
    const res = await call("/api/respondents?email=alice@example.com&mode=delete", { method: "DELETE", headers: bearer(a.keys.admin) });
    expect(await res.json()).toMatchObject({ invitations: 0, responses: 0, completedResponses: 0 });
    await expectStatsMatchResponses(survey.id);
  });
});

describe("respondent anonymisation", () => {
  it("keeps the numbers but removes e-mail, link, IP, free text, non-segment hidden fields and notes", async () => {
    const res = await call("/api/respondents?email=bob@example.com&mode=anonymise", { method: "DELETE", headers: bearer(a.keys.admin) });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ mode: "anonymise", invitations: 1, responses: 1, completedResponses: 1, notes: 1 });
    const row = await env.DB.prepare("select * from responses where id = ?").bind(ids.bob).first<Record<string, unknown>>();
    expect(row).toMatchObject({ respondent_email: null, invitation_id: null, ip: null, anonymised: 1, status: "completed", touchpoint: "web" });
    const answers = JSON.parse(row!.answers as string) as Record<string, unknown>;
    expect(answers.comment).toBeUndefined();
    expect(answers.nps).toBe(8);
    expect(JSON.parse(row!.hidden as string)).toEqual({ touchpoint: "web", region: "west", tier: "silver" });
    // Still listed (for statistics), no longer findable by the address.
    const list = (await (await call(`/api/surveys/${survey.id}/responses?hidden.touchpoint=web`, { headers: bearer(a.keys.viewer) })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(ids.bob);
    const again = (await (await call("/api/respondents/export?email=bob@example.com", { headers: bearer(a.keys.admin) })).json()) as Export;
    expect([again.invitations, again.responses]).toEqual([[], []]);
    expect(await env.DB.prepare("select count(*) as n from response_notes where response_id = ?").bind(ids.bob).first("n")).toBe(0);
    // The numbers are unchanged, so no log rows were needed and statistics still match.
    expect((await pendingRows(survey.id)).filter((p) => p.response_id.startsWith(ids.bob!))).toEqual([]);
    await expectStatsMatchResponses(survey.id);
    await expectStatsMatchResponses(survey.id, { touchpoint: "web" });
  });

  it("corrects the statistics when removing a text answer changes which numeric items were shown", async () => {
    const definition = {
      formatVersion: 1,
      languages: ["en"],
      defaultLanguage: "en",
      title: { en: "Conditional" },
      pages: [
        {
          id: "p1",
          items: [
            { id: "code", type: "text", label: { en: "Your code" } },
            { id: "vip_score", type: "rating", min: 1, max: 5, label: { en: "VIP service" }, showIf: { itemId: "code", op: "equals", value: "vip" } },
            { id: "overall", type: "rating", min: 1, max: 5, label: { en: "Overall" } },
          ],
        },
      ],
    };
    const created = await call("/api/surveys", json("POST", { slug: "privacy-cond", definition }, bearer(a.keys.admin)));
    const cond = (await created.json()) as { id: string };
    await call(`/api/surveys/${cond.id}/publish`, { method: "POST", headers: bearer(a.keys.admin) });
    const tokens = await importLinks(a.keys.manager, cond.id, "email\ndave@example.com\n");
    await complete("privacy-cond", { code: "vip", vip_score: 5, overall: 4 }, { token: tokens["dave@example.com"] });
    await complete("privacy-cond", { code: "vip", vip_score: 3, overall: 2 });
    await compactSurveyStats(db(), cond.id);
    await expectStatsMatchResponses(cond.id);
    const res = await call("/api/respondents?email=dave@example.com&mode=anonymise", { method: "DELETE", headers: bearer(a.keys.admin) });
    expect(res.status).toBe(200);
    const log = (await pendingRows(cond.id)).map((p) => [p.response_id.split(":")[1], JSON.parse(p.row)]);
    expect(log).toEqual([
      ["anon-", { w: -1, v: [5, 4] }],
      ["anon+", [null, 4]],
    ]);
    await expectStatsMatchResponses(cond.id);
    await compactSurveyStats(db(), cond.id);
    await expectStatsMatchResponses(cond.id);
  });
});

describe("anonymous surveys", () => {
  it("store no contact link: invitation responses carry neither e-mail nor invitation, so privacy requests find only the invitation", async () => {
    const anon = await createPublishedSurvey(a.keys.admin, "privacy-anon", { anonymous: true, accessMode: "invitation" });
    const tokens = await importLinks(a.keys.manager, anon.id, "email,region\nerin@example.com,north\n");
    const id = await complete(anon.slug, acsiAnswers(), { token: tokens["erin@example.com"] });
    const row = await env.DB.prepare("select respondent_email, invitation_id, ip, hidden from responses where id = ?").bind(id).first<Record<string, string | null>>();
    expect(row).toMatchObject({ respondent_email: null, invitation_id: null, ip: null });
    expect(JSON.parse(row!.hidden!)).toEqual({ region: "north" });
    const found = (await (await call("/api/respondents/export?email=erin@example.com", { headers: bearer(a.keys.admin) })).json()) as Export;
    expect(found.invitations).toHaveLength(1);
    expect(found.responses).toEqual([]);
  });
});

describe("retention purge", () => {
  let kept: { id: string; slug: string };
  let retained: { id: string; slug: string };

  beforeAll(async () => {
    retained = await createPublishedSurvey(a.keys.admin, "privacy-retained", { retentionDays: 30, accessMode: "both", storeIp: true });
    kept = await createPublishedSurvey(a.keys.admin, "privacy-kept");
    const tokens = await importLinks(a.keys.manager, retained.id, "email,touchpoint,region\nfrank@example.com,store,east\ngina@example.com,web,east\n");
    ids.frank = await complete(retained.slug, acsiAnswers({ comment: "Frank, order 4711" }), { token: tokens["frank@example.com"], hidden: {} });
    await complete(retained.slug, acsiAnswers({ nps: 4, comment: "meh" }), { hidden: { touchpoint: "web" } });
    const partial = await submit(retained.slug, { submissionId: newSubmissionId(), token: tokens["gina@example.com"], answers: { ce_overall: 6 }, complete: false });
    ids.gina = ((await partial.json()) as { id: string }).id;
    await call(`/api/surveys/${retained.id}/responses/${ids.frank}/notes`, json("POST", { body: "Frank called." }, bearer(a.keys.staff)));
    await complete(kept.slug, acsiAnswers({ comment: "keep me" }));
    await compactSurveyStats(db(), retained.id);
  });

  it("changes nothing before the retention period is over", async () => {
    const report = await purgeExpiredResponses(db(), new Date(Date.now() + 10 * 86_400_000), { surveyId: retained.id });
    expect(report).toMatchObject([{ surveyId: retained.id, anonymised: 0, deleted: 0, invitations: 0 }]);
    expect(await env.DB.prepare("select count(*) as n from responses where survey_id = ? and anonymised = 0").bind(retained.id).first("n")).toBe(3);
  });

  it("after it, anonymises completed responses (numbers kept), deletes partial ones and old invitations — from the daily cron", async () => {
    const now = Date.now() + 31 * 86_400_000;
    await runScheduled({ cron: "17 3 * * *", scheduledTime: now }, env);
    const rows = await env.DB.prepare("select id, status, anonymised, respondent_email, ip, answers from responses where survey_id = ? order by id").bind(retained.id).all<Record<string, string | number | null>>();
    expect(rows.results.map((r) => [r.status, r.anonymised, r.respondent_email, r.ip])).toEqual([
      ["completed", 1, null, null],
      ["completed", 1, null, null],
    ]);
    for (const r of rows.results) expect(JSON.parse(r.answers as string).comment).toBeUndefined();
    expect(rows.results.map((r) => r.id)).not.toContain(ids.gina);
    expect(await env.DB.prepare("select count(*) as n from survey_invitations where survey_id = ?").bind(retained.id).first("n")).toBe(0);
    expect(await env.DB.prepare("select count(*) as n from response_notes where response_id = ?").bind(ids.frank).first("n")).toBe(0);
    // A survey without a retention period keeps everything.
    const keptRow = await env.DB.prepare("select anonymised, answers from responses where survey_id = ?").bind(kept.id).first<{ anonymised: number; answers: string }>();
    expect(keptRow!.anonymised).toBe(0);
    expect(JSON.parse(keptRow!.answers).comment).toBe("keep me");
    // Statistics keep the anonymised responses and still equal the stored rows.
    await expectStatsMatchResponses(retained.id);
    const audit = await env.DB.prepare("select actor_kind, actor_id, data from audit_log where action = 'retention.purged' and target_id = ?").bind(retained.id).first<{ actor_kind: string; actor_id: string; data: string }>();
    expect(audit).toMatchObject({ actor_kind: "system", actor_id: "retention" });
    expect(JSON.parse(audit!.data)).toMatchObject({ anonymised: 2, deleted: 1, invitations: 2 });
    // Running again does nothing more.
    const again = await purgeExpiredResponses(db(), new Date(now + 86_400_000), { surveyId: retained.id });
    expect(again).toMatchObject([{ anonymised: 0, deleted: 0, invitations: 0 }]);
  });

  it("a cron run that is not the daily one does not purge", async () => {
    const later = await createPublishedSurvey(a.keys.admin, "privacy-retained-2", { retentionDays: 1 });
    await complete(later.slug, acsiAnswers({ comment: "x" }));
    await runScheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() + 5 * 86_400_000 }, env);
    expect(await env.DB.prepare("select anonymised from responses where survey_id = ?").bind(later.id).first("anonymised")).toBe(0);
  });
});
