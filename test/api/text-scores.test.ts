/**
 * Text scores at write time (issue 14): a new response's open answer and a new complaint's
 * description are scored exactly once however often their messages arrive, the open-answers view
 * and the suggestion read the stored scores, and erasure removes the texts from every derived table.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey } from "./fixtures";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import { saveSubmission } from "../../src/db/queries/responses";
import { findSurveyBySlug, loadVersionDefinition } from "../../src/db/queries/surveys";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  org = await createTestOrg("text-a");
  survey = await createPublishedSurvey(org.keys.admin, "text-acsi");
});

let counter = 0;
async function deliver(...bodies: FeedloopEvent[]) {
  const batch = createMessageBatch<FeedloopEvent>("feedloop-events", bodies.map((body) => ({ id: `text-${++counter}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await consumeEvents(batch, env as unknown as AppBindings);
  return getQueueResult(batch, ctx);
}

async function storeResponse(comment: string, email: string | null): Promise<string> {
  const row = (await findSurveyBySlug(db(), survey.slug))!;
  const definition = await loadVersionDefinition(db(), row.id, row.publishedVersion!);
  const outcome = await saveSubmission(db(), {
    survey: row,
    definition,
    version: row.publishedVersion!,
    submissionId: crypto.randomUUID(),
    invitation: null,
    answers: { ...acsiAnswers(), comment } as never,
    hidden: { touchpoint: "store", region: "east", tier: "gold" },
    language: "zh-CN",
    complete: true,
    currentPage: 0,
    resumeHash: null,
    respondentEmail: email,
    ip: null,
    existing: null,
    now: new Date(),
    answersNeedFollowUp: true,
  });
  return outcome.id;
}

const scoresOf = async (sourceId: string) =>
  (await env.DB.prepare("select * from text_scores where source_id = ?").bind(sourceId).all<{ score_count: number; sentiment: string; topics: string; model_version: string }>()).results;

describe("scored exactly once", () => {
  it("scores a response's open answer once, whatever the redeliveries", async () => {
    const id = await storeResponse("送货很快，安装师傅也很专业，非常满意。", null);
    const first = await deliver({ type: "response.completed", responseId: id }, { type: "response.completed", responseId: id });
    expect(first.explicitAcks.length).toBe(2);
    await deliver({ type: "response.completed", responseId: id });
    const rows = await scoresOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.score_count).toBe(1);
    expect(rows[0]!.sentiment).toBe("positive");
    expect(JSON.parse(rows[0]!.topics)).toContain("delivery");

    const view = await call(`/api/surveys/${survey.id}/open-answers`, { headers: bearer(org.keys.manager) });
    expect(view.status).toBe(200);
    const body = (await view.json()) as { comments: number; topics: { topic: string; volume: number }[] };
    expect(body.comments).toBe(1);
    expect(body.topics.find((topic) => topic.topic === "delivery")?.volume).toBe(1);
  });

  it("scores a new complaint once and suggests its category; staff accept it once", async () => {
    const created = await call("/api/complaints", json("POST", { subject: "Parcel", description: "The courier left my parcel in the rain and the delivery was two days late.", contact: { email: "rain@example.com" } }, bearer(org.keys.staff)));
    expect(created.status).toBe(201);
    const complaint = (await created.json()) as { id: string };
    const pending = await call(`/api/complaints/${complaint.id}/suggestion`, { headers: bearer(org.keys.staff) });
    expect(((await pending.json()) as { status: string }).status).toBe("pending");

    const message: FeedloopEvent = { type: "text.score", sourceKind: "complaint", sourceId: complaint.id };
    await deliver(message, message);
    await deliver(message);
    const rows = await scoresOf(complaint.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.score_count).toBe(1);

    const ready = (await (await call(`/api/complaints/${complaint.id}/suggestion`, { headers: bearer(org.keys.staff) })).json()) as { status: string; suggestedCategory: string; urgency: string };
    expect(ready.status).toBe("ready");
    expect(ready.suggestedCategory).toBe("delivery");

    const decided = await call(`/api/complaints/${complaint.id}/suggestion`, json("POST", { category: "delivery" }, bearer(org.keys.staff)));
    expect(decided.status).toBe(200);
    expect(((await decided.json()) as { decision: string }).decision).toBe("accepted");
    const again = await call(`/api/complaints/${complaint.id}/suggestion`, json("POST", { category: "billing" }, bearer(org.keys.staff)));
    expect(((await again.json()) as { decision: string }).decision).toBe("accepted");
    const model = await env.DB.prepare("select version, model from text_organisation_models where organization_id = ?").bind(org.organizationId).first<{ version: number; model: string }>();
    expect(model!.version).toBe(1);
    expect(JSON.parse(model!.model).examples).toBe(1);
    const category = await env.DB.prepare("select category from complaints where id = ?").bind(complaint.id).first<{ category: string }>();
    expect(category!.category).toBe("delivery");
  });

  it("learns once from each category change made through the ordinary classification form", async () => {
    const staff = bearer(org.keys.staff);
    const created = (await (await call("/api/complaints", json("POST", { subject: "账单", description: "上个月的账单多扣了两百元，发票金额也不对。", contact: { email: "bill@example.com" } }, staff))).json()) as { id: string };
    await deliver({ type: "text.score", sourceKind: "complaint", sourceId: created.id });
    const lessons = async () => {
      const row = await env.DB.prepare("select version, model from text_organisation_models where organization_id = ?").bind(org.organizationId).first<{ version: number; model: string }>();
      return row ? { version: row.version, examples: JSON.parse(row.model).examples as number } : { version: 0, examples: 0 };
    };
    const before = await lessons();
    const classify = (category: string) => call(`/api/complaints/${created.id}/classification`, json("POST", { category }, staff));

    expect((await classify("billing")).status).toBe(200);
    expect(await lessons()).toEqual({ version: before.version + 1, examples: before.examples + 1 });
    // The open suggestion counts as decided by the form.
    const suggestion = await env.DB.prepare("select decision, decided_category from complaint_suggestions where complaint_id = ?").bind(created.id).first<{ decision: string; decided_category: string }>();
    expect(suggestion!.decided_category).toBe("billing");
    expect(suggestion!.decision).not.toBeNull();
    // The same request again changes nothing and teaches nothing; another change teaches once more.
    expect((await classify("billing")).status).toBe(200);
    expect((await lessons()).examples).toBe(before.examples + 1);
    expect((await classify("product_quality")).status).toBe(200);
    expect((await lessons()).examples).toBe(before.examples + 2);
    // A change of priority only is no lesson about categories.
    expect((await call(`/api/complaints/${created.id}/classification`, json("POST", { priority: "high" }, staff))).status).toBe(200);
    expect((await lessons()).examples).toBe(before.examples + 2);
  });

  it("answers an unknown category with problem+json 422", async () => {
    const res = await call(`/api/complaints/none/suggestion`, json("POST", { category: "Not A Slug" }, bearer(org.keys.staff)));
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("erasure", () => {
  it("removes a respondent's texts and scores from every derived table", async () => {
    const email = "erase.me@example.com";
    const responseId = await storeResponse("价格太贵了，客服态度也不好。", email);
    await deliver({ type: "response.completed", responseId });
    const created = await call("/api/complaints", json("POST", { subject: "Bill", description: "I was charged twice for one order.", contact: { email } }, bearer(org.keys.staff)));
    const complaint = (await created.json()) as { id: string };
    await deliver({ type: "text.score", sourceKind: "complaint", sourceId: complaint.id });
    expect(await scoresOf(responseId)).toHaveLength(1);
    expect(await scoresOf(complaint.id)).toHaveLength(1);

    const erased = await call(`/api/respondents?email=${encodeURIComponent(email)}`, { method: "DELETE", headers: bearer(org.keys.admin) });
    expect(erased.status).toBe(200);
    expect(await scoresOf(responseId)).toHaveLength(0);
    expect(await scoresOf(complaint.id)).toHaveLength(0);
    const suggestions = await env.DB.prepare("select count(*) as n from complaint_suggestions where complaint_id = ?").bind(complaint.id).first<{ n: number }>();
    expect(suggestions!.n).toBe(0);
    const texts = await env.DB.prepare("select count(*) as n from text_scores where text like '%charged twice%' or text like '%价格太贵了%'").first<{ n: number }>();
    expect(texts!.n).toBe(0);
  });

  it("finds open answers by full-text search (FTS5, also Chinese and short queries) and erasure takes them out of the index", async () => {
    const email = "search.me@example.com";
    const responseId = await storeResponse("包装破损严重，Courier left the parcel in the rain.", email);
    await deliver({ type: "response.completed", responseId });
    const search = async (q: string) => {
      const res = await call(`/api/surveys/${survey.id}/open-answers/comments?q=${encodeURIComponent(q)}`, { headers: bearer(org.keys.manager) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { comments: { responseId: string | null; text: string }[] }).comments.map((c) => c.responseId);
    };
    expect(await search("包装破损")).toEqual([responseId]);
    expect(await search("COURIER LEFT")).toEqual([responseId]);
    expect(await search("破损")).toEqual([responseId]); // two characters: below a trigram
    expect(await search("parcel in the snow")).toEqual([]);
    const indexed = () => env.DB.prepare(`select count(*) as n from text_scores_fts where text_scores_fts match '"包装破损"'`).first<{ n: number }>();
    expect((await indexed())!.n).toBe(1);

    const erased = await call(`/api/respondents?email=${encodeURIComponent(email)}`, { method: "DELETE", headers: bearer(org.keys.admin) });
    expect(erased.status).toBe(200);
    expect(await search("包装破损")).toEqual([]);
    expect((await indexed())!.n).toBe(0);
  });

  it("anonymising removes the stored texts too", async () => {
    const email = "anon.me@example.com";
    const responseId = await storeResponse("快递晚到了三天。", email);
    await deliver({ type: "response.completed", responseId });
    expect(await scoresOf(responseId)).toHaveLength(1);
    const erased = await call(`/api/respondents?email=${encodeURIComponent(email)}&mode=anonymise`, { method: "DELETE", headers: bearer(org.keys.admin) });
    expect(erased.status).toBe(200);
    expect(await scoresOf(responseId)).toHaveLength(0);
  });
});

describe("routing on the suggestion", () => {
  it("routes an unclassified complaint again as soon as its suggestion is stored — once under redelivery — and leaves a person's choice alone", async () => {
    const admin = bearer(org.keys.admin);
    const team = async (name: string, memberId: string) => (await (await call("/api/complaint-teams", json("POST", { name, memberIds: [memberId] }, admin))).json()) as { id: string };
    const care = await team("Care", org.userIds.staff);
    const logistics = await team("Logistics", org.userIds.manager);
    const rule = { id: "suggested_delivery", conditions: [{ field: "category", op: "answered", value: false }, { field: "suggestedCategory", op: "equals", value: "delivery" }], teamId: logistics.id };
    const routing = await call("/api/complaint-config/routing", json("PUT", { rules: [rule], defaultTeamId: care.id }, admin));
    expect(routing.status, await routing.clone().text()).toBe(200);

    const create = async (email: string) =>
      (await (await call("/api/complaints", json("POST", { subject: "包裹", description: "快递三天都没有送到，物流信息也不更新。", contact: { email } }, bearer(org.keys.staff)))).json()) as { id: string; teamId: string | null };
    const routed = await create("route@example.com");
    const chosen = await create("chosen@example.com");
    // At intake the texts are not scored yet: the default team.
    expect(routed.teamId).toBe(care.id);
    expect(chosen.teamId).toBe(care.id);
    // A person assigns the second one before its text is scored: their choice stands.
    const manual = await call(`/api/complaints/${chosen.id}/assignment`, json("POST", { teamId: care.id, assigneeId: org.userIds.admin }, bearer(org.keys.manager)));
    expect(manual.status, await manual.clone().text()).toBe(200);

    const score = (id: string): FeedloopEvent => ({ type: "text.score", sourceKind: "complaint", sourceId: id });
    await deliver(score(routed.id), score(routed.id), score(chosen.id));
    await deliver(score(routed.id), score(chosen.id));

    const complaintRow = (id: string) => env.DB.prepare("select team_id, assignee_id, category from complaints where id = ?").bind(id).first<{ team_id: string; assignee_id: string | null; category: string | null }>();
    expect(await complaintRow(routed.id)).toEqual({ team_id: logistics.id, assignee_id: org.userIds.manager, category: null });
    expect(await complaintRow(chosen.id)).toEqual({ team_id: care.id, assignee_id: org.userIds.admin, category: null });
    const assignments = await env.DB.prepare("select actor_id, data from complaint_events where complaint_id = ? and type = 'assigned' order by at, id").bind(routed.id).all<{ actor_id: string; data: string }>();
    expect(assignments.results.map((event) => [event.actor_id, JSON.parse(event.data).teamId, JSON.parse(event.data).ruleId ?? null])).toEqual([
      ["routing", care.id, null],
      ["routing", logistics.id, "suggested_delivery"],
    ]);
    const notices = await env.DB.prepare("select count(*) as n from outbox where complaint_id = ? and event_type = 'complaint.assigned'").bind(routed.id).first<{ n: number }>();
    expect(notices!.n).toBe(2);

    // Routing by hand later sees the same suggestion and keeps the team.
    const auto = await call(`/api/complaints/${routed.id}/assignment`, json("POST", { auto: true }, bearer(org.keys.manager)));
    expect(auto.status, await auto.clone().text()).toBe(200);
    expect(((await auto.json()) as { complaint: { teamId: string } }).complaint.teamId).toBe(logistics.id);
  });
});
