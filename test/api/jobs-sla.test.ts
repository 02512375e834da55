import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { runScheduled } from "../../src/jobs/scheduled";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
let care: { id: string };
let senior: { id: string };

const MINUTE = 60_000;
/** Monday 2 March 2026, 09:00 in Asia/Shanghai. */
const T0 = new Date("2026-03-02T01:00:00Z");

async function admin(path: string, method: string, body: unknown) {
  const res = await call(path, json(method, body, bearer(org.keys.admin)));
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<{ id: string }>;
}

beforeAll(async () => {
  org = await createTestOrg("sla-a");
  care = await admin("/api/complaint-teams", "POST", { name: "Care", leadUserId: org.userIds.manager, memberIds: [org.userIds.staff] });
  senior = await admin("/api/complaint-teams", "POST", { name: "Senior desk", leadUserId: org.userIds.owner, memberIds: [org.userIds.admin] });
  await admin("/api/complaint-config/routing", "PUT", { rules: [], defaultTeamId: care.id });
  await admin("/api/complaint-config/business-calendar", "PUT", { timeZone: "Asia/Shanghai", workingDays: [1, 2, 3, 4, 5], workingHours: [{ start: "09:00", end: "18:00" }] });
  const fast = { hoursMode: "calendar", targets: { acknowledgeMinutes: 60, firstResponseMinutes: 120, resolutionMinutes: 240 } };
  await admin("/api/complaint-config/sla-policies", "PUT", {
    policies: [
      { priority: "urgent", ...fast },
      { priority: "high", ...fast },
      { priority: "normal", ...fast },
      { priority: "low", hoursMode: "business", targets: { acknowledgeMinutes: 60, firstResponseMinutes: 540, resolutionMinutes: 1080 } },
    ],
    escalation: { level3OverdueShare: 0.5, level3RaisePriority: true, level3ReassignTeamId: senior.id },
  });
});

async function newComplaint(body: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/api/complaints", json("POST", { subject: "Wrong size delivered", description: "Ordered L, got S.", contact: { email: "sun@example.com" }, ...body }, bearer(org.keys.staff)));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Moves a complaint's whole history so it was received at `receivedAt` (relative timing kept). */
async function shiftTo(id: string, receivedAt: Date) {
  const row = (await env.DB.prepare("select received_at, acknowledged_at, first_responded_at, closed_at, state_history from complaints where id = ?").bind(id).first<Record<string, number | string | null>>())!;
  const delta = receivedAt.getTime() - Number(row.received_at);
  const shift = (value: number | string | null) => (value === null ? null : Number(value) + delta);
  const history = (JSON.parse(String(row.state_history)) as { state: string; at: number }[]).map((entry) => ({ ...entry, at: entry.at + delta }));
  await env.DB.prepare("update complaints set received_at = ?, acknowledged_at = ?, first_responded_at = ?, closed_at = ?, state_history = ?, next_due_at = null where id = ?")
    .bind(shift(row.received_at), shift(row.acknowledged_at), shift(row.first_responded_at), shift(row.closed_at), JSON.stringify(history), id)
    .run();
  await env.DB.prepare("update complaint_events set at = at + ? where complaint_id = ?").bind(delta, id).run();
}

async function cron(at: Date) {
  const controller = createScheduledController({ scheduledTime: at.getTime(), cron: "*/5 * * * *" });
  await runScheduled(controller, env as unknown as AppBindings);
}

async function escalations(id: string) {
  const row = await env.DB.prepare("select escalations, priority, team_id, assignee_id from complaints where id = ?").bind(id).first<{ escalations: string; priority: string; team_id: string; assignee_id: string }>();
  return { ...row!, done: (JSON.parse(row!.escalations) as { milestone: string; level: number }[]).map((e) => `${e.milestone}/${e.level}`) };
}

async function events(id: string, type: string) {
  const rows = await env.DB.prepare("select data from complaint_events where complaint_id = ? and type = ? order by at, rowid").bind(id, type).all<{ data: string }>();
  return rows.results.map((r) => JSON.parse(r.data) as Record<string, unknown>);
}

async function escalationMails(id: string) {
  const rows = await env.DB.prepare("select event_type, recipient, status from outbox where complaint_id = ? and event_type like 'complaint.escalation.%' order by created_at, rowid").bind(id).all<{ event_type: string; recipient: string; status: string }>();
  return rows.results;
}

describe("the SLA cron sweep (controlled clock)", () => {
  it("escalates owner → team lead → priority and reassignment, each level exactly once", async () => {
    const id = await newComplaint();
    await shiftTo(id, T0);
    expect((await escalations(id)).assignee_id).toBe(org.userIds.staff);

    await cron(new Date(T0.getTime() + 40 * MINUTE));
    expect((await escalations(id)).done).toEqual([]);

    // 10 minutes before the acknowledgement is due (within 20 % of 60): level 1, the owner.
    await cron(new Date(T0.getTime() + 50 * MINUTE));
    await cron(new Date(T0.getTime() + 55 * MINUTE));
    expect((await escalations(id)).done).toEqual(["acknowledge/1"]);
    expect(await escalationMails(id)).toEqual([{ event_type: "complaint.escalation.level1", recipient: "staff@sla-a.test", status: "delivered" }]);

    // Breached: level 2, the team lead, and an sla_breached event.
    await cron(new Date(T0.getTime() + 61 * MINUTE));
    await cron(new Date(T0.getTime() + 62 * MINUTE));
    expect((await escalations(id)).done).toEqual(["acknowledge/1", "acknowledge/2"]);
    expect(await events(id, "sla_breached")).toEqual([{ milestone: "acknowledge", dueAt: new Date(T0.getTime() + 60 * MINUTE).toISOString() }]);
    expect((await escalationMails(id)).map((m) => m.recipient)).toEqual(["staff@sla-a.test", "manager@sla-a.test"]);

    // Overdue by more than half the target: level 3 raises priority and reassigns to the senior desk.
    // (Run twice at the same instant: a retried cron invocation plans nothing new.)
    await cron(new Date(T0.getTime() + 95 * MINUTE));
    await cron(new Date(T0.getTime() + 95 * MINUTE));
    const after = await escalations(id);
    expect(after.done).toEqual(["acknowledge/1", "acknowledge/2", "acknowledge/3"]);
    expect(after.priority).toBe("high");
    expect(after.team_id).toBe(senior.id);
    expect(after.assignee_id).toBe(org.userIds.admin);
    const escalated = await events(id, "escalated");
    expect(escalated.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(escalated[2]!.actions).toEqual([
      { kind: "raise_priority", from: "normal", to: "high" },
      { kind: "reassign", toTeamId: senior.id },
      { kind: "notify", recipient: "escalation_manager" },
    ]);
    expect((await events(id, "classification_changed"))[0]).toMatchObject({ priority: { from: "normal", to: "high" } });
    expect((await events(id, "assigned")).at(-1)).toMatchObject({ teamId: senior.id, reason: "escalation" });
    const mails = await escalationMails(id);
    expect(mails.map((m) => m.event_type)).toEqual(["complaint.escalation.level1", "complaint.escalation.level2", "complaint.escalation.level3"]);
    expect(mails.every((m) => m.status === "delivered")).toBe(true);
    const audit = await env.DB.prepare("select count(*) as n from audit_log where target_id = ? and action = 'complaint.escalated'").bind(id).first<{ n: number }>();
    expect(audit!.n).toBe(3);

    // The queue shows it as overdue.
    const overdue = (await (await call("/api/complaints?overdue=true", { headers: bearer(org.keys.staff) })).json()) as { items: { id: string; overdue: boolean }[]; counts: { overdue: number } };
    expect(overdue.items.map((i) => i.id)).toContain(id);
    expect(overdue.counts.overdue).toBeGreaterThanOrEqual(1);
  });

  it("does not escalate a complaint whose clock is paused while waiting on the customer", async () => {
    const id = await newComplaint();
    for (const step of [{ to: "acknowledged" }, { to: "waiting_on_customer", publicReply: "Please send a photo of the label." }]) {
      const res = await call(`/api/complaints/${id}/transitions`, json("POST", step, bearer(org.keys.staff)));
      expect(res.status).toBe(200);
    }
    await shiftTo(id, T0);
    await cron(new Date(T0.getTime() + 1000 * MINUTE));
    expect((await escalations(id)).done).toEqual([]);
    const detail = (await (await call(`/api/complaints/${id}`, { headers: bearer(org.keys.staff) })).json()) as { sla: { paused: boolean; milestones: { milestone: string; breached: boolean }[] } };
    expect(detail.sla.paused).toBe(true);
    expect(detail.sla.milestones.every((m) => !m.breached)).toBe(true);
  });

  it("counts business hours in the organisation's time zone: Friday 17:30 + 1 h is Monday 09:30", async () => {
    const id = await newComplaint({ priority: "low" });
    // Friday 6 March 2026, 17:30 in Shanghai.
    const friday = new Date("2026-03-06T09:30:00Z");
    await shiftTo(id, friday);
    const detail = (await (await call(`/api/complaints/${id}`, { headers: bearer(org.keys.staff) })).json()) as { sla: { milestones: { milestone: string; dueAt: string }[] } };
    expect(detail.sla.milestones.find((m) => m.milestone === "acknowledge")!.dueAt).toBe("2026-03-09T01:30:00.000Z");

    await cron(new Date("2026-03-07T04:00:00Z")); // Saturday noon: 30 working minutes left, not yet approaching
    expect((await escalations(id)).done).toEqual([]);
    await cron(new Date("2026-03-09T01:25:00Z")); // Monday 09:25: 5 minutes left
    expect((await escalations(id)).done).toEqual(["acknowledge/1"]);
    await cron(new Date("2026-03-09T01:31:00Z")); // Monday 09:31: breached
    expect((await escalations(id)).done).toEqual(["acknowledge/1", "acknowledge/2"]);
  });
});
