/**
 * Scheduled e-mail reports (issue 17): the routes (validation, permissions, tenant isolation, audit),
 * the cron's digest run (once per period however often it runs) and the figures a digest carries,
 * which must be the dashboard's own.
 */
import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { runScheduled } from "../../src/jobs/scheduled";
import type { AppBindings } from "../../src/env";
import type { ReportSchedule } from "../../src/contracts/report-schedules";
import type { IndicesResponse } from "../../src/contracts/analytics";

const bindings = env as unknown as AppBindings;
let org: TestOrg;
let other: TestOrg;
let survey: { id: string; slug: string };
const RESPONSES = 14;

const validInput = (surveyId: string | null) => ({
  name: "Weekly <KPIs> & index",
  surveyId,
  // Monday 00:00 UTC: the week the test's responses fall in is always the one the next digest covers.
  cadence: { kind: "weekly", dayOfWeek: 1, hour: 0 },
  timeZone: "UTC",
  recipients: { roles: ["manager", "admin"], memberIds: [] },
  language: "en",
});

beforeAll(async () => {
  org = await createTestOrg("reports");
  other = await createTestOrg("reports-other");
  survey = await createPublishedSurvey(org.keys.owner, "reports-survey");
  // Enough varied answers for the PLS estimate, so the digest has an index to report.
  let seed = 7;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 2;
  const answers = Array.from({ length: RESPONSES }, (_, i) => {
    const level = 2 + ((i * 5) % 8);
    const item = () => Math.max(1, Math.min(10, level + noise()));
    return acsiAnswers({
      ce_overall: item(), ce_custom: item(), ce_reliability: item(), pq_overall: item(), pq_custom: item(), pq_reliability: item(),
      pv_price_given_quality: item(), pv_quality_given_price: item(), sat_overall: item(), sat_expectations: item(), sat_ideal: item(),
      loy_repurchase: item(), loy_price_increase: item(), loy_price_decrease: item(), nps: item(), complained: i % 4 === 0,
    });
  });
  for (const answer of answers) expect((await submit(survey.slug, { submissionId: newSubmissionId(), answers: answer, complete: true })).status).toBe(201);
});

describe("report schedule routes", () => {
  it("refuses invalid input with field messages (422)", async () => {
    const res = await call(
      "/api/report-schedules",
      json("POST", { ...validInput(null), name: " ", cadence: { kind: "monthly", dayOfMonth: 31, hour: 8 }, timeZone: "Mars/Olympus", recipients: { roles: [] } }, bearer(org.keys.manager)),
    );
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const fields = ((await res.json()) as { errors: { field: string; message: string }[] }).errors;
    expect(fields.map((e) => e.field).sort()).toEqual(["cadence.dayOfMonth", "name", "recipients.roles", "timeZone"]);
    expect(fields.find((e) => e.field === "cadence.dayOfMonth")!.message).toContain("1 to 28");
    // A survey or member of another organisation is not found in this one.
    const foreign = await call("/api/report-schedules", json("POST", { ...validInput(null), surveyId: "srv_other", recipients: { roles: [], memberIds: ["mem_nobody"] } }, bearer(org.keys.manager)));
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(["surveyId", "recipients.memberIds"]);
  });

  it("lets managers and admins manage schedules, refuses staff, keeps tenants apart and audits each change", async () => {
    expect((await call("/api/report-schedules", json("POST", validInput(null), bearer(org.keys.staff)))).status).toBe(403);
    expect((await call("/api/report-schedules", { headers: bearer(org.keys.staff) })).status).toBe(403);

    const created = await call("/api/report-schedules", json("POST", validInput(survey.id), bearer(org.keys.manager)));
    expect(created.status).toBe(201);
    const schedule = (await created.json()) as ReportSchedule;
    expect(new Date(schedule.nextDueAt).getUTCDay()).toBe(1);
    expect(new Date(schedule.nextDueAt).getTime()).toBeGreaterThan(Date.now());

    const changed = await call(`/api/report-schedules/${schedule.id}`, json("PUT", { ...validInput(survey.id), name: "Monthly", cadence: { kind: "monthly", dayOfMonth: 2, hour: 9 }, timeZone: "Asia/Shanghai", language: "zh-CN" }, bearer(org.keys.admin)));
    expect(changed.status).toBe(200);
    const after = (await changed.json()) as ReportSchedule;
    expect(after.language).toBe("zh-CN");
    expect(new Date(after.nextDueAt).getUTCHours()).toBe(1); // 09:00 in Shanghai

    // Another organisation sees nothing and touches nothing.
    expect(((await (await call("/api/report-schedules", { headers: bearer(other.keys.admin) })).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await call(`/api/report-schedules/${schedule.id}`, json("PUT", validInput(null), bearer(other.keys.admin)))).status).toBe(404);
    expect((await call(`/api/report-schedules/${schedule.id}`, { method: "DELETE", headers: bearer(other.keys.admin) })).status).toBe(404);
    expect((await call(`/api/report-schedules/${schedule.id}/preview`, { method: "POST", headers: bearer(other.keys.admin) })).status).toBe(404);

    expect((await call(`/api/report-schedules/${schedule.id}`, { method: "DELETE", headers: bearer(org.keys.manager) })).status).toBe(204);
    const audit = await env.DB.prepare("select action from audit_log where organization_id = ? and target_id = ? order by at, rowid").bind(org.organizationId, schedule.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["report_schedule.created", "report_schedule.updated", "report_schedule.deleted"]);
  });
});

describe("scheduled digests", () => {
  it("sends one digest per recipient per period however often the cron runs, with the dashboard's figures", async () => {
    const schedule = (await (await call("/api/report-schedules", json("POST", validInput(survey.id), bearer(org.keys.admin)))).json()) as ReportSchedule;
    const due = Date.parse(schedule.nextDueAt);
    const outboxOf = () =>
      env.DB.prepare("select recipient, subject, payload from outbox where organization_id = ? and event_type = 'report.digest' order by recipient")
        .bind(org.organizationId)
        .all<{ recipient: string; subject: string; payload: string }>();

    // Not yet due: nothing. Due: twice at once and once more later, still one e-mail per recipient.
    await runScheduled(createScheduledController({ scheduledTime: due - 60_000, cron: "*/5 * * * *" }), bindings);
    expect((await outboxOf()).results).toEqual([]);
    const controller = createScheduledController({ scheduledTime: due + 1_000, cron: "*/5 * * * *" });
    await Promise.all([runScheduled(controller, bindings), runScheduled(controller, bindings)]);
    await runScheduled(createScheduledController({ scheduledTime: due + 300_000, cron: "*/5 * * * *" }), bindings);
    const rows = (await outboxOf()).results;
    expect(rows.map((r) => r.recipient)).toEqual(["admin@reports.test", "manager@reports.test"]);
    const sent = await env.DB.prepare("select period_key, recipients from report_digests_sent where schedule_id = ?").bind(schedule.id).all<{ period_key: string; recipients: number }>();
    expect(sent.results).toHaveLength(1);
    const next = await env.DB.prepare("select next_due_at from report_schedules where id = ?").bind(schedule.id).first<{ next_due_at: number }>();
    expect(next!.next_due_at).toBe(due + 7 * 86_400_000);

    // The figures are the dashboard's for the same days.
    const from = sent.results[0]!.period_key.slice("week:".length);
    const to = new Date(Date.parse(`${from}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
    const indices = (await (await call(`/api/surveys/${survey.id}/indices?from=${from}&to=${to}`, { headers: bearer(org.keys.manager) })).json()) as IndicesResponse;
    expect(indices.n, JSON.stringify(indices.warnings)).toBe(RESPONSES);
    expect(indices.acsi, JSON.stringify(indices.warnings)).not.toBeNull();
    const payload = JSON.parse(rows[0]!.payload) as { text: string; html: string };
    expect(rows[0]!.subject).toBe(`reports: Weekly <KPIs> & index, ${from} to ${to}`);
    expect(payload.text).toContain(`- Responses: ${RESPONSES} (+${RESPONSES})`);
    expect(payload.text).toContain(`- Satisfaction index (ACSI, 0–100): ${indices.acsi!.toFixed(1)}\n`);
    expect(payload.text).toContain(`- Net Promoter Score: ${indices.metrics.nps!.score.toFixed(0)}\n`);
    expect(payload.text).toContain(`- Respondents who complained: ${(indices.metrics.complaintRate!.rate * 100).toFixed(1)}%`);
    expect(payload.html).toContain("Weekly &lt;KPIs&gt; &amp; index");
  });

  it("sends a preview to the member asking, and nothing to a key without a mailbox", async () => {
    const schedule = (await (await call("/api/report-schedules", json("POST", { ...validInput(null), language: "zh-CN" }, bearer(org.keys.admin)))).json()) as ReportSchedule;
    const preview = await call(`/api/report-schedules/${schedule.id}/preview`, { method: "POST", headers: { cookie: org.cookies.manager } });
    expect(preview.status).toBe(202);
    const body = (await preview.json()) as { outboxId: string; to: string; subject: string };
    expect(body.to).toBe("manager@reports.test");
    expect(body.subject).toContain("至");
    const viaKey = await call(`/api/report-schedules/${schedule.id}/preview`, { method: "POST", headers: bearer(org.keys.manager) });
    expect(viaKey.status).toBe(409);
  });
});
