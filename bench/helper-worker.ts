/**
 * Benchmark-only helper Worker, bundled next to the real one and bound to the same D1 database in
 * Miniflare. It is never deployed. It runs the app's own compaction and the independent statistics
 * check (bench/lib/stats-recompute.ts) so the benchmark can verify what the load left behind, and
 * it times single D1 statements for profiling.
 */
import { createDb } from "../src/db/client";
import { and, eq, gte, lt } from "drizzle-orm";
import { complaints } from "../src/db/schema";
import { complaintAnalytics, readComplaintAnalyticsRows } from "../src/db/queries/complaints-analytics";
import { backfillSlaOutcomes } from "../src/jobs/sla-sweep";
import { loadComplaintContext, rowToComplaint } from "../src/db/queries/complaints";
import { complaintHandlingTimes, complaintVolumesByPeriod, handlingTimesFromDurations, resolveComplaintSlaPolicy, slaMilestoneOutcomes } from "../src/domain/complaints";
import { compactSurveyStats } from "../src/db/queries/stats-compaction";
import { checkSurveyStats, recomputeDailyStats } from "./lib/stats-recompute";
import { simulateAcsiResponses } from "../src/domain/simulation";
import { loadMergedStats } from "../src/db/queries/analytics";
import { computeSurveyIndices, indicesWithFixedWeights } from "../src/domain/analytics/survey-indices";
import { createSeededRandom } from "../src/domain/stats/random";
import { findSurveyBySlug, loadVersionDefinition } from "../src/db/queries/surveys";
import { findResponseBySubmission, saveSubmission } from "../src/db/queries/responses";
import { validateResponseAnswers, type Answers } from "../src/domain/survey/answers";
import { parseHiddenFieldValues } from "../src/domain/survey/hidden-fields";
import { toNumericRow } from "../src/domain/survey/numeric";
import { statsLayoutFor } from "../src/db/stats-vector";
import { sha256Hex } from "../src/lib/ids";
import app from "../src/index";
import { Hono } from "hono";
import type { AppEnv } from "../src/env";
import { apiBodyLimit, bodySizeLimit, jsonDepthLimit, MAX_PUBLIC_BODY_BYTES, securityHeaders } from "../src/lib/http";
import { csrfGuard } from "../src/lib/csrf";
import { readNearReader } from "../src/routes/read-near-reader";
import { publicSurveyShard } from "../src/routes/public-survey-shard";
import { bindShard } from "../src/auth/shard-binding";
import { deploymentConfigProblems } from "../src/domain/deployment-config";
import { handleResponsesCompleted } from "../src/jobs/response-completed";
// @ts-expect-error -- plain JS Worker, no types
import baseline from "./baseline-worker.js";

type Env = { DB: D1Database } & Record<string, unknown>;

export default {
  async fetch(request: Request, baseEnv: Env): Promise<Response> {
    const url = new URL(request.url);
    // ?db=<binding> picks another D1 binding (the sharding test binds one helper to several databases).
    const binding = url.searchParams.get("db");
    const env: Env = binding ? { ...baseEnv, DB: baseEnv[binding] as D1Database } : baseEnv;
    const db = createDb(env.DB);
    const surveyId = url.searchParams.get("survey") ?? "";
    if (url.pathname === "/compact") {
      const started = performance.now();
      let folded = 0;
      for (;;) {
        const n = await compactSurveyStats(db, surveyId);
        folded += n;
        if (n === 0) break;
      }
      return Response.json({ folded, ms: performance.now() - started });
    }
    if (url.pathname === "/followup") {
      // The queue consumer's follow-up (complaint triggers, webhooks), run directly on `limit` waiting
      // responses in sets of `set` (the consumer's batch size; 1 = one message per call).
      const started = performance.now();
      const limit = Number(url.searchParams.get("limit") ?? 1_000_000);
      const setSize = Math.max(1, Number(url.searchParams.get("set") ?? 50));
      const ids = (await env.DB.prepare("SELECT id FROM responses WHERE survey_id = ? AND status = 'completed' AND triggers_evaluated_at IS NULL LIMIT ?").bind(surveyId, limit).all<{ id: string }>()).results.map(({ id }) => id);
      const stats: D1Stats = { calls: 0, ms: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
      const DB = instrumentD1(env.DB, stats);
      const noQueue = { ...env, DB, EVENTS: { send: async () => undefined, sendBatch: async () => undefined } } as never;
      const timedDb = createDb(DB);
      for (let i = 0; i < ids.length; i += setSize) await handleResponsesCompleted(timedDb, noQueue, ids.slice(i, i + setSize), new Date());
      const n = Math.max(1, ids.length);
      return Response.json({
        handled: ids.length,
        setSize,
        ms: performance.now() - started,
        perResponse: { d1Calls: stats.calls / n, statements: stats.statements / n, msInD1: stats.ms / n, rowsRead: stats.rowsRead / n, rowsWritten: stats.rowsWritten / n },
      });
    }
    if (url.pathname === "/seed-responses") {
      const p = url.searchParams;
      return Response.json(await seedResponses(env, surveyId, Number(p.get("n")), Number(p.get("offset") ?? 0), Number(p.get("days") ?? 400), Number(p.get("now"))));
    }
    if (url.pathname === "/build-stats") return Response.json(await buildStats(env, db, surveyId));
    if (url.pathname === "/clone-complaints") {
      return Response.json(await cloneComplaints(env, url.searchParams.get("org") ?? "", Number(url.searchParams.get("factor") ?? 1), url.searchParams.get("like") ?? "%"));
    }
    if (url.pathname === "/profile-indices") {
      const p = url.searchParams;
      return Response.json(await profileIndices(env, db, surveyId, p.get("from") ?? undefined, p.get("to") ?? undefined, Number(p.get("repeat") ?? 10)));
    }
    if (url.pathname === "/profile-complaint-analytics") {
      return Response.json(await profileComplaintAnalytics(env, db, url.searchParams.get("org") ?? "", Number(url.searchParams.get("days") ?? 90), Number(url.searchParams.get("repeat") ?? 5)));
    }
    if (url.pathname === "/check-stats") return Response.json(await checkSurveyStats(db, surveyId));
    if (url.pathname === "/profile") return Response.json(await profileSubmitPath(env, db, url.searchParams.get("slug") ?? "", Number(url.searchParams.get("repeat") ?? 200)));
    if (url.pathname === "/profile-requests") {
      return Response.json(await profileRequests(env, url.searchParams.get("slug") ?? "", Number(url.searchParams.get("repeat") ?? 300)));
    }
    if (url.pathname === "/sql") {
      // Times a list of statements, each run `repeat` times (profiling what dominates a request).
      const { statements, repeat } = (await request.json()) as { statements: { sql: string; params: unknown[] }[]; repeat: number };
      const out: { sql: string; ms: number }[] = [];
      for (const s of statements) {
        const started = performance.now();
        for (let i = 0; i < repeat; i++) await env.DB.prepare(s.sql).bind(...s.params).run();
        out.push({ sql: s.sql.slice(0, 80), ms: (performance.now() - started) / repeat });
      }
      return Response.json(out);
    }
    return new Response("not found", { status: 404 });
  },
};

/**
 * Times the steps of one submission (the functions the submit route calls), each repeated
 * `repeat` times. Workers clocks only advance at I/O, so every timed loop ends in I/O and the
 * per-iteration figure includes the CPU time spent before it.
 */
async function profileSubmitPath(env: Env, db: ReturnType<typeof createDb>, slug: string, repeat: number) {
  const survey = (await findSurveyBySlug(db, slug))!;
  const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion!);
  const answers: Answers = {
    ce_overall: 8, ce_custom: 7, ce_reliability: 8, pq_overall: 8, pq_custom: 7, pq_reliability: 9,
    pv_price_given_quality: 7, pv_quality_given_price: 7, sat_overall: 8, sat_expectations: 7, sat_ideal: 7,
    complained: false, loy_repurchase: 8, loy_price_increase: 6, loy_price_decrease: 6, nps: 9, sat_level: 4, comment: "Fine.",
  };
  const hidden = { touchpoint: "store", region: "east", tier: "gold" };
  await env.DB.exec("CREATE TABLE IF NOT EXISTS profile_baseline (id TEXT PRIMARY KEY, slug TEXT, submission_id TEXT, answers TEXT, hidden TEXT, status TEXT, created_at INTEGER, UNIQUE (slug, submission_id))");
  const steps: { step: string; ms: number }[] = [];
  const time = async (step: string, body: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < repeat; i++) await body(i);
    steps.push({ step, ms: Math.round(((performance.now() - started) / repeat) * 1000) / 1000 });
  };
  const tag = Date.now().toString(36);
  const draftRow = await env.DB.prepare("SELECT draft_definition FROM surveys WHERE slug = ?").bind(slug).first<{ draft_definition: string }>();
  const draftJson = draftRow!.draft_definition;
  await time("D1 round trip: SELECT 1", () => env.DB.prepare("SELECT 1").first());
  await time("survey by slug (drizzle findFirst)", () => findSurveyBySlug(db, slug));
  await time("survey by slug (raw D1 .first())", () => env.DB.prepare("SELECT * FROM surveys WHERE slug = ?").bind(slug).first());
  await time("invitation token: sha256 + lookup (miss)", async (i) =>
    db.query.surveyInvitations.findFirst({ where: (t, { eq }) => eq(t.tokenHash, `${i}`) }).then(() => sha256Hex(`token-${i}`)),
  );
  await time("existing response by submissionId (miss)", (i) => findResponseBySubmission(db, survey.id, `profile-miss-${tag}-${i}`));
  await time("CPU: validate answers + hidden + numeric row (+ SELECT 1)", async () => {
    validateResponseAnswers(definition, answers, { complete: true });
    parseHiddenFieldValues(definition, hidden);
    toNumericRow(definition, answers, { allNumeric: true });
    statsLayoutFor(definition);
    await env.DB.prepare("SELECT 1").first();
  });
  await time("save batch (insert + completed_count + stats log)", (i) =>
    saveSubmission(db, {
      survey, definition, version: survey.publishedVersion!, submissionId: `profile-${tag}-${i}`, invitation: null, answers, hidden,
      language: "en", complete: true, currentPage: 0, resumeHash: null, respondentEmail: null, ip: null, existing: null, now: new Date(),
    }),
  );
  await time("baseline: one INSERT", (i) =>
    env.DB.prepare("INSERT INTO profile_baseline VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (slug, submission_id) DO NOTHING")
      .bind(`p-${tag}-${i}`, slug, `s-${tag}-${i}`, JSON.stringify(answers), JSON.stringify(hidden), "completed", Date.now())
      .run(),
  );
  // CPU-only steps: `cpuRepeat` iterations, then one I/O so the clock advances.
  const cpuRepeat = 1000;
  const cpu = async (step: string, body: () => unknown) => {
    await env.DB.prepare("SELECT 1").first();
    const started = performance.now();
    for (let i = 0; i < cpuRepeat; i++) body();
    await env.DB.prepare("SELECT 1").first();
    const total = performance.now() - started;
    steps.push({ step: `CPU: ${step}`, ms: Math.round((total / cpuRepeat) * 1000) / 1000 });
  };
  await cpu("createDb (drizzle instance per request)", () => createDb(env.DB));
  await cpu("drizzle: build survey-by-slug query", () => db.query.surveys.findFirst({ where: (t, { eq }) => eq(t.slug, slug) }).toSQL());
  await cpu("drizzle: build response-by-submission query", () =>
    db.query.responses.findFirst({ where: (t, { and, eq }) => and(eq(t.surveyId, survey.id), eq(t.submissionId, "x")) }).toSQL(),
  );
  await cpu("validateResponseAnswers (complete)", () => validateResponseAnswers(definition, answers, { complete: true }));
  await cpu("toNumericRow", () => toNumericRow(definition, answers, { allNumeric: true }));
  await cpu("JSON.parse of the survey row's draft_definition", () => JSON.parse(draftJson));
  return steps;
}

/** Wraps a D1 binding so every call (statement or batch) is counted and timed. */
type D1Stats = { calls: number; ms: number; statements: number; rowsRead: number; rowsWritten: number };
function instrumentD1(real: D1Database, stats: D1Stats): D1Database {
  const count = (result: unknown) => {
    for (const r of Array.isArray(result) ? result : [result]) {
      const meta = (r as { meta?: { rows_read?: number; rows_written?: number } } | null)?.meta;
      stats.rowsRead += meta?.rows_read ?? 0;
      stats.rowsWritten += meta?.rows_written ?? 0;
    }
  };
  const timed = async <T>(statements: number, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await run();
      count(result);
      return result;
    } finally {
      stats.calls++;
      stats.statements += statements;
      stats.ms += performance.now() - started;
    }
  };
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      __real: statement,
      bind: (...values: unknown[]) => wrapStatement(statement.bind(...values)),
      first: (column?: string) => timed(1, () => (column ? statement.first(column) : statement.first())),
      all: () => timed(1, () => statement.all()),
      run: () => timed(1, () => statement.run()),
      raw: (options?: { columnNames?: boolean }) => timed(1, () => statement.raw(options as never)),
    };
    return wrapped as unknown as D1PreparedStatement;
  };
  const unwrap = (s: D1PreparedStatement) => ((s as unknown as { __real?: D1PreparedStatement }).__real ?? s);
  return {
    prepare: (query: string) => wrapStatement(real.prepare(query)),
    batch: (statements: D1PreparedStatement[]) => timed(statements.length, () => real.batch(statements.map(unwrap))),
    exec: (query: string) => timed(1, () => real.exec(query)),
    // The public routes read through a D1 session (read-near-reader): count its calls too.
    withSession: (constraint?: string) => {
      const session = real.withSession(constraint as never);
      return {
        prepare: (query: string) => wrapStatement(session.prepare(query)),
        batch: (statements: D1PreparedStatement[]) => timed(statements.length, () => session.batch(statements.map(unwrap))),
        getBookmark: () => session.getBookmark(),
      };
    },
    dump: real.dump?.bind(real),
  } as unknown as D1Database;
}

/**
 * The whole submit request through the app's own fetch handler (no HTTP, no load generator) with an
 * instrumented D1 binding: per request, the time inside D1 calls and everything else (routing,
 * validation, JSON, drizzle). The same for the baseline Worker's handler.
 */
async function profileRequests(env: Env, slug: string, repeat: number) {
  const body = (sid: string, token?: string) =>
    JSON.stringify({
      token,
      submissionId: sid, language: "en", complete: true, hidden: { touchpoint: "store", region: "east", tier: "gold" },
      answers: {
        ce_overall: 8, ce_custom: 7, ce_reliability: 8, pq_overall: 8, pq_custom: 7, pq_reliability: 9, pv_price_given_quality: 7,
        pv_quality_given_price: 7, sat_overall: 8, sat_expectations: 7, sat_ideal: 7, complained: false, loy_repurchase: 8,
        loy_price_increase: 6, loy_price_decrease: 6, nps: 9, sat_level: 4, comment: "Fine.",
      },
    });
  const ctx = { waitUntil: (p: Promise<unknown>) => void p.catch(() => undefined), passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
  const limiter = { limit: async () => ({ success: true }) };
  const events = { send: async () => undefined, sendBatch: async () => undefined };
  await env.DB.exec("CREATE TABLE IF NOT EXISTS baseline_responses (id TEXT PRIMARY KEY, survey_slug TEXT NOT NULL, submission_id TEXT NOT NULL, answers TEXT NOT NULL, hidden TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (survey_slug, submission_id))");
  const out: Record<string, string | number>[] = [];
  const tag = Date.now().toString(36);
  // Single-use invitations for the token target (written directly: the helper has no staff session).
  const profiled = await env.DB.prepare("SELECT id, organization_id FROM surveys WHERE slug = ?").bind(slug).first<{ id: string; organization_id: string }>();
  const tokenOf = (i: number) => `prof-token-${tag}-${i}`;
  const invitationRows = await Promise.all(
    Array.from({ length: repeat + 50 }, async (_, i) => JSON.stringify([`inv_${tag}_${i}`, profiled!.organization_id, profiled!.id, await sha256Hex(tokenOf(i)), Date.now()])),
  );
  for (let i = 0; i < invitationRows.length; i += 200) {
    await env.DB.prepare(
      `INSERT INTO survey_invitations (id, organization_id, survey_id, token_hash, uses_left, reminder_count, created_at)
       SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), 1, 0, json_extract(value, '$[4]') FROM json_each(?1)`,
    )
      .bind(`[${invitationRows.slice(i, i + 200).join(",")}]`)
      .run();
  }
  // Two requests with no D1 call, to split the "elsewhere" share: the middlewares and routing alone (a
  // POST to an unknown public path: caps, depth check reading the body, 404 problem), and those plus the
  // route's zod validation and problem shaping (a submission without its submissionId: 422).
  const noD1Targets = {
    "feedloop: 404 (middlewares only)": { path: "/api/public/no-such-route", omitSubmissionId: false },
    "feedloop: 422 (+ route, zod)": { path: `/api/public/surveys/${slug}/responses`, omitSubmissionId: true },
  } as const;
  // A chunked upload (no Content-Length): the body caps count a tee of the stream instead of trusting a header.
  const chunked = "feedloop, chunked body";
  for (const target of ["feedloop", "feedloop + token", chunked, ...Object.keys(noD1Targets), "baseline"] as const) {
    const noD1 = (noD1Targets as Record<string, { path: string; omitSubmissionId: boolean }>)[target];
    const path = noD1?.path ?? `/api/public/surveys/${slug}/responses`;
    const requestBody = (sid: string, token?: string) => (noD1?.omitSubmissionId ? body(sid, token).replace(/"submissionId":"[^"]*",/, "") : body(sid, token));
    const stats: D1Stats = { calls: 0, ms: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
    const DB = instrumentD1(env.DB, stats);
    const appEnv = { DB, EVENTS: events, RATE_LIMITS: "off", APP_ENV: "production", PUBLIC_ORIGIN: "http://x", BETTER_AUTH_SECRET: "x".repeat(40), LINK_SIGNING_SECRET: "y".repeat(40), PUBLIC_IP_LIMITER: limiter, SURVEY_LIMITER: limiter };
    const handler = target !== "baseline" ? (app as { fetch: (r: Request, e: unknown, c: ExecutionContext) => Promise<Response> }) : (baseline as { fetch: (r: Request, e: unknown) => Promise<Response> });
    // Warm up (JIT, caches), then measure.
    for (let i = 0; i < 50; i++) await handler.fetch(jsonPost(`http://x${path}`, target !== chunked, requestBody(`warm-${target.replace(/\W+/g, "-")}-${tag}-${i}`, target === "feedloop + token" ? tokenOf(repeat + i) : undefined)), appEnv, ctx);
    stats.calls = stats.ms = stats.statements = stats.rowsRead = stats.rowsWritten = 0;
    const started = performance.now();
    let created = 0;
    for (let i = 0; i < repeat; i++) {
      const res = await handler.fetch(jsonPost(`http://x${path}`, target !== chunked, requestBody(`prof-${target.replace(/\W+/g, "-")}-${tag}-${i}`, target === "feedloop + token" ? tokenOf(i) : undefined)), appEnv, ctx);
      if (res.status === 201) created++;
      await res.arrayBuffer();
    }
    const total = (performance.now() - started) / repeat;
    out.push({
      target,
      "ms/request": total.toFixed(3),
      "D1 calls": (stats.calls / repeat).toFixed(1),
      "statements": (stats.statements / repeat).toFixed(1),
      "rows read": (stats.rowsRead / repeat).toFixed(1),
      "rows written": (stats.rowsWritten / repeat).toFixed(1),
      "ms in D1": (stats.ms / repeat).toFixed(3),
      // workerd moves its clock only between I/O events: time spent in JavaScript lands in whichever
      // timed span its turn ends in (often the D1 call it issues), so this is not the Worker's CPU.
      "ms elsewhere": (total - stats.ms / repeat).toFixed(3),
      "201s": created,
    });
  }
  out.push(...(await profileMiddlewares(appEnv0(env, limiter, events), slug, body, ctx, repeat)));
  return out;
}

/**
 * A JSON POST as it arrives over HTTP: with its Content-Length (a Request built from a string has none,
 * which sends the body caps down their counted-stream path, the one for chunked uploads).
 */
function jsonPost(url: string, withLength: boolean, text: string): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (withLength) headers["content-length"] = String(new TextEncoder().encode(text).byteLength);
  return new Request(url, { method: "POST", headers, body: text });
}

function appEnv0(env: Env, limiter: unknown, events: unknown) {
  return { DB: env.DB, EVENTS: events, RATE_LIMITS: "off", APP_ENV: "production", PUBLIC_ORIGIN: "http://x", BETTER_AUTH_SECRET: "x".repeat(40), LINK_SIGNING_SECRET: "y".repeat(40), PUBLIC_IP_LIMITER: limiter, SURVEY_LIMITER: limiter };
}

/**
 * The public submit path's middlewares (the product's own functions, in src/index.ts's order) added one
 * at a time to a bare Hono app whose handler parses the body and answers 201: each row's increase over
 * the one before is that middleware's cost. Bench-only: the product's chain is not changed by this.
 */
async function profileMiddlewares(appEnv: unknown, slug: string, body: (sid: string) => string, ctx: ExecutionContext, repeat: number) {
  const chain: [string, (h: Hono<AppEnv>) => void][] = [
    ["bare Hono: c.req.json() → c.json(201)", () => undefined],
    ["+ request id, config check, database (shard 0)", (h) => h.use("*", async (c, next) => {
      c.set("requestId", crypto.randomUUID());
      if (deploymentConfigProblems(c.env).length > 0) throw new Error("misconfigured");
      bindShard(c, 0);
      await next();
    })],
    ["+ securityHeaders", (h) => h.use("*", securityHeaders)],
    ["+ publicSurveyShard (slug → shard, cached)", (h) => h.use("/api/public/surveys/*", publicSurveyShard)],
    ["+ readNearReader (D1 session, bookmark)", (h) => h.use("/api/public/*", readNearReader)],
    ["+ bodySizeLimit ×2 (public, api)", (h) => { h.use("/api/public/*", bodySizeLimit(MAX_PUBLIC_BODY_BYTES)); h.use("/api/*", bodySizeLimit(apiBodyLimit)); }],
    ["+ csrfGuard", (h) => h.use("/api/*", csrfGuard)],
    ["+ jsonDepthLimit", (h) => h.use("/api/*", jsonDepthLimit)],
  ];
  const out: Record<string, string | number>[] = [];
  for (let upTo = 0; upTo < chain.length; upTo++) {
    const h = new Hono<AppEnv>();
    for (const [, add] of chain.slice(0, upTo + 1)) add(h);
    h.post("/api/public/surveys/:slug/responses", async (c) => c.json({ id: ((await c.req.json()) as { submissionId: string }).submissionId, status: "completed" }, 201));
    const run = async (i: number) => {
      // The seeded survey's slug: its shard placement is cached after the first request, as on a warm isolate.
      const res = await h.fetch(jsonPost(`http://x/api/public/surveys/${slug}/responses`, true, body(`mw-${upTo}-${i}`)), appEnv as never, ctx);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 50; i++) await run(i);
    const started = performance.now();
    for (let i = 0; i < repeat; i++) await run(i);
    out.push({ target: `mw: ${chain[upTo]![0]}`, "ms/request": ((performance.now() - started) / repeat).toFixed(3) });
  }
  return out;
}

/** Multi-row INSERTs, each under D1's 100 KB statement limit. */
function packInserts(d1: D1Database, head: string, rows: string[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  let current: string[] = [];
  let size = head.length;
  for (const row of rows) {
    if (current.length > 0 && size + row.length + 1 > 90_000) {
      statements.push(d1.prepare(head + current.join(",")));
      current = [];
      size = head.length;
    }
    current.push(row);
    size += row.length + 1;
  }
  if (current.length > 0) statements.push(d1.prepare(head + current.join(",")));
  return statements;
}

const sqlText = (value: string | null) => (value === null ? "NULL" : `'${value.replace(/'/g, "''")}'`);

/**
 * bench:query seeding, step 1: `n` completed responses of the ACSI template, simulated from the
 * known ACSI model (src/domain/simulation, as the demo seed does), spread over `days` days before
 * `now` and three segment dimensions, written as plain rows in large batches (no statistics log:
 * step 2 builds the statistics rows). Deterministic for a given offset.
 */
async function seedResponses(env: Env, surveyId: string, n: number, offset: number, days: number, now: number) {
  const started = performance.now();
  const survey = await env.DB.prepare("SELECT organization_id, published_version FROM surveys WHERE id = ?").bind(surveyId).first<{ organization_id: string; published_version: number }>();
  if (!survey) throw new Error("no survey");
  const simulated = simulateAcsiResponses({ n, seed: 7919 + offset });
  const random = createSeededRandom(104_729 + offset);
  const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
  const rows: string[] = [];
  for (let r = 0; r < n; r++) {
    const row = simulated.rows[r]!;
    const answers: Record<string, unknown> = {};
    simulated.itemIds.forEach((id, k) => (answers[id] = id === "complained" ? row[k] === 1 : row[k]!));
    answers.nps = clamp(((answers.loy_repurchase as number) - 1) * (10 / 9) + (random() - 0.5) * 3, 0, 10);
    answers.sat_level = clamp(1 + ((answers.sat_overall as number) - 1) * (4 / 9) + (random() - 0.5), 1, 5);
    if (answers.complained === true) answers.complaint_detail = "Delivery was late.";
    const hidden = { touchpoint: pick(["store", "web", "call_centre"]), region: pick(["north", "east", "south", "west"]), tier: pick(["standard", "gold", "platinum"]) };
    const completedAt = now - Math.floor(random() * days * 86_400_000);
    const i = offset + r;
    rows.push(
      `(${sqlText(`rsp_bench_${i}`)}, ${sqlText(survey.organization_id)}, ${sqlText(surveyId)}, ${survey.published_version}, ${sqlText(`bench-${i}`)}, ${sqlText(random() < 0.6 ? "zh-CN" : "en")}, ${sqlText(JSON.stringify(hidden))}, ${sqlText(JSON.stringify(answers))}, 'completed', 4, ${sqlText(hidden.touchpoint)}, ${sqlText(hidden.region)}, ${sqlText(hidden.tier)}, 0, ${completedAt}, ${completedAt}, ${completedAt}, ${completedAt})`,
    );
  }
  const statements = packInserts(
    env.DB,
    "INSERT INTO responses (id, organization_id, survey_id, version, submission_id, language, hidden, answers, status, current_page, touchpoint, region, tier, anonymised, created_at, updated_at, completed_at, triggers_evaluated_at) VALUES ",
    rows,
  );
  for (let i = 0; i < statements.length; i += 20) await env.DB.batch(statements.slice(i, i + 20));
  await env.DB.prepare("UPDATE surveys SET completed_count = completed_count + ? WHERE id = ?").bind(n, surveyId).run();
  return { inserted: n, ms: performance.now() - started };
}

/**
 * bench:query seeding, step 2: the survey_daily_stats rows of the seeded responses, computed by
 * bench/lib/stats-recompute.ts with the submit path's own bucket and roll-up rules and
 * encodeMoments (the chaos tests show submit + compaction produce exactly these rows).
 */
async function buildStats(env: Env, db: ReturnType<typeof createDb>, surveyId: string) {
  const started = performance.now();
  const survey = await env.DB.prepare("SELECT organization_id FROM surveys WHERE id = ?").bind(surveyId).first<{ organization_id: string }>();
  const { rows, completed } = await recomputeDailyStats(db, surveyId);
  const values = [...rows.entries()].map(([key, row]) => {
    const [version, day, touchpoint, region, tier] = key.split("|");
    return `(${sqlText(survey!.organization_id)}, ${sqlText(surveyId)}, ${version}, ${sqlText(day!)}, ${sqlText(touchpoint!)}, ${sqlText(region!)}, ${sqlText(tier!)}, ${row.n}, ${sqlText(JSON.stringify(row.vector))})`;
  });
  await env.DB.prepare("DELETE FROM survey_daily_stats WHERE survey_id = ?").bind(surveyId).run();
  const statements = packInserts(env.DB, "INSERT INTO survey_daily_stats (organization_id, survey_id, version, day, touchpoint, region, tier, n, vector) VALUES ", values);
  for (let i = 0; i < statements.length; i += 20) await env.DB.batch(statements.slice(i, i + 20));
  // Month rows: marked stale, then rebuilt from the day rows by the app's own compaction (the path
  // a database migrated from before month rows takes).
  await env.DB.prepare(
    "INSERT INTO survey_stats_compaction (survey_id, through_id, monthly_through_id) VALUES (?1, 0, NULL) ON CONFLICT (survey_id) DO UPDATE SET monthly_through_id = NULL",
  )
    .bind(surveyId)
    .run();
  const monthsStarted = performance.now();
  await compactSurveyStats(db, surveyId);
  const monthRows = await env.DB.prepare("SELECT count(*) AS n FROM survey_monthly_stats WHERE survey_id = ?").bind(surveyId).first<{ n: number }>();
  return { completed, statsRows: values.length, monthRows: monthRows!.n, monthRebuildMs: performance.now() - monthsStarted, ms: performance.now() - started };
}

/**
 * bench:query complaint seeding: copies the organisation's complaints (created through the staff
 * API, so every column is as the app writes it) `factor - 1` times with new ids and references,
 * received times shifted back by whole days so the copies span the last 90 days; their timeline
 * events are copied with them.
 */
async function cloneComplaints(env: Env, organizationId: string, factor: number, subjectLike: string) {
  const started = performance.now();
  const columns = (await env.DB.prepare("SELECT name FROM pragma_table_info('complaints')").all<{ name: string }>()).results.map((c) => c.name);
  const eventColumns = (await env.DB.prepare("SELECT name FROM pragma_table_info('complaint_events')").all<{ name: string }>()).results.map((c) => c.name);
  const timeColumns = new Set(["received_at", "acknowledged_at", "first_responded_at", "closed_at", "acknowledge_due_at", "first_response_due_at", "resolution_due_at", "next_due_at", "created_at", "updated_at"]);
  for (let k = 1; k < factor; k++) {
    const shift = (k % 90) * 86_400_000;
    const expr = (c: string) => {
      if (c === "id") return `id || '.c${k}'`;
      if (c === "reference") return `substr(reference, 1, 8) || printf('%06d', ${k} * 10000 + CAST(substr(reference, 9) AS INTEGER))`;
      if (c === "intake_key") return `CASE WHEN intake_key IS NULL THEN NULL ELSE intake_key || '.c${k}' END`;
      if (c === "source_response_id") return "NULL";
      // Shifted dates move business-calendar due times unevenly (weekends): the copies' stored SLA
      // outcomes are recomputed by the app's backfill below, as rows from before migration 0004 are.
      if (c === "sla_outcome_basis") return "NULL";
      if (timeColumns.has(c)) return `CASE WHEN ${c} IS NULL THEN NULL ELSE ${c} - ${shift} END`;
      return c;
    };
    const eventExpr = (c: string) => (c === "id" ? `id || '.c${k}'` : c === "complaint_id" ? `complaint_id || '.c${k}'` : c === "at" ? `at - ${shift}` : c);
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO complaints (${columns.join(", ")}) SELECT ${columns.map(expr).join(", ")} FROM complaints WHERE organization_id = ?1 AND id NOT LIKE '%.c%' AND subject LIKE ?2`).bind(organizationId, subjectLike),
      env.DB.prepare(`INSERT INTO complaint_events (${eventColumns.join(", ")}) SELECT ${eventColumns.map(eventExpr).join(", ")} FROM complaint_events WHERE organization_id = ?1 AND complaint_id IN (SELECT id FROM complaints WHERE organization_id = ?1 AND id NOT LIKE '%.c%' AND subject LIKE ?2)`).bind(organizationId, subjectLike),
    ]);
  }
  const backfillStarted = performance.now();
  const db = createDb(env.DB);
  let backfilled = 0;
  for (let n = -1; n !== 0; backfilled += n) n = Math.max(0, await backfillSlaOutcomes(db, new Date(), 2000));
  const backfillMs = performance.now() - backfillStarted;
  const total = await env.DB.prepare("SELECT count(*) AS n FROM complaints WHERE organization_id = ?").bind(organizationId).first<{ n: number }>();
  return { complaints: total!.n, ms: performance.now() - started, backfilled, backfillMs };
}

/** A timer that runs a step `repeat` times (each followed by `after`, if given) and reports the mean ms and the last value. */
function timedRepeat(repeat: number, after?: () => Promise<unknown>) {
  return async <T,>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
    let value!: T;
    const started = performance.now();
    for (let i = 0; i < repeat; i++) {
      value = await fn();
      if (after) await after();
    }
    return { ms: (performance.now() - started) / repeat, value };
  };
}

/**
 * Where a complaint analytics call goes. Workers clocks only advance at I/O, so each timed step
 * ends with a trivial query.
 */
async function profileComplaintAnalytics(env: Env, db: ReturnType<typeof createDb>, organizationId: string, days: number, repeat: number) {
  const now = new Date();
  const from = new Date(now.getTime() - days * 86_400_000);
  const time = timedRepeat(repeat, () => env.DB.prepare("SELECT 1").first());
  const ctx = await loadComplaintContext(db, organizationId);
  const inPeriod = and(eq(complaints.organizationId, organizationId), gte(complaints.receivedAt, from), lt(complaints.receivedAt, now));
  const read = await time(() => db.select().from(complaints).where(inPeriod));
  const readKpiColumns = await time(() =>
    db
      .select({ id: complaints.id, state: complaints.state, priority: complaints.priority, category: complaints.category, touchpoint: complaints.touchpoint, segment: complaints.segment, receivedAt: complaints.receivedAt, acknowledgedAt: complaints.acknowledgedAt, firstRespondedAt: complaints.firstRespondedAt, closedAt: complaints.closedAt, stateHistory: complaints.stateHistory })
      .from(complaints)
      .where(inPeriod),
  );
  const mapped = await time(() => read.value.map(rowToComplaint));
  const outcomes = await time(() =>
    mapped.value.map((c) => ({ ...c, sla: slaMilestoneOutcomes(c, resolveComplaintSlaPolicy(ctx.policies, c.priority, c.category), ctx.calendar, now) })),
  );
  const volumes = await time(() => complaintVolumesByPeriod(outcomes.value, ["category", "touchpoint", "segment.region", "segment.tier"], { granularity: "week", timeZone: ctx.timeZone }));
  const handling = await time(() => [complaintHandlingTimes(outcomes.value), complaintHandlingTimes(outcomes.value, { calendar: ctx.calendar })]);
  const whole = await time(() => complaintAnalytics(db, organizationId, { from, to: now, granularity: "week", now }));
  const readStored = await time(() => readComplaintAnalyticsRows(db, ctx, { from, to: now, granularity: "week", now }));
  const counts = readStored.value.counts;
  const handlingStored = await time(() =>
    [[counts.h1, counts.h2, counts.h3], [counts.h4, counts.h5, counts.h6]].map((columns) => {
      const [acknowledge, first_response, resolution] = columns.map((json) => (JSON.parse(json ?? "[]") as number[]).map((ms) => ms / 60_000));
      return handlingTimesFromDurations({ acknowledge: acknowledge!, first_response: first_response!, resolution: resolution! });
    }),
  );
  return {
    complaints: read.value.length,
    steps: [
      { step: "read the period's complaint rows, all columns (before)", ms: read.ms },
      { step: "read the period's complaint rows, the KPI columns only (before)", ms: readKpiColumns.ms },
      { step: "rowToComplaint (before)", ms: mapped.ms },
      { step: "SLA outcomes per milestone, computed (before)", ms: outcomes.ms },
      { step: "handling times, elapsed + business minutes walked (before)", ms: handling.ms },
      { step: `one batch: one scan grouping counts/volumes from stored outcomes + handling-time columns, anomaly windows (now; ${readStored.value.unstored.length} rows to recompute)`, ms: readStored.ms },
      { step: "volumes by period × 4 dimensions", ms: volumes.ms },
      { step: "handling times from the JSON duration arrays, elapsed + stored business ms (now)", ms: handlingStored.ms },
      { step: "complaintAnalytics, whole (now)", ms: whole.ms },
    ],
  };
}

/** Where an indices call spends its time: reading + merging the statistics rows vs the PLS estimation. */
async function profileIndices(env: Env, db: ReturnType<typeof createDb>, surveyId: string, from: string | undefined, to: string | undefined, repeat: number) {
  const survey = await env.DB.prepare("SELECT organization_id, published_version FROM surveys WHERE id = ?").bind(surveyId).first<{ organization_id: string; published_version: number }>();
  const definition = await loadVersionDefinition(db, surveyId, survey!.published_version);
  const range = { from, to };
  const rowStats = await env.DB.prepare(
    "SELECT count(*) AS n, sum(length(vector)) AS bytes FROM survey_daily_stats WHERE survey_id = ?1 AND day >= coalesce(?2, '') AND day <= coalesce(?3, '9999') AND touchpoint = '*' AND region = '*' AND tier = '*'",
  )
    .bind(surveyId, from ?? null, to ?? null)
    .first<{ n: number; bytes: number }>();
  const time = timedRepeat(repeat);
  const sql = await time(() => env.DB.prepare("SELECT day, n, vector FROM survey_daily_stats WHERE survey_id = ?1 AND day >= coalesce(?2, '') AND day <= coalesce(?3, '9999') AND touchpoint = '*' AND region = '*' AND tier = '*'").bind(surveyId, from ?? null, to ?? null).all());
  const load = await time(() => loadMergedStats(db, survey!.organization_id, surveyId, range, {}));
  const pls = await time(() => computeSurveyIndices(definition, load.value[0]!.moments, { scheme: "path" }));
  const periods = await time(() => loadMergedStats(db, survey!.organization_id, surveyId, range, {}, { interval: "month" }));
  const fixed = await time(() => periods.value.map((p) => indicesWithFixedWeights(pls.value.indices!, p.moments)));
  const split = await time(() => loadMergedStats(db, survey!.organization_id, surveyId, range, {}, { splitBy: "touchpoint" }));
  return {
    rows: rowStats!.n,
    vectorKB: Math.round((rowStats!.bytes ?? 0) / 1024),
    steps: [
      { step: "raw D1 read of the all-segments rows (no parsing)", ms: sql.ms },
      { step: "loadMergedStats: read + JSON.parse + sum + decode", ms: load.ms },
      { step: "computeSurveyIndices (PLS path model, drivers, KPIs)", ms: pls.ms },
      { step: "trend: loadMergedStats by month", ms: periods.ms },
      { step: "trend: indices with fixed weights per month", ms: fixed.ms },
      { step: "segments: loadMergedStats split by touchpoint", ms: split.ms },
    ],
  };
}
