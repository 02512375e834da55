/**
 * Chaos on the submit path: retry storms, races on single-use tokens and quotas, partial saves racing
 * their completion, and compactions racing each other and the submissions — then the statistics are
 * compared with a recomputation from the raw responses (bench/lib/stats-recompute.ts).
 *
 * Queue-consumer and webhook failures are covered with the complaint flow: a consumer that crashes
 * before or after committing → the complaint is created exactly once (test/api/complaints-intake.test.ts);
 * a failing webhook receiver → retried with backoff, then recorded as failed (test/api/outbox.test.ts).
 * See docs/limits.md, "Chaos coverage".
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, db } from "./helpers";
import { acsiAnswers, newSubmissionId } from "./fixtures";
import { directCall as call, directSubmit as submit, jsonInit as json, publishedSurvey as createPublishedSurvey } from "./direct";
import { ensureOrganisation } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import { checkSurveyStats } from "../../bench/lib/stats-recompute";

let key: string;
let survey: { id: string; slug: string };

const SEGMENTS = [
  { touchpoint: "store", region: "north", tier: "gold" },
  { touchpoint: "web", region: "east" },
  { touchpoint: "call_centre", tier: "platinum" },
  {},
];

/** One owner and an admin API key: all these tests need (no per-role sign-ins). */
async function lightOrg(slug: string): Promise<string> {
  const { organizationId, userIds } = await ensureOrganisation(env, db(), {
    name: slug,
    slug,
    timeZone: "UTC",
    members: [{ email: `owner@${slug}.test`, name: "Owner", password: "correct horse battery", role: "owner" }],
  });
  const owner = userIds[`owner@${slug}.test`]!;
  const created = await createApiKey(db(), { kind: "user", id: owner, name: "Owner", organizationId, role: "owner" }, { name: "chaos", role: "admin" });
  return created.key;
}

async function invite(surveyId: string, count: number, uses?: number): Promise<string[]> {
  const res = await call(`/api/surveys/${surveyId}/invitations`, json("POST", { invitations: Array.from({ length: count }, () => (uses ? { uses } : {})) }, bearer(key)));
  expect(res.status).toBe(201);
  return ((await res.json()) as { items: { token: string }[] }).items.map((i) => i.token);
}

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

beforeAll(async () => {
  key = await lightOrg("chaos");
  survey = await createPublishedSurvey(key, "chaos-acsi", { accessMode: "both" });
});

describe("retry storms", () => {
  it("stores each of 30 submissions once when every request is sent 2-5 times concurrently", async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => ({
      submissionId: newSubmissionId(),
      answers: acsiAnswers({ sat_overall: 1 + (i % 10), nps: i % 11 }),
      hidden: SEGMENTS[i % SEGMENTS.length],
      complete: true,
    }));
    const copies = bodies.flatMap((body, i) => Array.from({ length: 2 + (i % 4) }, () => body));
    // Shuffle so copies of one submission are not adjacent.
    for (let i = copies.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [copies[i], copies[j]] = [copies[j]!, copies[i]!];
    }
    const results = await Promise.all(copies.map(async (body) => ({ body, res: await submit(survey.slug, body) })));
    const byId = new Map<string, { statuses: number[]; ids: Set<string> }>();
    for (const { body, res } of results) {
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      const entry = byId.get(body.submissionId) ?? { statuses: [], ids: new Set<string>() };
      entry.statuses.push(res.status);
      entry.ids.add(((await res.json()) as { id: string }).id);
      byId.set(body.submissionId, entry);
    }
    for (const [, { statuses, ids }] of byId) {
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(ids.size).toBe(1);
    }
    expect(await count("SELECT count(*) AS n FROM responses WHERE survey_id = ?", survey.id)).toBe(30);
    expect(await count("SELECT count(*) AS n FROM (SELECT 1 FROM responses GROUP BY survey_id, submission_id HAVING count(*) > 1)")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM survey_stats_pending WHERE survey_id = ?", survey.id)).toBe(30);
    expect(await count("SELECT completed_count AS n FROM surveys WHERE id = ?", survey.id)).toBe(30);
  });

  it("completes a partial response once when its completion is retried concurrently", async () => {
    const submissionId = newSubmissionId();
    const partial = await submit(survey.slug, { submissionId, answers: { ce_overall: 5, ce_custom: 6 }, complete: false, currentPage: 1 });
    expect(partial.status).toBe(201);
    const { resumeToken } = (await partial.json()) as { resumeToken: string };
    const before = await count("SELECT completed_count AS n FROM surveys WHERE id = ?", survey.id);
    const rest = acsiAnswers();
    delete rest.ce_overall;
    delete rest.ce_custom;
    const results = await Promise.all(Array.from({ length: 8 }, () => submit(survey.slug, { submissionId, resumeToken, answers: rest, complete: true })));
    const statuses = results.map((r) => r.status);
    // The first completion wins; the others either see it completed (200) or lost the race (409, retryable).
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(await count("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND submission_id = ?", survey.id, submissionId)).toBe(1);
    expect(await count("SELECT completed_count AS n FROM surveys WHERE id = ?", survey.id)).toBe(before + 1);
    const again = await submit(survey.slug, { submissionId, answers: rest, complete: true });
    expect(again.status).toBe(200);
  });
});

describe("single-use tokens and quotas under contention", () => {
  it("accepts exactly 1 of 50 parallel completions with one single-use token", async () => {
    const [token] = await invite(survey.id, 1);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => submit(survey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    const [loser] = results.filter((r) => r.status === 409);
    expect(loser!.headers.get("content-type")).toContain("application/problem+json");
    expect(await count("SELECT count(*) AS n FROM survey_invitations WHERE survey_id = ? AND uses_left = 0", survey.id)).toBe(1);
  });

  it("accepts each of 10 tokens exactly once when all are used 5 times in parallel", async () => {
    const tokens = await invite(survey.id, 10);
    const results = await Promise.all(
      tokens.flatMap((token) => Array.from({ length: 5 }, async () => ({ token, res: await submit(survey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true }) }))),
    );
    for (const token of tokens) expect(results.filter((r) => r.token === token && r.res.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.res.status >= 500)).toHaveLength(0);
  });

  it("stops at the quota exactly when 25 completions race for 7 places", async () => {
    const quota = await createPublishedSurvey(key, "chaos-quota", { responseQuota: 7 });
    const results = await Promise.all(Array.from({ length: 25 }, () => submit(quota.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(7);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    expect(await count("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND status = 'completed'", quota.id)).toBe(7);
    expect(await count("SELECT completed_count AS n FROM surveys WHERE id = ?", quota.id)).toBe(7);
  });
});

describe("statistics under concurrent compaction", () => {
  it("never double-counts: 6 compactions racing each other and 60 more submissions", async () => {
    const submissions = Array.from({ length: 60 }, (_, i) =>
      submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ pq_overall: 1 + (i % 10) }), hidden: SEGMENTS[i % SEGMENTS.length], complete: true }),
    );
    const compactions = Array.from({ length: 6 }, () => compactSurveyStats(db(), survey.id));
    const [submitted, folded] = await Promise.all([Promise.all(submissions), Promise.all(compactions)]);
    expect(submitted.every((r) => r.status === 201)).toBe(true);
    // Whatever each compaction folded, together they folded each logged response at most once.
    const completed = await count("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND status = 'completed'", survey.id);
    expect(folded.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(completed);
    await Promise.all([compactSurveyStats(db(), survey.id), compactSurveyStats(db(), survey.id), compactSurveyStats(db(), survey.id)]);
    await compactSurveyStats(db(), survey.id);
    const check = await checkSurveyStats(db(), survey.id);
    expect(check.pending).toBe(0);
    expect(check.mismatches).toEqual([]);
    expect(check.aggregatedN).toBe(completed);
  });

  it("reports indices from folded + not-yet-folded statistics with the same n as the raw responses", async () => {
    // Some responses logged after the last compaction: the API adds the pending log rows.
    await Promise.all(Array.from({ length: 5 }, () => submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })));
    const completed = await count("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND status = 'completed'", survey.id);
    const res = await call(`/api/surveys/${survey.id}/indices`, { headers: bearer(key) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { n: number }).n).toBe(completed);
    await compactSurveyStats(db(), survey.id);
    const check = await checkSurveyStats(db(), survey.id);
    expect(check.mismatches).toEqual([]);
    expect(check.aggregatedN).toBe(completed);
  });
});
