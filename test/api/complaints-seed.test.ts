import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { DEMO_COMPLAINTS, seedDemoComplaints } from "../../src/seed/complaints";
import { COMPLAINT_STATES } from "../../src/domain/complaints";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  org = await createTestOrg("seed-a");
  survey = await createPublishedSurvey(org.keys.admin, "seed-acsi");
  for (let i = 0; i < 2; i++) {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ complained: true, complaint_detail: `Problem ${i}` }), complete: true });
    expect(res.status).toBe(201);
  }
  // Let the real queue evaluate them first (as in the demo, where history is already evaluated).
  for (let i = 0; i < 150; i++) {
    const pending = await env.DB.prepare("select count(*) as n from responses where survey_id = ? and triggers_evaluated_at is null").bind(survey.id).first<{ n: number }>();
    if (pending!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 30_000);

describe("the demo complaint seed", () => {
  it("seeds complaints in every state, some overdue, with teams, routing and SLA policies — idempotently", async () => {
    const now = new Date();
    const options = { organizationId: org.organizationId, surveyId: survey.id, userIds: org.userIds, now };
    const first = await seedDemoComplaints(env as unknown as AppBindings, options);
    expect(first).toBeGreaterThanOrEqual(DEMO_COMPLAINTS.length);
    const second = await seedDemoComplaints(env as unknown as AppBindings, options);
    expect(second).toBe(first);
    const total = await env.DB.prepare("select count(*) as n from complaints where organization_id = ?").bind(org.organizationId).first<{ n: number }>();
    // The two survey complaints the queue raised, plus the seed's own.
    expect(total!.n).toBe(first + 2);

    const states = await env.DB.prepare("select state, count(*) as n from complaints where organization_id = ? and intake_key like 'demo:%' group by state").bind(org.organizationId).all<{ state: string; n: number }>();
    expect(states.results.map((s) => s.state).sort()).toEqual([...COMPLAINT_STATES].sort());

    const list = (await (await call("/api/complaints?overdue=true&pageSize=100", { headers: bearer(org.keys.staff) })).json()) as { total: number };
    expect(list.total).toBeGreaterThan(0);
    const escalated = await env.DB.prepare("select count(*) as n from complaint_events where organization_id = ? and type = 'escalated'").bind(org.organizationId).first<{ n: number }>();
    expect(escalated!.n).toBeGreaterThan(0);
    const rated = await env.DB.prepare("select count(*) as n from complaints where organization_id = ? and handling_csat is not null").bind(org.organizationId).first<{ n: number }>();
    expect(rated!.n).toBe(3);
    const handoffs = await env.DB.prepare("select count(*) as n from complaint_handoffs where organization_id = ?").bind(org.organizationId).first<{ n: number }>();
    expect(handoffs!.n).toBe(1);
    const config = (await (await call("/api/complaint-config", { headers: bearer(org.keys.staff) })).json()) as { routing: { rules: unknown[] }; slaPoliciesConfigured: boolean };
    expect(config.routing.rules).toHaveLength(1);
    expect(config.slaPoliciesConfigured).toBe(true);
    const teams = (await (await call("/api/complaint-teams", { headers: bearer(org.keys.staff) })).json()) as { items: { name: string; leadUserId: string | null }[] };
    expect(teams.items.filter((t) => t.leadUserId !== null).map((t) => t.name).sort()).toEqual(["客户关怀 Customer care", "账单组 Billing desk"]);
    const analytics = (await (await call("/api/complaints/analytics?granularity=week", { headers: bearer(org.keys.staff) })).json()) as { reopenRate: { numerator: number }; handlingSatisfaction: { csat: { n: number } } };
    expect(analytics.reopenRate.numerator).toBe(2);
    expect(analytics.handlingSatisfaction.csat.n).toBe(3);
  }, 60_000);
});
