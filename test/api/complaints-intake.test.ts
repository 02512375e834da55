import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import { handlingSurveyLink } from "../../src/db/queries/complaints-handling";
import { saveSubmission } from "../../src/db/queries/responses";
import { findSurveyBySlug, loadVersionDefinition } from "../../src/db/queries/surveys";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  org = await createTestOrg("intake-a");
  survey = await createPublishedSurvey(org.keys.admin, "intake-acsi");
});

/** A completed response stored directly (no queue message), so each test drives the consumer itself. */
async function storeResponse(answers: Record<string, unknown>, options: { hidden?: Record<string, string>; email?: string | null } = {}): Promise<string> {
  const row = (await findSurveyBySlug(db(), survey.slug))!;
  const definition = await loadVersionDefinition(db(), row.id, row.publishedVersion!);
  const outcome = await saveSubmission(db(), {
    survey: row,
    definition,
    version: row.publishedVersion!,
    submissionId: newSubmissionId(),
    invitation: null,
    answers: answers as never,
    hidden: options.hidden ?? { touchpoint: "store", region: "east", tier: "gold" },
    language: "en",
    complete: true,
    currentPage: 0,
    resumeHash: null,
    respondentEmail: options.email ?? null,
    ip: null,
    existing: null,
    now: new Date(),
  });
  return outcome.id;
}

let messageCounter = 0;
function batchOf(...bodies: FeedloopEvent[]) {
  return createMessageBatch<FeedloopEvent>(
    "feedloop-events",
    bodies.map((body) => ({ id: `msg-${++messageCounter}`, timestamp: new Date(), attempts: 1, body })),
  );
}

async function deliver(bodies: FeedloopEvent[], bindings: AppBindings = env as unknown as AppBindings) {
  const batch = batchOf(...bodies);
  const ctx = createExecutionContext();
  await consumeEvents(batch, bindings);
  return getQueueResult(batch, ctx);
}

async function complaintsFor(responseId: string) {
  const rows = await env.DB.prepare("select * from complaints where source_response_id = ?").bind(responseId).all<Record<string, unknown>>();
  return rows.results;
}

/**
 * env whose D1 write batch (the intake batch: five statements or more; reads use fewer) fails once —
 * before or after it commits — to simulate a crash mid-message.
 */
function flakyEnv(mode: "before-commit" | "after-commit"): AppBindings {
  let failed = false;
  const real = env.DB;
  const DB = new Proxy(real, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (failed || statements.length < 5) return target.batch(statements);
          failed = true;
          if (mode === "after-commit") await target.batch(statements);
          throw new Error(`simulated crash ${mode}`);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...(env as unknown as AppBindings), DB };
}

describe("survey responses become complaints through the queue", () => {
  it("turns a low-score response into exactly one complaint, however often the message is delivered", async () => {
    const responseId = await storeResponse(acsiAnswers({ sat_level: 1, nps: 2, complained: true, complaint_detail: "The courier threw the parcel over the fence." }), { email: "wang@example.com" });
    const first = await deliver([{ type: "response.completed", responseId }]);
    expect(first.explicitAcks).toHaveLength(1);
    // Redelivery: the same message again, and twice more concurrently.
    await deliver([{ type: "response.completed", responseId }]);
    await Promise.all([deliver([{ type: "response.completed", responseId }]), deliver([{ type: "response.completed", responseId }])]);
    const rows = await complaintsFor(responseId);
    expect(rows).toHaveLength(1);
    const complaint = rows[0]!;
    // The domain's default rules: the most severe match wins (very dissatisfied → high/high).
    expect(complaint).toMatchObject({ priority: "high", severity: 3 });
    expect(complaint).toMatchObject({ source: "survey_trigger", state: "received", contact_email: "wang@example.com", touchpoint: "store", region: "east", tier: "gold", language: "en" });
    expect(String(complaint.reference)).toMatch(/^FL-\d{4}-\d{6}$/);
    for (const reason of ["Said they complained", "Low satisfaction (1/5)", "NPS detractor (2/10)"]) expect(String(complaint.subject)).toContain(reason);
    expect(String(complaint.description)).toContain("The courier threw the parcel over the fence.");
    const evaluated = await env.DB.prepare("select triggers_evaluated_at from responses where id = ?").bind(responseId).first<{ triggers_evaluated_at: number | null }>();
    expect(evaluated!.triggers_evaluated_at).not.toBeNull();
    const received = await env.DB.prepare("select data from complaint_events where complaint_id = ? and type = 'received'").bind(complaint.id).all<{ data: string }>();
    expect(received.results).toHaveLength(1);
    expect(JSON.parse(received.results[0]!.data).triggerRuleIds).toEqual(["default_complained", "default_very_dissatisfied", "default_dissatisfied", "default_nps_detractor"]);
    const acks = await env.DB.prepare("select count(*) as n from outbox where complaint_id = ? and event_type = 'complaint.acknowledgement'").bind(complaint.id).first<{ n: number }>();
    expect(acks!.n).toBe(1);
    // The staff API shows the response that raised it as customer context.
    const detail = (await (await call(`/api/complaints/${complaint.id}`, { headers: bearer(org.keys.staff) })).json()) as { customerContext: { sourceResponse: { id: string; answers: Record<string, unknown> } } };
    expect(detail.customerContext.sourceResponse.id).toBe(responseId);
    expect(detail.customerContext.sourceResponse.answers.nps).toBe(2);
  });

  it("retries a consumer that crashes before committing, then records one complaint", async () => {
    const responseId = await storeResponse(acsiAnswers({ sat_level: 2 }));
    const flaky = flakyEnv("before-commit");
    const first = await deliver([{ type: "response.completed", responseId }], flaky);
    expect(first.retryMessages).toHaveLength(1);
    expect(await complaintsFor(responseId)).toHaveLength(0);
    const second = await deliver([{ type: "response.completed", responseId }], flaky);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await complaintsFor(responseId)).toHaveLength(1);
  });

  it("retries a consumer that crashes after committing (lost ack) without a second complaint", async () => {
    const responseId = await storeResponse(acsiAnswers({ nps: 0 }));
    const flaky = flakyEnv("after-commit");
    const first = await deliver([{ type: "response.completed", responseId }], flaky);
    expect(first.retryMessages).toHaveLength(1);
    expect(await complaintsFor(responseId)).toHaveLength(1);
    const second = await deliver([{ type: "response.completed", responseId }], flaky);
    expect(second.explicitAcks).toHaveLength(1);
    const rows = await complaintsFor(responseId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ priority: "normal", severity: 1 });
    const sequence = await env.DB.prepare("select complaint_sequence from organization_settings where organization_id = ?").bind(org.organizationId).first<{ complaint_sequence: number }>();
    const references = await env.DB.prepare("select count(*) as n from complaints where organization_id = ?").bind(org.organizationId).first<{ n: number }>();
    // No reference number was burnt by the redelivery.
    expect(sequence!.complaint_sequence).toBe(references!.n);
  });

  it("creates nothing for a satisfied customer but still marks the response evaluated", async () => {
    const responseId = await storeResponse(acsiAnswers());
    await deliver([{ type: "response.completed", responseId }]);
    expect(await complaintsFor(responseId)).toHaveLength(0);
    const evaluated = await env.DB.prepare("select triggers_evaluated_at from responses where id = ?").bind(responseId).first<{ triggers_evaluated_at: number | null }>();
    expect(evaluated!.triggers_evaluated_at).not.toBeNull();
  });

  it("uses the survey's own trigger rules (answers and hidden fields) instead of the defaults", async () => {
    const rules = [
      {
        id: "platinum-unhappy",
        when: { kind: "conditions", match: "all", conditions: [{ field: "hidden.tier", op: "equals", value: "platinum" }, { field: "answers.sat_overall", op: "lte", value: 6 }] },
        defaults: { priority: "high", category: "service_attitude", severity: "high" },
      },
    ];
    await env.DB.prepare("update surveys set complaint_triggers = ? where id = ?").bind(JSON.stringify(rules), survey.id).run();
    try {
      const ignored = await storeResponse(acsiAnswers({ sat_level: 1 }), { hidden: { tier: "gold" } });
      const matched = await storeResponse(acsiAnswers({ sat_overall: 5 }), { hidden: { tier: "platinum", touchpoint: "web" } });
      await deliver([{ type: "response.completed", responseId: ignored }, { type: "response.completed", responseId: matched }]);
      expect(await complaintsFor(ignored)).toHaveLength(0);
      const [complaint] = await complaintsFor(matched);
      expect(complaint).toMatchObject({ priority: "high", category: "service_attitude", severity: 3, touchpoint: "web", tier: "platinum" });
      expect(JSON.parse(String(complaint!.segment))).toMatchObject({ tier: "platinum", touchpoint: "web" });
    } finally {
      await env.DB.prepare("update surveys set complaint_triggers = null where id = ?").bind(survey.id).run();
    }
  });

  it("enqueues the response.completed webhook once per endpoint, however often the message arrives", async () => {
    const hook = await call("/api/webhooks", json("POST", { url: "http://127.0.0.1:9/responses", events: ["response.completed"] }, bearer(org.keys.admin)));
    const endpoint = (await hook.json()) as { id: string };
    const responseId = await storeResponse(acsiAnswers());
    await deliver([{ type: "response.completed", responseId }]);
    await deliver([{ type: "response.completed", responseId }]);
    const rows = await env.DB.prepare("select payload from outbox where endpoint_id = ? and event_type = 'response.completed'").bind(endpoint.id).all<{ payload: string }>();
    const forResponse = rows.results.filter((r) => JSON.parse(r.payload).data.id === responseId);
    expect(forResponse).toHaveLength(1);
    expect(JSON.parse(forResponse[0]!.payload)).toMatchObject({ type: "response.completed", data: { surveyId: survey.id, hidden: { touchpoint: "store" } } });
    await call(`/api/webhooks/${endpoint.id}`, { method: "DELETE", headers: bearer(org.keys.admin) });
  });

  it("end to end: a low score submitted through the public API reaches the desk through the real queue", async () => {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ sat_level: 1 }), complete: true, hidden: { touchpoint: "web" } });
    expect(res.status).toBe(201);
    const { id: responseId } = (await res.json()) as { id: string };
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 150 && rows.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await complaintsFor(responseId);
    }
    expect(rows).toHaveLength(1);
    const list = (await (await call("/api/complaints?source=survey_trigger&pageSize=100", { headers: bearer(org.keys.staff) })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(rows[0]!.id);
  }, 30_000);
});

describe("the satisfaction-with-handling survey closes the loop", () => {
  it("attaches the handling survey result to the complaint (hidden field case_id)", async () => {
    const created = await call("/api/complaints", json("POST", { subject: "Rude driver", description: "The driver shouted at me.", contact: { email: "zhao@example.com" } }, bearer(org.keys.staff)));
    const complaint = (await created.json()) as { id: string };
    for (const step of [
      { to: "acknowledged" },
      { to: "assessed", priority: "normal", category: "service_attitude" },
      { to: "responded", publicReply: "We are sorry; the driver has been coached.", proposedRemedy: "Apology and a 50 CNY voucher" },
      { to: "closed", resolution: { outcome: "accepted" } },
    ]) {
      const res = await call(`/api/complaints/${complaint.id}/transitions`, json("POST", step, bearer(org.keys.staff)));
      expect(res.status, await res.clone().text()).toBe(200);
    }
    // The stored URL holds no token (issue 12, finding 3); the customer's link is derived as the status page does.
    const row = await env.DB.prepare("select handling_survey_url, handling_invitation_id from complaints where id = ?").bind(complaint.id).first<{ handling_survey_url: string; handling_invitation_id: string }>();
    expect(row!.handling_survey_url).not.toMatch(/[?&]t=/);
    const url = new URL((await handlingSurveyLink(env as unknown as AppBindings, { handlingSurveyUrl: row!.handling_survey_url, handlingInvitationId: row!.handling_invitation_id }))!);
    const slug = url.pathname.split("/").pop()!;
    const token = url.searchParams.get("t")!;
    const submitted = await submit(slug, { submissionId: newSubmissionId(), token, answers: { csat: 4, ces: 6, resolved: true, comment: "Quick and fair." }, complete: true });
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const { id: responseId } = (await submitted.json()) as { id: string };
    await deliver([{ type: "response.completed", responseId }]);
    const result = await env.DB.prepare("select handling_response_id, handling_csat, handling_ces, handling_resolved from complaints where id = ?").bind(complaint.id).first();
    expect(result).toEqual({ handling_response_id: responseId, handling_csat: 4, handling_ces: 6, handling_resolved: 1 });
    const note = await env.DB.prepare("select data from complaint_events where complaint_id = ? and actor_id = 'handling-survey' order by at desc limit 1").bind(complaint.id).first<{ data: string }>();
    expect(JSON.parse(note!.data).text).toMatch(/CSAT 4\/5, CES 6\/7, resolved: yes/);
    // The single-use link is spent: a second answer with it is refused.
    const again = await submit(slug, { submissionId: newSubmissionId(), token, answers: { csat: 1, ces: 1, resolved: false }, complete: true });
    expect(again.status).toBe(409);
    const analytics = (await (await call("/api/complaints/analytics", { headers: bearer(org.keys.staff) })).json()) as { handlingSatisfaction: { csat: { n: number; mean: number }; recovery: { rate: number } } };
    expect(analytics.handlingSatisfaction.csat).toMatchObject({ n: 1, mean: 4 });
    expect(analytics.handlingSatisfaction.recovery.rate).toBe(1);
  });
});
