/**
 * The public submit path's fast path (docs/scaling.md, Ingest): the per-isolate cache of open
 * surveys re-checked by the write's SQL gate, the optimistic insert, and follow-up work that sends
 * a queue message only when the consumer has something to do — without losing anything.
 */
import { createScheduledController, env } from "cloudflare:test";
import type { Context } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { openSurveyBySlug, submitAnswers, withCachedOpenSurvey, type OpenSurvey } from "../../src/db/queries/survey-access";
import { cachedOpenSurvey } from "../../src/db/queries/open-survey-cache";
import { handleResponseCompleted } from "../../src/jobs/response-completed";
import { enqueueResponseCompleted } from "../../src/jobs/events";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import { runScheduled } from "../../src/jobs/scheduled";
import { followUpPendingQuery } from "../../src/db/queries/follow-up";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import type { AppBindings, AppEnv } from "../../src/env";

let org: TestOrg;

beforeAll(async () => {
  org = await createTestOrg("fast-path");
});

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; type: string; detail: string };
}

/** A complete public submission, straight through the query layer (no queue message is sent). */
function completion(open: OpenSurvey, answers: Record<string, unknown> = acsiAnswers(), submissionId = newSubmissionId()) {
  return submitAnswers(db(), {
    open,
    submissionId,
    invitation: null,
    answers,
    hidden: { touchpoint: "store" },
    language: "en",
    complete: true,
    ip: null,
    now: new Date(),
  });
}

async function savedOutcome(result: Awaited<ReturnType<typeof completion>>) {
  if (result.kind !== "saved") throw new Error(`expected a saved response, got ${JSON.stringify(result.errors)}`);
  return result.outcome;
}

async function responseRow(id: string) {
  return env.DB.prepare("select status, triggers_evaluated_at, answers from responses where id = ?")
    .bind(id)
    .first<{ status: string; triggers_evaluated_at: number | null; answers: string }>();
}

async function completedCount(surveyId: string) {
  return (await env.DB.prepare("select completed_count as n from surveys where id = ?").bind(surveyId).first<{ n: number }>())!.n;
}

describe("the per-isolate cache of open surveys", () => {
  it("refuses a submission to a survey closed after it was cached, with the closed problem, and drops the entry", async () => {
    const survey = await createPublishedSurvey(org.keys.admin, "fast-closed");
    await openSurveyBySlug(db(), survey.slug, new Date(), { fromCache: true });
    expect((await call(`/api/surveys/${survey.id}/close`, { method: "POST", headers: bearer(org.keys.manager) })).status).toBe(200);
    // The cache still says open: only the write's gate can notice.
    const stale = await openSurveyBySlug(db(), survey.slug, new Date(), { fromCache: true });
    expect(stale.survey.status).toBe("published");

    const submissionId = newSubmissionId();
    const attempt = withCachedOpenSurvey(db(), survey.slug, new Date(), (open) => completion(open, acsiAnswers(), submissionId));
    await expect(attempt).rejects.toMatchObject({ problemType: "survey-unavailable", reason: "closed" });
    expect(cachedOpenSurvey(survey.slug, Date.now())).toBeUndefined();
    const stored = await env.DB.prepare("select count(*) as n from responses where submission_id = ?").bind(submissionId).first<{ n: number }>();
    expect(stored!.n).toBe(0);
    expect(await completedCount(survey.id)).toBe(0);
  });

  it("over HTTP: accepted while open, refused with problem+json right after closing, accepted again right after re-opening", async () => {
    const survey = await createPublishedSurvey(org.keys.admin, "fast-close-http");
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    expect((await call(`/api/surveys/${survey.id}/close`, { method: "POST", headers: bearer(org.keys.manager) })).status).toBe(200);
    const refused = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    expect(refused.status).toBe(409);
    const body = await problem(refused);
    expect(body.type).toBe("/problems/survey-unavailable");
    expect(body.detail).toMatch(/closed/);
    expect((await call(`/api/surveys/${survey.id}/reopen`, { method: "POST", headers: bearer(org.keys.manager) })).status).toBe(200);
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    expect(await completedCount(survey.id)).toBe(2);
  });

  it("applies settings changed after caching at once: an invitation-only switch refuses a public submission", async () => {
    const survey = await createPublishedSurvey(org.keys.admin, "fast-settings");
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    const patched = await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { accessMode: "invitation" }, bearer(org.keys.admin)));
    expect(patched.status, await patched.clone().text()).toBe(200);
    const refused = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    expect(refused.status).toBe(403);
    expect((await problem(refused)).type).toBe("/problems/forbidden");
    expect(await completedCount(survey.id)).toBe(1);
  });
});

describe("the optimistic insert", () => {
  let survey: { id: string; slug: string };
  beforeAll(async () => {
    survey = await createPublishedSurvey(org.keys.admin, "fast-optimistic", { accessMode: "both" });
  });

  it("answers retries of a completed submission with the same id, counts it once and takes one use of a multi-use token", async () => {
    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: "multi@example.com", uses: 3 }] }, bearer(org.keys.manager)));
    expect(invited.status).toBe(201);
    const { token } = ((await invited.json()) as { items: { token: string }[] }).items[0]!;
    const before = await completedCount(survey.id);
    const body = { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true };
    const first = await submit(survey.slug, body);
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const retries = [await submit(survey.slug, body), ...(await Promise.all(Array.from({ length: 4 }, () => submit(survey.slug, body))))];
    for (const retry of retries) {
      expect(retry.status).toBe(200);
      expect(await retry.json()).toEqual({ id, status: "completed" });
    }
    expect(await completedCount(survey.id)).toBe(before + 1);
    const rows = await env.DB.prepare("select count(*) as n from responses where survey_id = ? and submission_id = ?").bind(survey.id, body.submissionId).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    const logged = await env.DB.prepare("select count(*) as n from survey_stats_pending where response_id = ?").bind(id).first<{ n: number }>();
    expect(logged!.n).toBe(1);
    const invitation = await env.DB.prepare("select uses_left from survey_invitations where email = ? and survey_id = ?").bind("multi@example.com", survey.id).first<{ uses_left: number }>();
    expect(invitation!.uses_left).toBe(2);
  });

  it("numbers the statistics log above everything folded, also after compaction emptied it", async () => {
    const logIds = async () =>
      (await env.DB.prepare("select id from survey_stats_pending where survey_id = ? order by id").bind(survey.id).all<{ id: number }>()).results.map((row) => row.id);
    for (let i = 0; i < 2; i++) expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    const before = await logIds();
    expect(before.length).toBeGreaterThanOrEqual(2);
    await compactSurveyStats(db(), survey.id);
    expect(await logIds()).toEqual([]);
    const through = (await env.DB.prepare("select through_id from survey_stats_compaction where survey_id = ?").bind(survey.id).first<{ through_id: number }>())!.through_id;
    expect(through).toBe(before[before.length - 1]);
    // The log is empty now: the next id still continues above the watermark, so it is folded, not skipped.
    expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    expect(await logIds()).toEqual([through + 1]);
    expect(await compactSurveyStats(db(), survey.id)).toBe(1);
    const folded = await env.DB.prepare("select sum(n) as n from survey_daily_stats where survey_id = ? and touchpoint = '*' and region = '*' and tier = '*'").bind(survey.id).first<{ n: number }>();
    expect(folded!.n).toBe(await completedCount(survey.id));
  });

  it("continues a saved partial response when the completing answers are valid on their own", async () => {
    const submissionId = newSubmissionId();
    const before = await completedCount(survey.id);
    const partial = await submit(survey.slug, { submissionId, answers: { ce_overall: 5 }, complete: false, currentPage: 1 });
    expect(partial.status).toBe(201);
    const { id, resumeToken } = (await partial.json()) as { id: string; resumeToken: string };
    const done = await submit(survey.slug, { submissionId, resumeToken, answers: acsiAnswers({ ce_overall: 3 }), complete: true });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ id, status: "completed" });
    const row = await responseRow(id);
    expect(row!.status).toBe("completed");
    expect(JSON.parse(row!.answers).ce_overall).toBe(3);
    expect(await completedCount(survey.id)).toBe(before + 1);
  });
});

describe("follow-up work without a queue message per response", () => {
  let survey: { id: string; slug: string };
  beforeAll(async () => {
    survey = await createPublishedSurvey(org.keys.admin, "fast-follow-up");
  });

  it("marks a response nothing follows up on evaluated in its own write, and leaves a detractor's to the consumer", async () => {
    const open = await openSurveyBySlug(db(), survey.slug, new Date(), { fromCache: true });
    const { comment: _comment, ...withoutComment } = acsiAnswers();
    const satisfied = await savedOutcome(await completion(open, withoutComment));
    expect(satisfied.followUpPending).toBe(false);
    expect((await responseRow(satisfied.id))!.triggers_evaluated_at).not.toBeNull();
    // An open answer is scored by the follow-up (docs/text-analytics.md), so it leaves the response to the consumer.
    const commented = await savedOutcome(await completion(open));
    expect(commented.followUpPending).toBe(true);

    const detractor = await savedOutcome(await completion(open, acsiAnswers({ nps: 2 })));
    expect(detractor.followUpPending).toBe(true);
    expect((await responseRow(detractor.id))!.triggers_evaluated_at).toBeNull();
    await handleResponseCompleted(db(), env as unknown as AppBindings, detractor.id, new Date());
    const complaint = await env.DB.prepare("select count(*) as n from complaints where source_response_id = ?").bind(detractor.id).first<{ n: number }>();
    expect(complaint!.n).toBe(1);
  });

  it("sends response.completed only when follow-up is pending, and stats.compact once per window", async () => {
    const sent: MessageSendRequest<FeedloopEvent>[] = [];
    const waits: Promise<unknown>[] = [];
    const c = {
      env: { EVENTS: { sendBatch: async (messages: MessageSendRequest<FeedloopEvent>[]) => void sent.push(...messages) } },
      executionCtx: { waitUntil: (promise: Promise<unknown>) => void waits.push(promise) },
    } as unknown as Context<AppEnv>;
    const surveyId = `srv_window_${crypto.randomUUID()}`;
    enqueueResponseCompleted(c, { id: "rsp_quiet_1", followUpPending: false }, surveyId);
    enqueueResponseCompleted(c, { id: "rsp_quiet_2", followUpPending: false }, surveyId);
    enqueueResponseCompleted(c, { id: "rsp_loud", followUpPending: true }, surveyId);
    await Promise.all(waits);
    expect(waits).toHaveLength(1);
    expect(sent.map((m) => m.body)).toEqual([
      { type: "stats.compact", surveyId },
      { type: "response.completed", responseId: "rsp_loud" },
    ]);
    expect(sent[0]!.delaySeconds).toBeGreaterThan(0);
  });

  it("leaves the response to the consumer when a webhook subscriber appeared after the survey was cached", async () => {
    const open = await openSurveyBySlug(db(), survey.slug, new Date(), { fromCache: true });
    const hook = await call("/api/webhooks", json("POST", { url: "http://127.0.0.1:9/fast-path", events: ["response.completed"] }, bearer(org.keys.admin)));
    expect(hook.status).toBe(201);
    const endpoint = (await hook.json()) as { id: string };
    try {
      const outcome = await savedOutcome(await completion(open));
      expect(outcome.followUpPending).toBe(true);
      expect((await responseRow(outcome.id))!.triggers_evaluated_at).toBeNull();
      await handleResponseCompleted(db(), env as unknown as AppBindings, outcome.id, new Date());
      const rows = await env.DB.prepare("select payload from outbox where endpoint_id = ? and event_type = 'response.completed'").bind(endpoint.id).all<{ payload: string }>();
      expect(rows.results.map((r) => JSON.parse(r.payload).data.id)).toEqual([outcome.id]);
    } finally {
      await call(`/api/webhooks/${endpoint.id}`, { method: "DELETE", headers: bearer(org.keys.admin) });
    }
  });

  it("applies a complaint trigger rule added after the survey was cached", async () => {
    await openSurveyBySlug(db(), survey.slug, new Date(), { fromCache: true });
    const rules = [
      {
        id: "fast-sat-8",
        when: { kind: "conditions", match: "all", conditions: [{ field: "answers.sat_overall", op: "lte", value: 8 }] },
        defaults: { priority: "high", category: "service_attitude", severity: "high" },
      },
    ];
    const patched = await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { complaintTriggers: rules }, bearer(org.keys.admin)));
    expect(patched.status, await patched.clone().text()).toBe(200);
    try {
      // acsiAnswers() matches none of the default rules but does match the new one (sat_overall 8).
      const outcome = await savedOutcome(await withCachedOpenSurvey(db(), survey.slug, new Date(), (open) => completion(open)));
      expect(outcome.followUpPending).toBe(true);
      await handleResponseCompleted(db(), env as unknown as AppBindings, outcome.id, new Date());
      const complaint = await env.DB.prepare("select priority from complaints where source_response_id = ?").bind(outcome.id).first<{ priority: string }>();
      expect(complaint).toEqual({ priority: "high" });
    } finally {
      await call(`/api/surveys/${survey.id}/settings`, json("PATCH", { complaintTriggers: null }, bearer(org.keys.admin)));
    }
  });

  it("the cron sweep does the follow-up of a completed response whose queue message was lost", async () => {
    const open = await openSurveyBySlug(db(), survey.slug, new Date());
    const lost = await savedOutcome(await completion(open, acsiAnswers({ sat_level: 1 })));
    expect(lost.followUpPending).toBe(true);
    // Not yet: the sweep leaves a fresh response to its queue message for 5 minutes.
    await runScheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env as unknown as AppBindings);
    expect((await responseRow(lost.id))!.triggers_evaluated_at).toBeNull();
    await runScheduled(createScheduledController({ scheduledTime: Date.now() + 6 * 60_000, cron: "*/5 * * * *" }), env as unknown as AppBindings);
    expect((await responseRow(lost.id))!.triggers_evaluated_at).not.toBeNull();
    const complaint = await env.DB.prepare("select count(*) as n from complaints where source_response_id = ?").bind(lost.id).first<{ n: number }>();
    expect(complaint!.n).toBe(1);
  });
});

describe("the cron's sweep of responses whose follow-up is pending", () => {
  it("reads the partial index responses_follow_up_pending_idx, not the responses table", async () => {
    const query = followUpPendingQuery(db(), new Date()).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((row) => row.detail).join(" | ");
    expect(details).toContain("USING INDEX responses_follow_up_pending_idx (completed_at<?)");
    // Ordered by the index itself: no sort step.
    expect(details).not.toContain("TEMP B-TREE");
  });
});
