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
async function storeResponse(answers: Record<string, unknown>, options: { hidden?: Record<string, string>; email?: string | null; slug?: string } = {}): Promise<string> {
  const row = (await findSurveyBySlug(db(), options.slug ?? survey.slug))!;
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

/** The SQL of a prepared statement (workerd's D1PreparedStatement keeps it in `statement`). */
const sqlOf = (statement: D1PreparedStatement) => String((statement as unknown as { statement?: string }).statement ?? "");

/**
 * env whose D1 write batches (any statement not a SELECT) fail the first `times` times — before or
 * after they commit — to simulate a crash mid-message. The consumer handles a batch's completions
 * as one set and, if that fails, each message alone: times = 2 fails both, so the message retries.
 */
function flakyEnv(mode: "before-commit" | "after-commit", times: number): AppBindings {
  let failures = 0;
  const real = env.DB;
  const DB = new Proxy(real, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const writes = statements.some((statement) => !/^\s*select/i.test(sqlOf(statement)));
          if (!writes || failures >= times) return target.batch(statements);
          failures++;
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

/** env whose D1 binding counts calls: a batch is one call, as is each statement run on its own. */
function countingEnv(): { bindings: AppBindings; calls: { batches: number; single: number; statements: number } } {
  const calls = { batches: 0, single: 0, statements: 0 };
  const real = env.DB;
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (property === "first" || property === "all" || property === "run" || property === "raw") {
          return (...args: unknown[]) => {
            calls.single++;
            calls.statements++;
            return (Reflect.get(target, property) as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (property === "__real") return target;
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const DB = new Proxy(real, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrap(target.prepare(query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          calls.batches++;
          calls.statements += statements.length;
          return target.batch(statements.map((statement) => (statement as unknown as { __real?: D1PreparedStatement }).__real ?? statement));
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bindings: { ...(env as unknown as AppBindings), DB }, calls };
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
    // The set's write fails; the message alone then succeeds within the same delivery.
    const once = await deliver([{ type: "response.completed", responseId }], flakyEnv("before-commit", 1));
    expect(once.explicitAcks).toHaveLength(1);
    expect(await complaintsFor(responseId)).toHaveLength(1);

    const other = await storeResponse(acsiAnswers({ sat_level: 2 }));
    const flaky = flakyEnv("before-commit", 2);
    const first = await deliver([{ type: "response.completed", responseId: other }], flaky);
    expect(first.retryMessages).toHaveLength(1);
    expect(await complaintsFor(other)).toHaveLength(0);
    const second = await deliver([{ type: "response.completed", responseId: other }], flaky);
    expect(second.explicitAcks).toHaveLength(1);
    expect(await complaintsFor(other)).toHaveLength(1);
  });

  it("retries a consumer that crashes after committing (lost ack) without a second complaint", async () => {
    const responseId = await storeResponse(acsiAnswers({ nps: 0 }));
    const flaky = flakyEnv("after-commit", 2);
    // The set's write committed, then "crashed": the message alone finds the response evaluated and acks.
    const first = await deliver([{ type: "response.completed", responseId }], flaky);
    expect(first.explicitAcks).toHaveLength(1);
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

describe("a batch of messages is followed up as one set", () => {
  let setOrg: TestOrg;
  let setSurvey: { id: string; slug: string };
  let roundRobin: { id: string };
  let leastLoad: { id: string };
  let responseHook: { id: string };
  let complaintHook: { id: string };

  beforeAll(async () => {
    setOrg = await createTestOrg("intake-set");
    setSurvey = await createPublishedSurvey(setOrg.keys.admin, "intake-set-acsi");
    const admin = bearer(setOrg.keys.admin);
    const team = async (body: Record<string, unknown>) => {
      const res = await call("/api/complaint-teams", json("POST", body, admin));
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string };
    };
    roundRobin = await team({ name: "Care", strategy: "round_robin", memberIds: [setOrg.userIds.staff, setOrg.userIds.admin] });
    leastLoad = await team({ name: "Key accounts", strategy: "least_open_load", memberIds: [setOrg.userIds.manager, setOrg.userIds.owner] });
    const routing = await call(
      "/api/complaint-config/routing",
      json("PUT", { rules: [{ id: "platinum", match: "all", conditions: [{ field: "segment.tier", op: "equals", value: "platinum" }], teamId: leastLoad.id }], defaultTeamId: roundRobin.id }, admin),
    );
    expect(routing.status, await routing.clone().text()).toBe(200);
    responseHook = (await (await call("/api/webhooks", json("POST", { url: "http://127.0.0.1:9/responses", events: ["response.completed"] }, admin))).json()) as { id: string };
    complaintHook = (await (await call("/api/webhooks", json("POST", { url: "http://127.0.0.1:9/complaints", events: ["complaint.created"] }, admin))).json()) as { id: string };
  });

  const store = (answers: Record<string, unknown>, tier: string, email: string | null = null) =>
    storeResponse(answers, { slug: setSurvey.slug, hidden: { touchpoint: "store", region: "east", tier }, email });

  it("costs a constant number of D1 calls for the whole batch and writes what each message would", async () => {
    const unhappy = [
      ...(await Promise.all([0, 1, 2, 3].map((i) => store(acsiAnswers({ sat_level: 1 }), "gold", `gold${i}@example.com`)))),
      ...(await Promise.all([0, 1, 2, 3].map(() => store(acsiAnswers({ nps: 1 }), "platinum")))),
    ];
    const satisfied = await Promise.all([0, 1, 2, 3].map(() => store(acsiAnswers(), "gold")));
    const ids = [...unhappy, ...satisfied];
    const counting = countingEnv();
    // One message twice in the batch (a redelivery landing in the same batch).
    const result = await deliver([...ids, unhappy[0]!].map((responseId) => ({ type: "response.completed", responseId })), counting.bindings);
    expect(result.explicitAcks).toHaveLength(ids.length + 1);
    expect(result.retryMessages).toHaveLength(0);
    // One batch of reads, one of the least-open-load team's loads (platinum complaints are routed
    // there), one batch of writes — for 12 responses (8 complaints) — plus the organisation's topic
    // taxonomy for scoring the open answers in that write: seeded on this first use (three reads, one
    // batch), read once per organisation and set afterwards.
    expect(counting.calls).toMatchObject({ batches: 4, single: 3 });

    const complaints = (
      await env.DB.prepare("select source_response_id, reference, team_id, assignee_id, contact_email from complaints where organization_id = ? order by reference")
        .bind(setOrg.organizationId)
        .all<{ source_response_id: string; reference: string; team_id: string; assignee_id: string; contact_email: string | null }>()
    ).results;
    expect(complaints.map((row) => row.source_response_id).sort()).toEqual([...unhappy].sort());
    // References are consecutive: each complaint of the batch took the next number.
    expect(complaints.map((row) => Number(row.reference.slice(-6)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Routing state carries from one complaint of the batch to the next: round robin alternates,
    // least open load spreads the four platinum complaints two and two.
    const perAssignee = (teamId: string) => {
      const counts = new Map<string, number>();
      for (const row of complaints.filter((c) => c.team_id === teamId)) counts.set(row.assignee_id, (counts.get(row.assignee_id) ?? 0) + 1);
      return counts;
    };
    expect(perAssignee(roundRobin.id)).toEqual(new Map([[setOrg.userIds.staff, 2], [setOrg.userIds.admin, 2]]));
    expect(perAssignee(leastLoad.id)).toEqual(new Map([[setOrg.userIds.manager, 2], [setOrg.userIds.owner, 2]]));

    const outbox = async (endpointId: string) =>
      (await env.DB.prepare("select count(*) as n from outbox where endpoint_id = ?").bind(endpointId).first<{ n: number }>())!.n;
    expect(await outbox(responseHook.id)).toBe(ids.length);
    expect(await outbox(complaintHook.id)).toBe(unhappy.length);
    const acknowledgements = await env.DB.prepare("select count(*) as n from outbox where organization_id = ? and event_type = 'complaint.acknowledgement'").bind(setOrg.organizationId).first<{ n: number }>();
    expect(acknowledgements!.n).toBe(4);
    // The set writes the complaints' audit, notification and pending-score rows one statement per
    // table: each row still carries its own complaint's reference in place of the placeholder.
    const references = new Map(
      (await env.DB.prepare("select id, reference from complaints where organization_id = ?").bind(setOrg.organizationId).all<{ id: string; reference: string }>()).results.map((row) => [row.id, row.reference]),
    );
    const audits = (
      await env.DB.prepare("select target_id, data from audit_log where organization_id = ? and action = 'complaint.created'").bind(setOrg.organizationId).all<{ target_id: string; data: string }>()
    ).results;
    expect(audits).toHaveLength(8);
    for (const audit of audits) expect(JSON.parse(audit.data).reference).toBe(references.get(audit.target_id));
    const acknowledgementTexts = (
      await env.DB.prepare("select subject, payload from outbox where organization_id = ? and event_type = 'complaint.acknowledgement'").bind(setOrg.organizationId).all<{ subject: string; payload: string }>()
    ).results;
    for (const mail of acknowledgementTexts) {
      expect(`${mail.subject}${mail.payload}`).not.toContain("@@REFERENCE@@");
      expect([...references.values()].some((reference) => mail.subject.includes(reference))).toBe(true);
    }
    const pendingScores = await env.DB.prepare("select count(*) as n from text_scores where source_kind = 'complaint' and source_id in (select id from complaints where organization_id = ?)").bind(setOrg.organizationId).first<{ n: number }>();
    expect(pendingScores!.n).toBe(8);
    const pending = await env.DB.prepare(`select count(*) as n from responses where id in (select value from json_each(?)) and triggers_evaluated_at is null`).bind(JSON.stringify(ids)).first<{ n: number }>();
    expect(pending!.n).toBe(0);

    // The whole batch again (redelivered): nothing new, and no D1 write at all.
    const again = countingEnv();
    await deliver(ids.map((responseId) => ({ type: "response.completed", responseId })), again.bindings);
    expect(again.calls).toMatchObject({ batches: 1, single: 0 });
    const count = await env.DB.prepare("select count(*) as n from complaints where organization_id = ?").bind(setOrg.organizationId).first<{ n: number }>();
    expect(count!.n).toBe(8);
    expect(await outbox(responseHook.id)).toBe(ids.length);

    // Timeline events and round-robin cursors are set-wide statements too: every complaint has its
    // own events, and the stored cursor is the last complaint's (rows written in order), so the next
    // complaint of the round-robin team goes to the member the set's last one did not.
    const withEvents = (
      await env.DB.prepare("select distinct complaint_id from complaint_events where organization_id = ? and type = 'assigned'").bind(setOrg.organizationId).all<{ complaint_id: string }>()
    ).results.map((row) => row.complaint_id);
    expect(withEvents.sort()).toEqual([...references.keys()].sort());
    const lastOfSet = complaints.filter((row) => row.team_id === roundRobin.id).at(-1)!;
    const next = await store(acsiAnswers({ sat_level: 1 }), "gold");
    await deliver([{ type: "response.completed", responseId: next }], countingEnv().bindings);
    const [nextComplaint] = await complaintsFor(next);
    expect(nextComplaint).toBeDefined();
    expect([setOrg.userIds.staff, setOrg.userIds.admin]).toContain(nextComplaint!.assignee_id);
    expect(nextComplaint!.assignee_id).not.toBe(lastOfSet.assignee_id);
  });

  it("reads no assignee loads when no complaint of the batch goes to a least-open-load team", async () => {
    const ids = await Promise.all([store(acsiAnswers({ sat_level: 1 }), "gold"), store(acsiAnswers({ nps: 0 }), "gold"), store(acsiAnswers(), "platinum")]);
    const counting = countingEnv();
    await deliver(ids.map((responseId) => ({ type: "response.completed", responseId })), counting.bindings);
    // One read of the (now seeded) topic taxonomy besides the two batches.
    expect(counting.calls).toMatchObject({ batches: 2, single: 1 });
    for (const id of ids.slice(0, 2)) expect(await complaintsFor(id)).toHaveLength(1);
  });

  it("retries only the message whose response cannot be followed up", async () => {
    const good = await store(acsiAnswers({ sat_level: 1 }), "gold");
    const broken = await store(acsiAnswers({ sat_level: 1 }), "gold");
    // A response of a survey version that does not exist cannot be evaluated.
    await env.DB.prepare("update responses set version = 999 where id = ?").bind(broken).run();
    const result = await deliver([
      { type: "response.completed", responseId: good },
      { type: "response.completed", responseId: broken },
    ]);
    expect(result.explicitAcks.length).toBe(1);
    expect(result.retryMessages).toHaveLength(1);
    expect(await complaintsFor(good)).toHaveLength(1);
    expect(await complaintsFor(broken)).toHaveLength(0);
    const marks = await env.DB.prepare("select id, triggers_evaluated_at from responses where id in (?, ?)").bind(good, broken).all<{ id: string; triggers_evaluated_at: number | null }>();
    expect(new Map(marks.results.map((row) => [row.id, row.triggers_evaluated_at !== null]))).toEqual(new Map([[good, true], [broken, false]]));
  });
});
