/**
 * Benchmark-only helper Worker, bundled next to the real one and bound to the same D1 database in
 * Miniflare. It is never deployed. It runs the app's own compaction and the independent statistics
 * check (bench/lib/stats-recompute.ts) so the benchmark can verify what the load left behind, and
 * it times single D1 statements for profiling.
 */
import { createDb } from "../src/db/client";
import { compactSurveyStats } from "../src/db/queries/stats-compaction";
import { checkSurveyStats } from "./lib/stats-recompute";
import { findSurveyBySlug, loadVersionDefinition } from "../src/db/queries/surveys";
import { findResponseBySubmission, saveSubmission } from "../src/db/queries/responses";
import { validateResponseAnswers, type Answers } from "../src/domain/survey/answers";
import { parseHiddenFieldValues } from "../src/domain/survey/hidden-fields";
import { toNumericRow } from "../src/domain/survey/numeric";
import { statsLayoutFor } from "../src/db/stats-vector";
import { sha256Hex } from "../src/lib/ids";
import app from "../src/index";
import { handleResponseCompleted } from "../src/jobs/response-completed";
// @ts-expect-error -- plain JS Worker, no types
import baseline from "./baseline-worker.js";

type Env = { DB: D1Database };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
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
      // The queue consumer's per-response work (complaint triggers, webhooks), run directly.
      const started = performance.now();
      const ids = (await env.DB.prepare("SELECT id FROM responses WHERE survey_id = ? AND status = 'completed' AND triggers_evaluated_at IS NULL").bind(surveyId).all<{ id: string }>()).results;
      const noQueue = { ...env, EVENTS: { send: async () => undefined, sendBatch: async () => undefined } } as never;
      for (const { id } of ids) await handleResponseCompleted(db, noQueue, id, new Date());
      return Response.json({ handled: ids.length, ms: performance.now() - started });
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
    withSession: real.withSession?.bind(real),
    dump: real.dump?.bind(real),
  } as unknown as D1Database;
}

/**
 * The whole submit request through the app's own fetch handler (no HTTP, no load generator) with an
 * instrumented D1 binding: per request, the time inside D1 calls and everything else (routing,
 * validation, JSON, drizzle). The same for the baseline Worker's handler.
 */
async function profileRequests(env: Env, slug: string, repeat: number) {
  const body = (sid: string) =>
    JSON.stringify({
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
  for (const target of ["feedloop", "baseline"] as const) {
    const stats: D1Stats = { calls: 0, ms: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
    const DB = instrumentD1(env.DB, stats);
    const appEnv = { DB, EVENTS: events, RATE_LIMITS: "off", APP_ENV: "production", PUBLIC_ORIGIN: "http://x", BETTER_AUTH_SECRET: "x".repeat(40), PUBLIC_IP_LIMITER: limiter, SURVEY_LIMITER: limiter };
    const handler = target === "feedloop" ? (app as { fetch: (r: Request, e: unknown, c: ExecutionContext) => Promise<Response> }) : (baseline as { fetch: (r: Request, e: unknown) => Promise<Response> });
    // Warm up (JIT, caches), then measure.
    for (let i = 0; i < 50; i++) await handler.fetch(new Request(`http://x/api/public/surveys/${slug}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: body(`warm-${target}-${tag}-${i}`) }), appEnv, ctx);
    stats.calls = stats.ms = stats.statements = stats.rowsRead = stats.rowsWritten = 0;
    const started = performance.now();
    let created = 0;
    for (let i = 0; i < repeat; i++) {
      const res = await handler.fetch(new Request(`http://x/api/public/surveys/${slug}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: body(`prof-${target}-${tag}-${i}`) }), appEnv, ctx);
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
      "ms elsewhere (Worker CPU)": (total - stats.ms / repeat).toFixed(3),
      "201s": created,
    });
  }
  return out;
}
