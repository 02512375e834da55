import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { bindShard } from "./auth/shard-binding";
import { MOVE_RETRY_AFTER_SECONDS } from "./domain/shards";
import { publicSurveyShard } from "./routes/public-survey-shard";
import { getAuth } from "./auth/create-auth";
import { createRouter, withMoveRefusals } from "./lib/openapi";
import { apiBodyLimit, bodySizeLimit, jsonDepthLimit, securityHeaders } from "./lib/http";
import { PROBLEM_TYPES, ProblemError, problemResponse, type ProblemType } from "./lib/problem";
import { healthRoutes } from "./routes/health";
import { apiKeyRoutes } from "./routes/api-keys";
import { problemRoutes } from "./routes/problems";
import { publicSurveyRoutes } from "./routes/public-surveys";
import { surveyRoutes } from "./routes/surveys";
import { responseRoutes } from "./routes/responses";
import { meRoutes } from "./routes/me";
import { devRoutes } from "./routes/dev";
import { operatorRoutes } from "./routes/operator";
import { analyticsRoutes } from "./routes/analytics";
import { loyaltyRoutes } from "./routes/loyalty";
import { scienceRoutes } from "./routes/science";
import { surveyPageRoutes } from "./routes/survey-pages";
import { surveyAdminRoutes } from "./routes/survey-admin";
import { respondentRoutes } from "./routes/respondents";
import { organisationRoutes } from "./routes/organisation";
import { emailTemplateRoutes } from "./routes/email-templates";
import { auditRoutes } from "./routes/audit";
import { reportScheduleRoutes } from "./routes/report-schedules";
import { savedViewRoutes } from "./routes/saved-views";
import { replyTemplateRoutes } from "./routes/reply-templates";
import { complaintRoutes } from "./routes/complaints";
import { complaintAdminRoutes } from "./routes/complaints-admin";
import { webhookRoutes } from "./routes/webhooks";
import { complaintPageRoutes } from "./routes/complaint-pages/routes";
import { textAnalyticsRoutes } from "./routes/text-analytics";
import { MAX_PUBLIC_BODY_BYTES } from "./lib/http";
import { consumeEvents } from "./jobs/queue-consumer";
import { runScheduled } from "./jobs/scheduled";
import type { FeedloopEvent } from "./domain/queue-messages";
import { deploymentConfigProblems } from "./domain/deployment-config";
import { csrfGuard } from "./lib/csrf";
import { handleInboundEmail } from "./jobs/inbound-email";
import { emailPageRoutes } from "./routes/email-pages";
import { exportRoutes } from "./routes/exports";
import { readNearReader } from "./routes/read-near-reader";
export { ExportWorkflow } from "./jobs/export-workflow";
export { ShardMoveWorkflow } from "./jobs/shard-move";

const app = createRouter();

app.use("*", async (c, next) => {
  c.set("requestId", crypto.randomUUID());
  // Fail closed: a production Worker without its secrets answers nothing but this.
  const configProblems = deploymentConfigProblems(c.env);
  if (configProblems.length > 0) {
    console.error(JSON.stringify({ level: "error", message: "refusing to serve: deployment misconfigured", problems: configProblems }));
    throw new ProblemError("internal", `This deployment is not configured: ${configProblems.join(" ")}`);
  }
  // The control-plane database (shard 0) until the organisation is known (src/auth/shard-binding.ts).
  bindShard(c, 0);
  await next();
});
app.use("*", securityHeaders);
// Public survey pages, the public submit API and the index dashboards read through a D1 session
// (read replicas near the reader, with a bookmark so a person reads their own writes).
// A public survey link names no organisation: its slug does (control-plane map, cached per isolate).
for (const path of ["/s/*", "/api/public/surveys/*"]) app.use(path, publicSurveyShard);
for (const path of ["/s/*", "/api/public/*", "/api/surveys/:id/indices", "/api/surveys/:id/indices/*"]) app.use(path, readNearReader);
app.use("/api/public/*", bodySizeLimit(MAX_PUBLIC_BODY_BYTES));
app.use("/api/*", bodySizeLimit(apiBodyLimit));
app.use("/api/*", csrfGuard);
// The server-rendered public forms (survey pages, complaint form and status page) are as public as
// /api/public: same cap, or an anonymous POST could make the Worker parse a body of any size.
app.use("/s/*", bodySizeLimit(MAX_PUBLIC_BODY_BYTES));
app.use("/complaints/*", bodySizeLimit(MAX_PUBLIC_BODY_BYTES));
app.use("/email/*", bodySizeLimit(MAX_PUBLIC_BODY_BYTES));
// After the size caps, on every path that reads a body: one depth check for every JSON body.
for (const path of ["/api/*", "/s/*", "/complaints/*"]) app.use(path, jsonDepthLimit);

// better-auth answers sign-up, sign-in, sign-out, sessions and organisation management itself.
/**
 * better-auth's organisation endpoints that change members, roles, invitations or teams do not
 * know Feedloop's no-escalation rule (a manager could invite an admin). Those changes go through
 * /api/organisation/*, which checks canGrantRole; over HTTP only these read/select calls remain.
 * `get-full-organization` is not among them: it shows every member all pending invitations, whatever
 * role they grant (/api/organisation/members and /invitations show what the reader's role allows).
 */
const ALLOWED_AUTH_ORGANIZATION_CALLS = new Set(["set-active", "list", "get-active-member", "check-slug", "create"]);
app.on(["GET", "POST"], "/api/auth/organization/:call", async (c, next) => {
  if (!ALLOWED_AUTH_ORGANIZATION_CALLS.has(c.req.param("call"))) {
    throw new ProblemError("not-found", "Manage members, roles and invitations through /api/organisation (see the OpenAPI document).");
  }
  await next();
});
app.on(["GET", "POST"], "/api/auth/*", (c) => getAuth(c.env).handler(c.req.raw));

/** Chained, so AppType carries every route (path, method, input and output) for typed clients. */
const routes = app
  .route("/", healthRoutes)
  .route("/", problemRoutes)
  .route("/", devRoutes)
  .route("/", operatorRoutes)
  .route("/", surveyPageRoutes)
  .route("/api", publicSurveyRoutes)
  .route("/api", apiKeyRoutes)
  .route("/api", surveyRoutes)
  .route("/api", surveyAdminRoutes)
  .route("/api", exportRoutes)
  .route("/api", responseRoutes)
  .route("/api", analyticsRoutes)
  .route("/api", loyaltyRoutes)
  .route("/api", scienceRoutes)
  .route("/api", meRoutes)
  .route("/api", respondentRoutes)
  .route("/api", organisationRoutes)
  .route("/api", emailTemplateRoutes)
  .route("/api", auditRoutes)
  .route("/api", savedViewRoutes)
  .route("/api", reportScheduleRoutes)
  .route("/api", replyTemplateRoutes)
  .route("/api", complaintRoutes)
  .route("/api", complaintAdminRoutes)
  .route("/api", webhookRoutes)
  .route("/api", textAnalyticsRoutes)
  .route("/", complaintPageRoutes)
  .route("/", emailPageRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
  type: "apiKey",
  in: "cookie",
  name: "better-auth.session_token",
});
app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("schemas", "Problem", {
  type: "object",
  description: "RFC 9457 problem details",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["field", "code", "message"],
        properties: { field: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
});
app.get("/api/openapi.json", (c) =>
  c.json(
    withMoveRefusals(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "Feedloop API",
          version: "1.0.0",
          description:
            "Customer feedback, ACSI satisfaction indices and complaint handling. Errors are application/problem+json (RFC 9457).",
        },
      }),
      MOVE_RETRY_AFTER_SECONDS,
    ),
  ),
);

function statusToProblemType(status: number): ProblemType {
  const match = (Object.keys(PROBLEM_TYPES) as ProblemType[]).find((t) => PROBLEM_TYPES[t].status === status);
  return match ?? (status >= 500 ? "internal" : "bad-request");
}

app.notFound((c) =>
  problemResponse(new ProblemError("not-found", `No route matches ${c.req.method} ${new URL(c.req.url).pathname}.`), new URL(c.req.url).pathname),
);

app.onError((err, c) => {
  const instance = new URL(c.req.url).pathname;
  if (err instanceof ProblemError) {
    const headers: Record<string, string> = {};
    if (err.problemType === "rate-limited") headers["retry-after"] = "60";
    if (err.problemType === "organisation-moving") headers["retry-after"] = String(MOVE_RETRY_AFTER_SECONDS);
    return problemResponse(err, instance, headers);
  }
  if (err instanceof HTTPException) {
    // Hono's own errors (e.g. malformed JSON in a body) keep their status but speak problem+json.
    const status = err.status;
    const detail =
      status === 400 && /json/i.test(err.message)
        ? "The body is not valid JSON. Send a JSON object with Content-Type: application/json."
        : err.message || PROBLEM_TYPES[statusToProblemType(status)].title;
    return problemResponse(new ProblemError(statusToProblemType(status), detail), instance);
  }
  console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), path: instance, message: String(err), stack: err instanceof Error ? err.stack : undefined }));
  return problemResponse(
    new ProblemError("internal", `An unexpected error occurred. Quote request id ${c.get("requestId") ?? "unknown"} when reporting it.`),
    instance,
  );
});

function assertDeploymentConfig(env: AppEnv["Bindings"]): void {
  const problems = deploymentConfigProblems(env);
  if (problems.length > 0) throw new Error(`Refusing to run: ${problems.join(" ")}`);
}

export type AppType = typeof routes;
export { app };

export default {
  fetch: app.fetch,
  queue: (batch, env) => {
    assertDeploymentConfig(env);
    return consumeEvents(batch as MessageBatch<FeedloopEvent>, env);
  },
  scheduled: (controller, env, ctx) => {
    assertDeploymentConfig(env);
    ctx.waitUntil(runScheduled(controller, env));
  },
  // Email Routing delivers each message for EMAIL_DOMAIN here (complaints and replies by e-mail).
  email: async (message, env, ctx) => {
    assertDeploymentConfig(env);
    await handleInboundEmail(message, env, ctx);
  },
} satisfies ExportedHandler<AppEnv["Bindings"], FeedloopEvent>;
