/**
 * Shards as the code path (docs/scaling.md 4.1): DB is the control plane and shard 0, DB_SHARD_1 the
 * second shard. Organisation B is moved to shard 1 by the move Workflow, started through the operator
 * route; afterwards its rows are physically in shard 1 only, the API (staff and public) reads and
 * writes them there, A (shard 0) cannot see them, writes during a move answer 503, the move's progress
 * row ends "done" with its per-table counts, and a move back empties shard 1 again. A move that fails
 * before the flip clears its mark and deletes its copies from the target (into shard 0 without touching
 * the control plane's identity originals), a move over stale copies a failed clean-up left brings the
 * current rows, and a copy step run twice copies nothing twice.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, env, introspectWorkflow, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "./helpers";
import { directCall as call, directSubmit as submit, jsonInit as json, publishedSurvey } from "./direct";
import { acsiAnswers, newSubmissionId } from "./fixtures";
import { copyStep, tablesToCopy, type CopyState } from "../../src/jobs/shard-move";
import { countRows, movePlan } from "../../src/db/queries/shard-move";
import { forgetShardPlacements } from "../../src/db/shards";
import { runScheduled } from "../../src/jobs/scheduled";
import { consumeEvents } from "../../src/jobs/queue-consumer";
import type { FeedloopEvent } from "../../src/domain/queue-messages";
import { ensureOrganisation } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import type { AppBindings } from "../../src/env";
import { db, ORIGIN } from "./helpers";
import worker from "../../src/index";

let a: TestOrg;
let b: TestOrg;
let aSurvey: { id: string; slug: string };
let bSurvey: { id: string; slug: string };
/** Organisation C, placed in shard 1 when it is created (the placement test). */
let cOrganizationId: string;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const OPERATOR_TOKEN = "operator-test-token-0123456789";

/**
 * The operator routes exist only with OPERATOR_TOKEN set, which the test configuration leaves unset.
 * The env is spread at each call, after the test's introspectWorkflow: that replaces the Workflow
 * binding on `env`, and a copy made before it would start instances the introspector never sees.
 */
async function asOperator(method: "GET" | "POST", path: string, body?: unknown, token = OPERATOR_TOKEN): Promise<Response> {
  const operatorEnv = { ...env, OPERATOR_TOKEN };
  const ctx = createExecutionContext();
  const init = body === undefined ? { method, headers: bearer(token) } : json(method, body, bearer(token));
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init) as never, operatorEnv as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

type MoveRecord = { id: string; status: string; fromShard: number; toShard: number; rowsCopied: number; tableCounts: Record<string, number> | null; error: string | null; finishedAt: string | null; location: string };

/**
 * Moves an organisation through the operator route and its Workflow (sleeps disabled); the move's final
 * progress row. Each step named in `failing` throws "<name> lost" (mockStepError), and the move is then
 * awaited until its instance errors.
 */
async function moveThroughWorkflow(organizationId: string, toShard: number, failing: string[] = []): Promise<MoveRecord> {
  await using introspector = await introspectWorkflow(env.SHARD_MOVE_WORKFLOW);
  await introspector.modifyAll(async (m) => {
    await m.disableSleeps();
    await m.disableRetryDelays();
    for (const name of failing) await m.mockStepError({ name }, new Error(`${name} lost`));
  });
  const started = await asOperator("POST", `/api/operator/organisations/${organizationId}/move`, { toShard });
  expect(started.status, await started.clone().text()).toBe(202);
  const { location } = (await started.json()) as MoveRecord;
  const [instance] = introspector.get();
  await instance!.waitForStatus(failing.length > 0 ? "errored" : "complete");
  return (await (await asOperator("GET", location)).json()) as MoveRecord;
}

async function rows(d1: D1Database, table: string, organizationId: string): Promise<number> {
  const row = await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE organization_id = ?`).bind(organizationId).first<{ n: number }>();
  return row!.n;
}

/** The organisation's rows in one shard per table of the move plan, tables without any left out; `which` keeps tenant or identity (mirrored) tables only. */
async function heldRows(d1: D1Database, organizationId: string, which: "all" | "tenant" | "identity" = "all"): Promise<Record<string, number>> {
  const held: Record<string, number> = {};
  for (const table of await movePlan(d1)) {
    if ((which === "tenant" && table.mirrored) || (which === "identity" && !table.mirrored)) continue;
    const n = await countRows(d1, table, organizationId);
    if (n > 0) held[table.name] = n;
  }
  return held;
}

/**
 * The organisation's identity rows and the tenant rows staff and respondents write, per table: what a
 * failed move must leave whole where the organisation lives. Derived tables (scores, topics,
 * suggestions, statistics) are left out: the queue consumer goes on writing them in the background
 * while a test runs.
 */
async function ownRows(d1: D1Database, organizationId: string): Promise<Record<string, number>> {
  const own = ["organization", "member", "user", "api_keys", "organization_settings", "surveys", "survey_versions", "responses", "complaints"];
  const held = await heldRows(d1, organizationId);
  return Object.fromEntries(own.filter((table) => table in held).map((table) => [table, held[table]!]));
}

async function submitted(slug: string): Promise<string> {
  const res = await submit(slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  a = await createTestOrg("shard-a");
  b = await createTestOrg("shard-b");
  aSurvey = await publishedSurvey(a.keys.owner, "shard-a-survey");
  bSurvey = await publishedSurvey(b.keys.owner, "shard-b-survey");
  for (let i = 0; i < 3; i++) await submitted(aSurvey.slug);
  for (let i = 0; i < 4; i++) await submitted(bSurvey.slug);
});

describe("two shards", () => {
  it("knows which rows of every table belong to an organisation (a new table without a rule stops the move)", async () => {
    const plan = await movePlan(env.DB_SHARD_1);
    const names = plan.map((t) => t.name);
    expect(names).toContain("responses");
    expect(names).not.toContain("session");
    expect(names).not.toContain("invitation");
    // Identity rows travel as copies (the control plane keeps the originals).
    expect(plan.filter((t) => t.mirrored).map((t) => t.name).sort()).toEqual(["api_keys", "member", "organization", "user"]);
    // Parents before children: foreign keys hold while copying.
    expect(names.indexOf("organization")).toBeLessThan(names.indexOf("surveys"));
    expect(names.indexOf("surveys")).toBeLessThan(names.indexOf("responses"));
  });

  it("moves an organisation to shard 1 through the Workflow: its rows leave shard 0, the API serves them from shard 1, the other organisation cannot see them", async () => {
    // Sleeps stay on here: the move waits out the placement caches (10 s), so the second request
    // deterministically arrives while it runs.
    await using introspector = await introspectWorkflow(env.SHARD_MOVE_WORKFLOW);
    const started = await asOperator("POST", `/api/operator/organisations/${b.organizationId}/move`, { toShard: 1 });
    expect(started.status, await started.clone().text()).toBe(202);
    const move = (await started.json()) as MoveRecord;
    expect(started.headers.get("location")).toBe(`/api/operator/moves/${move.id}`);
    expect(move).toMatchObject({ fromShard: 0, toShard: 1, status: "starting", location: `/api/operator/moves/${move.id}` });

    const second = await asOperator("POST", `/api/operator/organisations/${b.organizationId}/move`, { toShard: 1 });
    expect(second.status).toBe(409);
    expect(second.headers.get("content-type")).toContain("application/problem+json");
    expect(((await second.json()) as { detail: string }).detail).toMatch(/already being moved/);
    const running = (await (await asOperator("GET", move.location)).json()) as MoveRecord;
    expect(["starting", "settling"]).toContain(running.status);

    const [instance] = introspector.get();
    await instance!.waitForStatus("complete");
    const done = (await (await asOperator("GET", move.location)).json()) as MoveRecord;
    expect(done).toMatchObject({ status: "done", fromShard: 0, toShard: 1, error: null });
    expect(done.finishedAt).not.toBeNull();
    expect(done.tableCounts?.responses).toBe(4);
    expect(done.tableCounts?.surveys).toBe(1);
    expect(done.tableCounts?.organization).toBe(1);
    expect(done.rowsCopied).toBe(Object.values(done.tableCounts!).reduce((sum, n) => sum + n, 0));

    // Physically: B's tenant rows only in shard 1, A's only in shard 0; the control plane keeps B's identity.
    expect(await rows(env.DB_SHARD_1, "responses", b.organizationId)).toBe(4);
    expect(await rows(env.DB, "responses", b.organizationId)).toBe(0);
    expect(await rows(env.DB, "surveys", b.organizationId)).toBe(0);
    expect(await rows(env.DB, "responses", a.organizationId)).toBe(3);
    expect(await rows(env.DB_SHARD_1, "responses", a.organizationId)).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM member WHERE organizationId = ?").bind(b.organizationId).first("n")).toBe(5);
    expect(await env.DB.prepare("SELECT shard, moving_to FROM org_shards WHERE organization_id = ?").bind(b.organizationId).first()).toEqual({ shard: 1, moving_to: null });
    expect(await env.DB.prepare("SELECT shard FROM survey_slugs WHERE slug = ?").bind(bSurvey.slug).first("shard")).toBe(1);

    // Staff reads (API key, resolved in the control plane) and public submits go to shard 1.
    const list = await call(`/api/surveys/${bSurvey.id}/responses`, { headers: bearer(b.keys.owner) });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(4);
    const fifth = await submitted(bSurvey.slug);
    expect(await env.DB_SHARD_1.prepare("SELECT organization_id FROM responses WHERE id = ?").bind(fifth).first("organization_id")).toBe(b.organizationId);
    expect(await rows(env.DB, "responses", b.organizationId)).toBe(0);
    // Reads near the reader open their D1 session on shard 1, and its bookmark is labelled with the shard.
    const page = await call(`/api/public/surveys/${bSurvey.slug}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("x-d1-bookmark-shard")).toBe("1");
    expect(page.headers.getSetCookie().some((cookie) => cookie.startsWith("fl_d1_bookmark_1="))).toBe(true);
    // A session cookie works the same way.
    expect((await call(`/api/surveys/${bSurvey.id}`, { headers: { cookie: b.cookies.viewer } })).status).toBe(200);

    // Isolation: A's staff cannot reach B's survey, and A's lists hold nothing of B.
    expect((await call(`/api/surveys/${bSurvey.id}`, { headers: bearer(a.keys.owner) })).status).toBe(404);
    const aList = await (await call("/api/surveys", { headers: bearer(a.keys.owner) })).text();
    expect(aList).not.toContain(bSurvey.id);
    expect(aList).toContain(aSurvey.id);

    // A new survey of B claims its slug in the control plane, with shard 1; slugs stay global.
    const created = await call("/api/surveys", json("POST", { slug: "shard-b-second", template: "acsi" }, bearer(b.keys.owner)));
    expect(created.status).toBe(201);
    expect(await env.DB.prepare("SELECT shard FROM survey_slugs WHERE slug = 'shard-b-second'").first("shard")).toBe(1);
    const taken = await call("/api/surveys", json("POST", { slug: bSurvey.slug, template: "acsi" }, bearer(a.keys.owner)));
    expect(taken.status).toBe(409);

    // API keys are authenticated by the control plane, whichever shard the organisation is in; the
    // shard keeps a copy for the audit log's names.
    const key = await call("/api/api-keys", json("POST", { name: "after the move", role: "viewer" }, bearer(b.keys.owner)));
    expect(key.status).toBe(201);
    const newKey = (await key.json()) as { id: string; key: string };
    expect((await call(`/api/surveys/${bSurvey.id}`, { headers: bearer(newKey.key) })).status).toBe(200);
    expect(await env.DB_SHARD_1.prepare("SELECT name FROM api_keys WHERE id = ?").bind(newKey.id).first("name")).toBe("after the move");
    // The audit log, in shard 1, names the key that created it ("owner key", copied with the move).
    const audit = (await (await call("/api/audit?action=api_key.created", { headers: bearer(b.keys.owner) })).json()) as { items: { targetId: string; actor: { name: string | null } }[] };
    expect(audit.items.find((item) => item.targetId === newKey.id)?.actor.name).toBe("owner key");
    expect((await call(`/api/api-keys/${newKey.id}`, { method: "DELETE", headers: bearer(b.keys.owner) })).status).toBe(204);
    expect((await call(`/api/surveys/${bSurvey.id}`, { headers: bearer(newKey.key) })).status).toBe(401);
    expect(await env.DB_SHARD_1.prepare("SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = ?").bind(newKey.id).first("revoked")).toBe(1);

    // The cron runs over both shards.
    await runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env);
  });

  it("refuses writes with 503 + Retry-After while an organisation is being moved, and serves reads", async () => {
    await env.DB.prepare("UPDATE org_shards SET moving_to = 0 WHERE organization_id = ?").bind(b.organizationId).run();
    forgetShardPlacements();
    try {
      const write = await submit(bSurvey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
      expect(write.status).toBe(503);
      expect(write.headers.get("retry-after")).toBe("30");
      expect(write.headers.get("content-type")).toContain("application/problem+json");
      expect((await call(`/api/surveys/${bSurvey.id}/publish`, { method: "POST", headers: bearer(b.keys.owner) })).status).toBe(503);
      expect((await call(`/api/surveys/${bSurvey.id}`, { headers: bearer(b.keys.owner) })).status).toBe(200);
      // A is not being moved.
      expect((await submit(aSurvey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    } finally {
      await env.DB.prepare("UPDATE org_shards SET moving_to = NULL WHERE organization_id = ?").bind(b.organizationId).run();
      forgetShardPlacements();
    }
  });

  it("moves it back: everything of B returns to shard 0 and shard 1 holds nothing of it, not even its identity copies", async () => {
    const report = await moveThroughWorkflow(b.organizationId, 0);
    expect(report).toMatchObject({ status: "done", fromShard: 1, toShard: 0 });
    expect(report.tableCounts?.responses).toBe(5);
    expect(await rows(env.DB, "responses", b.organizationId)).toBe(5);
    expect(await rows(env.DB_SHARD_1, "responses", b.organizationId)).toBe(0);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM organization").first("n")).toBe(0);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM member").first("n")).toBe(0);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM user").first("n")).toBe(0);
    const list = await call(`/api/surveys/${bSurvey.id}/responses`, { headers: bearer(b.keys.owner) });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(5);
    const nowhere = await asOperator("POST", `/api/operator/organisations/${b.organizationId}/move`, { toShard: 0 });
    expect(nowhere.status).toBe(409);
    expect(((await nowhere.json()) as { detail: string }).detail).toMatch(/already lives in shard 0/);
    const unbound = await asOperator("POST", `/api/operator/organisations/${b.organizationId}/move`, { toShard: 2 });
    expect(unbound.status).toBe(409);
    expect(((await unbound.json()) as { detail: string }).detail).toMatch(/does not exist/);
  });

  it("places a new organisation in the least-loaded open shard, and its shard's identity copies follow membership changes", async () => {
    const spreading = { ...env, NEW_ORGANISATION_SHARDS: "0,1" } as unknown as AppBindings;
    const members = (["owner", "admin", "viewer"] as const).map((role) => ({ email: `${role}@shard-c.test`, name: `${role} of shard-c`, password: "correct horse battery", role }));
    const { organizationId, userIds } = await ensureOrganisation(spreading, db(), { name: "shard-c", slug: "shard-c", timeZone: "UTC", members });
    cOrganizationId = organizationId;
    // Shard 0 holds A and B, shard 1 nothing: C goes to shard 1, with its identity copies and its own rows there.
    expect(await env.DB.prepare("SELECT shard FROM org_shards WHERE organization_id = ?").bind(organizationId).first("shard")).toBe(1);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM member WHERE organizationId = ?").bind(organizationId).first("n")).toBe(3);
    expect(await rows(env.DB_SHARD_1, "organization_settings", organizationId)).toBe(1);
    expect(await rows(env.DB, "organization_settings", organizationId)).toBe(0);

    const owner = { kind: "user" as const, id: userIds["owner@shard-c.test"]!, name: "owner", organizationId, role: "owner" as const };
    const { key } = await createApiKey(db(), owner, { name: "owner key", role: "owner" });
    const survey = await publishedSurvey(key, "shard-c-survey");
    expect(await rows(env.DB_SHARD_1, "surveys", organizationId)).toBe(1);
    expect(await rows(env.DB, "surveys", organizationId)).toBe(0);
    await submitted(survey.slug);
    expect(await rows(env.DB_SHARD_1, "responses", organizationId)).toBe(1);
    // Queue messages carry their shard: a compaction message of shard 1 folds shard 1's logged statistics
    // (checked right after the submit: its own compaction message waits STATS_COMPACT_WINDOW_SECONDS in the queue).
    const pending = () => env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM survey_stats_pending WHERE survey_id = ?").bind(survey.id).first<number>("n");
    expect(await pending()).toBeGreaterThan(0);
    const compact = (shard?: number) =>
      consumeEvents(createMessageBatch<FeedloopEvent>("feedloop-events", [{ id: `compact-${shard}`, timestamp: new Date(), attempts: 1, body: { type: "stats.compact", surveyId: survey.id, ...(shard === undefined ? {} : { shard }) } }]), env);
    await compact();
    expect(await pending()).toBeGreaterThan(0);
    await compact(1);
    expect(await pending()).toBe(0);


    // A complaint lands in shard 1, and its status link (which names no organisation) finds it there.
    const complaint = await call("/api/complaints", json("POST", { subject: "Charged twice", description: "My card was charged twice.", contact: { email: "li@example.com", name: "Li" } }, bearer(key)));
    expect(complaint.status).toBe(201);
    const { id: complaintId } = (await complaint.json()) as { id: string };
    expect(await rows(env.DB_SHARD_1, "complaints", organizationId)).toBe(1);
    const { statusUrl } = (await (await call(`/api/complaints/${complaintId}/status-link`, { headers: bearer(key) })).json()) as { statusUrl: string };
    const statusPage = await call(new URL(statusUrl).pathname + new URL(statusUrl).search);
    expect(statusPage.status).toBe(200);
    expect((await call("/complaints/new?org=shard-c")).status).toBe(200);

    // A user's own name change reaches the shard's copy.
    const adminCookie = (await call("/api/auth/sign-in/email", json("POST", { email: "admin@shard-c.test", password: "correct horse battery" }))).headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect((await call("/api/auth/update-user", json("POST", { name: "Renamed admin" }, { cookie: adminCookie }))).status).toBe(200);
    expect(await env.DB_SHARD_1.prepare("SELECT name FROM user WHERE id = ?").bind(userIds["admin@shard-c.test"]).first("name")).toBe("Renamed admin");

    // Deactivating a member acts on the control plane (authority) and the shard's copy follows; the audit row is in the shard.
    const viewerMember = await env.DB.prepare("SELECT id FROM member WHERE organizationId = ? AND userId = ?").bind(organizationId, userIds["viewer@shard-c.test"]).first<{ id: string }>();
    const removed = await call(`/api/organisation/members/${viewerMember!.id}`, { method: "DELETE", headers: bearer(key) });
    expect(removed.status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM member WHERE organizationId = ?").bind(organizationId).first("n")).toBe(2);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM member WHERE organizationId = ?").bind(organizationId).first("n")).toBe(2);
    expect(await env.DB_SHARD_1.prepare("SELECT count(*) AS n FROM audit_log WHERE organization_id = ? AND action = 'member.deactivated'").bind(organizationId).first("n")).toBe(1);
    const list = (await (await call("/api/organisation/members", { headers: bearer(key) })).json()) as { items: { userId: string }[] };
    expect(list.items.map((m) => m.userId).sort()).toEqual([userIds["owner@shard-c.test"], userIds["admin@shard-c.test"]].sort());
  });

  it("has no operator route unless OPERATOR_TOKEN is set, and then only for its bearer; an unknown move is 404", async () => {
    const path = `/api/operator/organisations/${b.organizationId}/move`;
    expect((await call(path, json("POST", { toShard: 1 }, bearer("anything")))).status).toBe(404);
    expect((await call("/api/operator/moves/move_AAAAAAAAAAAAAAAAAAAA", { headers: bearer("anything") })).status).toBe(404);
    expect((await asOperator("POST", path, { toShard: 1 }, "wrong-token-of-the-same-length-0")).status).toBe(401);
    expect((await asOperator("GET", "/api/operator/moves/move_AAAAAAAAAAAAAAAAAAAA", undefined, "wrong-token-of-the-same-length-0")).status).toBe(401);
    expect((await asOperator("POST", path, { toShard: -1 })).status).toBe(422);
    const refused = await asOperator("POST", path, { toShard: 0 });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/already lives in shard 0/);
    const unknown = await asOperator("GET", "/api/operator/moves/move_AAAAAAAAAAAAAAAAAAAA");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    expect((await asOperator("GET", "/api/operator/moves/not-a-move")).status).toBe(422);
  });

  it("copies nothing twice when a copy step runs again from the same cursor", async () => {
    // The copy steps of a move of A to shard 1, in the Workflow's order, with chunks of 2 rows (so the
    // cursor is used); the responses step is then run a second time from the cursor it started at.
    const move = { moveId: "move_not_recorded_here", organizationId: a.organizationId, to: 1, from: 0 };
    const tables = tablesToCopy(await movePlan(env.DB_SHARD_1), 1);
    const responses = tables.find((table) => table.name === "responses")!;
    let state: CopyState = { after: null, rowsCopied: 0, done: false };
    let responsesStart: CopyState | null = null;
    let responsesEnd: CopyState | null = null;
    for (const table of tables) {
      state = { after: null, rowsCopied: state.rowsCopied, done: false };
      while (!state.done) {
        if (table === responses && responsesStart === null) responsesStart = state;
        state = await copyStep(env, move, table, state, 2);
        if (table === responses && state.done) responsesEnd = state;
      }
    }
    const aResponses = await rows(env.DB, "responses", a.organizationId);
    expect(aResponses).toBeGreaterThan(2);
    expect(await rows(env.DB_SHARD_1, "responses", a.organizationId)).toBe(aResponses);
    const again = await copyStep(env, move, responses, responsesStart!, 2);
    expect(again).toEqual(responsesEnd);
    expect(await rows(env.DB_SHARD_1, "responses", a.organizationId)).toBe(aResponses);
    for (const table of tables) expect(await countRows(env.DB_SHARD_1, table, a.organizationId), table.name).toBe(await countRows(env.DB, table, a.organizationId));
  });
  it("clears the mark and deletes its copies when a move fails before the flip: the organisation stays where it was, whole, and takes writes again", async () => {
    const sourceBefore = await ownRows(env.DB, a.organizationId);
    expect(sourceBefore).toMatchObject({ organization: 1, member: 5, surveys: 1, responses: 4 });
    const failed = await moveThroughWorkflow(a.organizationId, 1, ["verify"]);
    expect(failed).toMatchObject({ status: "failed", error: "verify lost" });
    // The move had copied into shard 1 before verify failed; none of it is left there, identity copies included.
    expect(failed.rowsCopied).toBeGreaterThan(0);
    expect(await heldRows(env.DB_SHARD_1, a.organizationId)).toEqual({});
    expect(await rows(env.DB_SHARD_1, "responses", a.organizationId)).toBe(0);
    expect(await rows(env.DB_SHARD_1, "surveys", a.organizationId)).toBe(0);
    // Its rows in shard 0 (the control plane: identity originals too) are all still there.
    expect(await ownRows(env.DB, a.organizationId)).toEqual(sourceBefore);
    expect(await env.DB.prepare("SELECT shard, moving_to FROM org_shards WHERE organization_id = ?").bind(a.organizationId).first()).toEqual({ shard: 0, moving_to: null });
    forgetShardPlacements();
    expect((await submit(aSurvey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true })).status).toBe(201);
    expect(await rows(env.DB, "responses", a.organizationId)).toBe(5);
  });

  it("deletes the copies of a move into shard 0 that fails before the flip, and never the control plane's identity originals", async () => {
    const identityBefore = await heldRows(env.DB, cOrganizationId, "identity");
    expect(identityBefore).toMatchObject({ organization: 1, member: 2, user: 2 });
    const usersBefore = await env.DB.prepare("SELECT count(*) AS n FROM user").first("n");
    const sourceBefore = await ownRows(env.DB_SHARD_1, cOrganizationId);
    expect(sourceBefore).toMatchObject({ organization: 1, member: 2, surveys: 1, responses: 1, complaints: 1 });
    const failed = await moveThroughWorkflow(cOrganizationId, 0, ["verify"]);
    expect(failed).toMatchObject({ status: "failed", error: "verify lost", fromShard: 1, toShard: 0 });
    expect(failed.rowsCopied).toBeGreaterThan(0);
    expect(await heldRows(env.DB, cOrganizationId, "tenant")).toEqual({});
    expect(await heldRows(env.DB, cOrganizationId, "identity")).toEqual(identityBefore);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM user").first("n")).toBe(usersBefore);
    expect(await ownRows(env.DB_SHARD_1, cOrganizationId)).toEqual(sourceBefore);
    expect(await env.DB.prepare("SELECT shard, moving_to FROM org_shards WHERE organization_id = ?").bind(cOrganizationId).first()).toEqual({ shard: 1, moving_to: null });
  });

  it("moves the current rows over stale copies a failed move left in the target: updated answers arrive updated, deleted responses do not arrive", async () => {
    // A failed move whose clean-up fails too leaves copies of A in shard 1, and says so.
    const failed = await moveThroughWorkflow(a.organizationId, 1, ["verify", "clean up responses 0"]);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^verify lost \(rows of the organisation may be left in shard 1, which the next move's clear removes: clean up responses 0 lost\)$/);
    expect(await env.DB.prepare("SELECT shard, moving_to FROM org_shards WHERE organization_id = ?").bind(a.organizationId).first()).toEqual({ shard: 0, moving_to: null });
    expect(await rows(env.DB_SHARD_1, "responses", a.organizationId)).toBe(5);

    // A goes on living in shard 0: one response is changed, another deleted, a new one arrives.
    const ids = (await env.DB.prepare("SELECT id FROM responses WHERE organization_id = ? ORDER BY rowid").bind(a.organizationId).all<{ id: string }>()).results.map((r) => r.id);
    const [changed, deleted] = ids as [string, string];
    await env.DB.prepare(`UPDATE responses SET answers = json_set(answers, '$.changedAfterTheFailedMove', 'yes') WHERE id = ?`).bind(changed).run();
    await env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(deleted).run();
    forgetShardPlacements();
    await submitted(aSurvey.slug);
    const current = (await env.DB.prepare("SELECT id, answers FROM responses WHERE organization_id = ? ORDER BY id").bind(a.organizationId).all<{ id: string; answers: string }>()).results;
    expect(current).toHaveLength(5);
    expect(JSON.parse(current.find((r) => r.id === changed)!.answers)).toMatchObject({ changedAfterTheFailedMove: "yes" });

    const report = await moveThroughWorkflow(a.organizationId, 1);
    expect(report).toMatchObject({ status: "done", fromShard: 0, toShard: 1, error: null });
    expect(report.tableCounts?.responses).toBe(5);
    const moved = (await env.DB_SHARD_1.prepare("SELECT id, answers FROM responses WHERE organization_id = ? ORDER BY id").bind(a.organizationId).all<{ id: string; answers: string }>()).results;
    expect(moved).toEqual(current);
    expect(moved.map((r) => r.id)).not.toContain(deleted);
    expect(await rows(env.DB, "responses", a.organizationId)).toBe(0);
  });
});
