import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";

let a: TestOrg;
let b: TestOrg;

beforeAll(async () => {
  a = await createTestOrg("cmp-a");
  b = await createTestOrg("cmp-b");
});

type Detail = {
  id: string;
  reference: string;
  state: string;
  priority: string;
  category: string | null;
  teamId: string | null;
  assigneeId: string | null;
  statusUrl?: string;
  sla: { paused: boolean; pausedIntervals: { from: string; to: string }[]; promisedResolutionAt: string; milestones: { milestone: string; dueAt: string; metAt: string | null }[] };
  legalTransitions: { name: string; to: string | null }[];
  timeline: { type: string; visibility: string; actor: { kind: string }; data: Record<string, unknown> }[];
  handlingSurvey: { invitationIssued: boolean; url: string | null };
  handoffs: { id: string; ownerId: string; status: string }[];
  customerContext: { pastComplaints: { id: string }[] };
};

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; type: string; detail: string; errors?: { field: string; code: string }[] };
}

async function createComplaint(org: TestOrg, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Detail> {
  const res = await call(
    "/api/complaints",
    json("POST", { subject: "Charged twice", description: "My card was charged twice for order 42.", contact: { email: "li@example.com", name: "Li" }, category: "billing", ...body }, { ...bearer(org.keys.staff), ...headers }),
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Detail;
}

/**
 * Waits until the queue consumer has scored every complaint text of `org`: scoring may re-route a
 * complaint (rules on the suggested category) and so advance a team's round-robin cursor.
 */
async function complaintTextsScored(org: TestOrg): Promise<void> {
  await vi.waitFor(
    async () => {
      const pending = await env.DB.prepare("select count(*) as n from text_scores where organization_id = ? and source_kind = 'complaint' and scored_at is null")
        .bind(org.organizationId)
        .first<{ n: number }>();
      expect(pending!.n, "complaint texts still unscored").toBe(0);
    },
    { timeout: 10_000, interval: 25 },
  );
}

async function transition(org: TestOrg, id: string, body: Record<string, unknown>, key = org.keys.staff) {
  return call(`/api/complaints/${id}/transitions`, json("POST", body, bearer(key)));
}

async function moveTo(org: TestOrg, id: string, body: Record<string, unknown>): Promise<Detail> {
  const res = await transition(org, id, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { complaint: Detail }).complaint;
}

describe("staff intake", () => {
  it("records a complaint with a reference, SLA deadlines, a status link and an acknowledgement e-mail", async () => {
    const created = await createComplaint(a, { source: "phone", touchpoint: "call_centre", region: "east", severity: "high", desiredRemedy: "Refund the second charge" });
    expect(created.reference).toMatch(/^FL-\d{4}-\d{6}$/);
    expect(created.state).toBe("received");
    expect(created.sla.milestones.map((m) => m.milestone)).toEqual(["acknowledge", "first_response", "resolution"]);
    expect(new Date(created.sla.promisedResolutionAt).getTime()).toBeGreaterThan(Date.now());
    expect(created.statusUrl).toMatch(new RegExp(`/complaints/status/${created.reference}\\?k=[A-Za-z0-9_-]{43}$`));
    expect(created.timeline.map((e) => e.type)).toEqual(["received"]);
    const row = await env.DB.prepare("select source, severity, touchpoint, region, status_secret_hash from complaints where id = ?").bind(created.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ source: "phone", severity: 3, touchpoint: "call_centre", region: "east" });
    // Only the hash of the secret is stored.
    expect(String(row!.status_secret_hash)).not.toContain(created.statusUrl!.split("k=")[1]);
    const mail = await env.DB.prepare("select recipient, subject, payload from outbox where complaint_id = ? and kind = 'email'").bind(created.id).first<{ recipient: string; subject: string; payload: string }>();
    expect(mail!.recipient).toBe("li@example.com");
    expect(mail!.subject).toContain(created.reference);
    // The status link is a secret: the outbox holds a placeholder, the sender renders it (test/api/email-outbound.test.ts).
    expect(mail!.payload).not.toContain(created.statusUrl!.split("k=")[1]);
    expect(JSON.parse(mail!.payload).text).toContain("@@STATUS_URL@@");
  });

  it("numbers references per organisation", async () => {
    const first = await createComplaint(b, { contact: { phone: "+86 10 1234 5678" } });
    const second = await createComplaint(b, { anonymous: true, contact: undefined });
    const sequence = (ref: string) => Number(ref.split("-")[2]);
    expect(sequence(second.reference)).toBe(sequence(first.reference) + 1);
    expect(sequence(first.reference)).toBe(1);
  });

  it("returns the same complaint for a repeated Idempotency-Key", async () => {
    const key = crypto.randomUUID();
    const first = await createComplaint(a, {}, { "idempotency-key": key });
    const again = await call("/api/complaints", json("POST", { subject: "x", description: "y" }, { ...bearer(a.keys.staff), "idempotency-key": key }));
    expect(again.status).toBe(200);
    const body = (await again.json()) as Detail;
    expect(body.id).toBe(first.id);
    expect(body.statusUrl).toBe(first.statusUrl);
  });

  it("rejects invalid input with 422 field errors", async () => {
    const missing = await call("/api/complaints", json("POST", { subject: "x" }, bearer(a.keys.staff)));
    expect(missing.status).toBe(422);
    expect((await problem(missing)).errors?.map((e) => e.field)).toContain("description");
    const badEmail = await call("/api/complaints", json("POST", { subject: "x", description: "y", contact: { email: "not-an-email" } }, bearer(a.keys.staff)));
    expect((await problem(badEmail)).errors?.map((e) => e.field)).toContain("contact.email");
    const badCategory = await call("/api/complaints", json("POST", { subject: "x", description: "y", category: "weather" }, bearer(a.keys.staff)));
    expect(badCategory.status).toBe(422);
    expect((await problem(badCategory)).errors?.[0]?.code).toBe("unknown_category");
  });
});

describe("workflow over the API", () => {
  it("walks received → acknowledged → assessed → responded → closed, records every step, then invites to the handling survey", async () => {
    const c = await createComplaint(a);
    expect(c.legalTransitions.map((t) => t.to)).toEqual(["acknowledged"]);
    let d = await moveTo(a, c.id, { to: "acknowledged", message: "Thank you, we are on it." });
    expect(d.sla.milestones.find((m) => m.milestone === "acknowledge")!.metAt).not.toBeNull();
    d = await moveTo(a, c.id, { to: "assessed", priority: "high", category: "billing", severity: 3 });
    expect(d.priority).toBe("high");
    d = await moveTo(a, c.id, { to: "responded", publicReply: "We refunded the second charge.", proposedRemedy: "Refund of 120 CNY" });
    expect(d.state).toBe("responded");
    d = await moveTo(a, c.id, { to: "closed", resolution: { outcome: "accepted" }, publicReply: "Glad we could help." });
    expect(d.state).toBe("closed");
    expect(d.timeline.filter((e) => e.type === "state_changed").map((e) => e.data.to)).toEqual(["acknowledged", "assessed", "responded", "closed"]);
    expect(d.timeline.filter((e) => e.type === "public_reply").every((e) => e.visibility === "public")).toBe(true);
    // Closing the loop: one personal invitation to the organisation's handling survey.
    expect(d.handlingSurvey.invitationIssued).toBe(true);
    // Staff see where the survey is, not the customer's live link (issue 12, finding 3).
    expect(d.handlingSurvey.url).toMatch(/\/s\/cmp-a-complaint-handling\?lang=[A-Za-z-]+$/);
    const stored = await env.DB.prepare("select handling_survey_url from complaints where id = ?").bind(c.id).first<{ handling_survey_url: string }>();
    expect(stored!.handling_survey_url).not.toMatch(/[?&]t=/);
    const handlingMail = await env.DB.prepare("select payload from outbox where complaint_id = ? and event_type = 'complaint.handling_survey'").bind(c.id).first<{ payload: string }>();
    expect(handlingMail!.payload).not.toMatch(/[?&]t=/);
    const survey = await env.DB.prepare("select access_mode, status from surveys where slug = 'cmp-a-complaint-handling'").first<{ access_mode: string; status: string }>();
    expect(survey).toEqual({ access_mode: "invitation", status: "published" });
    const invitation = await env.DB.prepare("select hidden, email from survey_invitations where id = (select handling_invitation_id from complaints where id = ?)").bind(c.id).first<{ hidden: string; email: string }>();
    expect(JSON.parse(invitation!.hidden).case_id).toBe(c.id);
    expect(invitation!.email).toBe("li@example.com");
    const mails = await env.DB.prepare("select event_type from outbox where complaint_id = ? and kind = 'email' order by created_at").bind(c.id).all<{ event_type: string }>();
    expect(mails.results.map((m) => m.event_type)).toEqual(
      expect.arrayContaining(["complaint.acknowledgement", "complaint.update", "complaint.handling_survey"]),
    );
    const audit = await env.DB.prepare("select action from audit_log where target_id = ? order by at").bind(c.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(
      expect.arrayContaining(["complaint.created", "complaint.acknowledge", "complaint.assess", "complaint.respond", "complaint.close"]),
    );
  });

  it("answers an illegal transition with 409 illegal-transition and changes nothing", async () => {
    const c = await createComplaint(a);
    const res = await transition(a, c.id, { to: "closed", resolution: { outcome: "accepted" } });
    expect(res.status).toBe(409);
    const body = await problem(res);
    expect(body.type).toBe("/problems/illegal-transition");
    expect(body.detail).toMatch(/received to closed/);
    const state = await env.DB.prepare("select state, version from complaints where id = ?").bind(c.id).first<{ state: string; version: number }>();
    expect(state).toEqual({ state: "received", version: 0 });
  });

  it("answers an invalid payload with 422 naming the field, and an unknown state with 422", async () => {
    const c = await createComplaint(a);
    await moveTo(a, c.id, { to: "acknowledged" });
    const res = await transition(a, c.id, { to: "assessed", priority: "high" });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors?.map((e) => e.field)).toContain("category");
    const unknown = await transition(a, c.id, { to: "solved" });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).errors?.map((e) => e.field)).toContain("to");
  });

  it("pauses the SLA while waiting on the customer and returns to the previous state", async () => {
    const c = await createComplaint(a);
    await moveTo(a, c.id, { to: "acknowledged" });
    let d = await moveTo(a, c.id, { to: "waiting_on_customer", publicReply: "Could you send the order number?" });
    expect(d.sla.paused).toBe(true);
    expect(d.legalTransitions.map((t) => t.to)).toEqual(["acknowledged"]);
    d = await moveTo(a, c.id, { to: "acknowledged", note: "The customer phoned with the number." });
    expect(d.state).toBe("acknowledged");
    expect(d.sla.paused).toBe(false);
    expect(d.sla.pausedIntervals).toHaveLength(1);
  });

  it("keeps internal notes internal and public replies public", async () => {
    const c = await createComplaint(a);
    const note = await call(`/api/complaints/${c.id}/notes`, json("POST", { text: "Card provider confirms a double capture." }, bearer(a.keys.staff)));
    expect(note.status).toBe(200);
    const reply = await call(`/api/complaints/${c.id}/replies`, json("POST", { text: "We are checking with the card provider." }, bearer(a.keys.staff)));
    const d = ((await reply.json()) as { complaint: Detail }).complaint;
    expect(d.timeline.find((e) => e.type === "note")!.visibility).toBe("internal");
    expect(d.timeline.find((e) => e.type === "public_reply")!.visibility).toBe("public");
    expect(d.sla.milestones.find((m) => m.milestone === "first_response")!.metAt).not.toBeNull();
    const empty = await call(`/api/complaints/${c.id}/notes`, json("POST", { text: "   " }, bearer(a.keys.staff)));
    expect(empty.status).toBe(422);
  });

  it("assigns and reassigns within the organisation only", async () => {
    const c = await createComplaint(a);
    const assigned = await call(`/api/complaints/${c.id}/assignment`, json("POST", { assigneeId: a.userIds.staff }, bearer(a.keys.manager)));
    expect(assigned.status).toBe(200);
    const d = ((await assigned.json()) as { complaint: Detail }).complaint;
    expect(d.assigneeId).toBe(a.userIds.staff);
    expect(d.timeline.find((e) => e.type === "assigned")!.data).toMatchObject({ assigneeId: a.userIds.staff, reason: "manual" });
    const outsider = await call(`/api/complaints/${c.id}/assignment`, json("POST", { assigneeId: b.userIds.staff }, bearer(a.keys.manager)));
    expect(outsider.status).toBe(422);
    const auto = await call(`/api/complaints/${c.id}/assignment`, json("POST", { auto: true }, bearer(a.keys.manager)));
    expect(auto.status).toBe(409);
    const mine = await call(`/api/complaints?owner=me`, { headers: { cookie: a.cookies.staff } });
    expect(((await mine.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(c.id);
  });

  it("hands off to an improvement owner, separately from the customer reply", async () => {
    const c = await createComplaint(a);
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const res = await call(
      `/api/complaints/${c.id}/handoffs`,
      json("POST", { rootCause: "Payment retries without idempotency key", correctiveAction: "Add idempotency keys to card captures", ownerId: a.userIds.manager, dueDate: due }, bearer(a.keys.staff)),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { handoff: { id: string; status: string }; complaint: Detail };
    expect(body.handoff.status).toBe("open");
    expect(body.complaint.handoffs).toHaveLength(1);
    expect(body.complaint.timeline.find((e) => e.type === "handed_off")!.visibility).toBe("internal");
    const patched = await call(`/api/complaints/${c.id}/handoffs/${body.handoff.id}`, json("PATCH", { status: "done" }, bearer(a.keys.staff)));
    expect(((await patched.json()) as { status: string }).status).toBe("done");
    const past = await call(
      `/api/complaints/${c.id}/handoffs`,
      json("POST", { rootCause: "x", correctiveAction: "y", ownerId: a.userIds.manager, dueDate: "2020-01-01" }, bearer(a.keys.staff)),
    );
    expect(past.status).toBe(422);
  });
});

describe("the queue", () => {
  it("filters, searches, counts per status and shows the customer's past complaints", async () => {
    const email = `repeat-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const first = await createComplaint(a, { subject: "Parcel lost in Hangzhou", contact: { email }, category: "delivery" });
    const second = await createComplaint(a, { subject: "Second parcel late", contact: { email }, category: "delivery" });
    await moveTo(a, second.id, { to: "acknowledged" });
    const res = await call("/api/complaints?category=delivery&status=acknowledged", { headers: bearer(a.keys.staff) });
    const list = (await res.json()) as { total: number; counts: Record<string, number>; items: { id: string; overdue: boolean }[] };
    expect(list.items.map((i) => i.id)).toEqual([second.id]);
    expect(list.counts.received).toBeGreaterThanOrEqual(1);
    expect(list.counts.acknowledged).toBeGreaterThanOrEqual(1);
    expect(list.counts.overdue).toBe(0);
    const search = await call(`/api/complaints?q=${encodeURIComponent("Hangzhou")}`, { headers: bearer(a.keys.staff) });
    expect(((await search.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([first.id]);
    const overdue = await call("/api/complaints?overdue=true", { headers: bearer(a.keys.staff) });
    expect(((await overdue.json()) as { total: number }).total).toBe(0);
    const detail = (await (await call(`/api/complaints/${second.id}`, { headers: bearer(a.keys.staff) })).json()) as Detail;
    expect(detail.customerContext.pastComplaints.map((p) => p.id)).toEqual([first.id]);
    const bad = await call("/api/complaints?status=solved", { headers: bearer(a.keys.staff) });
    expect(bad.status).toBe(400);
  });

  it("sorts what is due first to the top", async () => {
    const res = await call("/api/complaints?pageSize=100", { headers: bearer(a.keys.staff) });
    const items = ((await res.json()) as { items: { nextDueAt: string | null }[] }).items;
    const due = items.map((i) => i.nextDueAt).filter((d): d is string => d !== null);
    expect(due).toEqual([...due].sort());
    const firstNull = items.findIndex((i) => i.nextDueAt === null);
    if (firstNull >= 0) expect(items.slice(firstNull).every((i) => i.nextDueAt === null)).toBe(true);
  });

  it("reports analytics for a period", async () => {
    const res = await call("/api/complaints/analytics?granularity=day", { headers: bearer(a.keys.staff) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.total).toBeGreaterThan(5);
    expect(body.volume.category.length).toBeGreaterThan(0);
    expect(body.handlingTimes.acknowledge.count).toBeGreaterThan(0);
    expect(body.firstContactResolution.denominator).toBeGreaterThanOrEqual(1);
    expect(body.volumeAnomalies.rule).toMatch(/mean \+ 3/);
  });
});

describe("bulk actions on the queue", () => {
  type BulkResult = { bulkId: string; changed: number; unchanged: number; failed: number; results: { id: string; reference: string | null; ok: boolean; changed?: boolean; state?: string; reason?: string }[] };
  const bulk = (body: unknown, key = a.keys.staff) => call("/api/complaints/bulk", json("POST", body, bearer(key)));

  it("assigns and re-prioritises several complaints in one request, reporting each, with an audit row per complaint", async () => {
    const [one, two, closed] = [await createComplaint(a), await createComplaint(a), await createComplaint(a)];
    await env.DB.prepare("update complaints set state = 'closed', closed_at = ? where id = ?").bind(Date.now(), closed.id).run();
    const res = await bulk({ ids: [one.id, two.id, closed.id], action: { kind: "assign", assigneeId: a.userIds.manager } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as BulkResult;
    expect(body).toMatchObject({ changed: 2, unchanged: 0, failed: 1 });
    expect(body.results.map((r) => [r.id, r.ok, r.reason ?? null])).toEqual([[one.id, true, null], [two.id, true, null], [closed.id, false, "illegal_transition"]]);
    const audit = await env.DB.prepare("select target_id, action from audit_log where action = 'complaint.assigned' and json_extract(data, '$.bulkId') = ? order by target_id").bind(body.bulkId).all<{ target_id: string }>();
    expect(audit.results.map((r) => r.target_id).sort()).toEqual([one.id, two.id].sort());

    const again = (await (await bulk({ ids: [one.id, two.id], action: { kind: "set_priority", priority: "urgent" } })).json()) as BulkResult;
    expect(again).toMatchObject({ changed: 2, failed: 0 });
    const detail = (await (await call(`/api/complaints/${one.id}`, { headers: bearer(a.keys.staff) })).json()) as Detail;
    expect(detail).toMatchObject({ priority: "urgent", assigneeId: a.userIds.manager });
    const same = (await (await bulk({ ids: [one.id], action: { kind: "set_priority", priority: "urgent" } })).json()) as BulkResult;
    expect(same).toMatchObject({ changed: 0, unchanged: 1, failed: 0 });
  });

  it("closes duplicates of a kept complaint through the workflow: the kept one stays open, no handling survey for the duplicates", async () => {
    const kept = await createComplaint(a);
    const [dup1, dup2] = [await createComplaint(a), await createComplaint(a)];
    const res = await bulk({ ids: [dup1.id, dup2.id, kept.id], action: { kind: "close_as_duplicate", duplicateOf: kept.reference.toLowerCase() } });
    const body = (await res.json()) as BulkResult;
    expect(body.results.map((r) => r.reason ?? r.state)).toEqual(["closed", "closed", "is_duplicate_target"]);
    const detail = (await (await call(`/api/complaints/${dup1.id}`, { headers: bearer(a.keys.staff) })).json()) as Detail & { resolution: unknown; legalTransitions: { name: string }[] };
    expect(detail.resolution).toEqual({ outcome: "duplicate", duplicateOfId: kept.id, duplicateOfReference: kept.reference });
    expect(detail.handlingSurvey.invitationIssued).toBe(false);
    expect(detail.timeline.find((e) => e.type === "state_changed")!.data).toMatchObject({ transition: "close_as_duplicate", to: "closed" });
    const keptNow = (await (await call(`/api/complaints/${kept.id}`, { headers: bearer(a.keys.staff) })).json()) as Detail;
    expect(keptNow.state).toBe("received");
    // A named-only transition is not a button on the complaint page (its single route cannot take it).
    expect(keptNow.legalTransitions.map((t) => t.name)).not.toContain("close_as_duplicate");
    const twice = (await (await bulk({ ids: [dup1.id], action: { kind: "close_as_duplicate", duplicateOf: kept.id } })).json()) as BulkResult;
    expect(twice.results[0]).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("keeps tenants apart, checks roles and validates the request as problems", async () => {
    const mine = await createComplaint(a);
    const theirs = await createComplaint(b);
    const res = (await (await bulk({ ids: [mine.id, theirs.id], action: { kind: "set_priority", priority: "low" } })).json()) as BulkResult;
    expect(res.results.map((r) => [r.ok, r.reason ?? null, r.reference])).toEqual([[true, null, mine.reference], [false, "not_found", null]]);
    const untouched = await env.DB.prepare("select priority from complaints where id = ?").bind(theirs.id).first<{ priority: string }>();
    expect(untouched!.priority).toBe(theirs.priority);
    // Another organisation's complaint is not a kept complaint either (references are numbered per organisation: by id), nor its member an owner.
    const foreignKept = await bulk({ ids: [mine.id], action: { kind: "close_as_duplicate", duplicateOf: theirs.id } });
    expect(foreignKept.status).toBe(422);
    expect((await problem(foreignKept)).errors?.[0]).toMatchObject({ field: "action.duplicateOf", code: "unknown_complaint" });
    expect((await bulk({ ids: [mine.id], action: { kind: "assign", assigneeId: b.userIds.staff } })).status).toBe(422);
    expect((await bulk({ ids: [], action: { kind: "set_priority", priority: "low" } })).status).toBe(422);
    expect((await bulk({ ids: Array.from({ length: 51 }, (_, i) => `c${i}`), action: { kind: "set_priority", priority: "low" } })).status).toBe(422);
    expect((await bulk({ ids: [mine.id], action: { kind: "delete" } })).status).toBe(422);
    const viewer = await bulk({ ids: [mine.id], action: { kind: "set_priority", priority: "low" } }, a.keys.viewer);
    expect(viewer.status).toBe(403);
  });
});

describe("canned replies", () => {
  const template = { name: "Refund under way", body: { en: "Dear {{customerName}}, {{reference}} will be resolved by {{dueDate}}. {{ownerName}}", "zh-CN": "{{customerName}}您好：{{reference}} 将于 {{dueDate}} 前解决。{{ownerName}}" } };

  it("managers keep them (unknown placeholder: 422 at save, duplicate name: 409), staff insert them filled in the complaint's language", async () => {
    const bad = await call("/api/reply-templates", json("POST", { ...template, body: { ...template.body, "zh-CN": "{{客户}}您好" } }, bearer(a.keys.manager)));
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors?.[0]).toMatchObject({ field: "body.zh-CN" });
    expect((await call("/api/reply-templates", json("POST", template, bearer(a.keys.staff)))).status).toBe(403);
    const created = await call("/api/reply-templates", json("POST", template, bearer(a.keys.manager)));
    expect(created.status, await created.clone().text()).toBe(201);
    const saved = (await created.json()) as { id: string };
    expect((await call("/api/reply-templates", json("POST", template, bearer(a.keys.admin)))).status).toBe(409);

    const list = (await (await call("/api/reply-templates", { headers: bearer(a.keys.staff) })).json()) as { items: { id: string }[]; placeholders: Record<string, string> };
    expect(list.items.map((t) => t.id)).toContain(saved.id);
    expect(Object.keys(list.placeholders)).toContain("dueDate");

    const zh = await createComplaint(a, { language: "zh-CN", contact: { name: "王芳", email: "wang@example.com" } });
    await call(`/api/complaints/${zh.id}/assignment`, json("POST", { assigneeId: a.userIds.staff }, bearer(a.keys.manager)));
    const filled = (await (await call(`/api/complaints/${zh.id}/reply-templates/${saved.id}`, { headers: bearer(a.keys.staff) })).json()) as { language: string; text: string };
    expect(filled.language).toBe("zh-CN");
    expect(filled.text).toMatch(new RegExp(`^王芳您好：${zh.reference} 将于 \\d{4}年\\d{1,2}月\\d{1,2}日 前解决。.+$`));
    const en = await createComplaint(a, { language: "en", anonymous: true, contact: undefined });
    const enText = (await (await call(`/api/complaints/${en.id}/reply-templates/${saved.id}`, { headers: bearer(a.keys.staff) })).json()) as { text: string };
    expect(enText.text).toMatch(new RegExp(`^Dear customer, ${en.reference} will be resolved by \\d{1,2} [A-Z][a-z]+ \\d{4}\\. our complaints team$`));

    const renamed = await call(`/api/reply-templates/${saved.id}`, json("PUT", { ...template, name: "Refund sent" }, bearer(a.keys.manager)));
    expect(renamed.status).toBe(200);
    const audit = await env.DB.prepare("select action from audit_log where target_id = ? order by at").bind(saved.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["reply_template.created", "reply_template.updated"]);

    // Another organisation sees, fills, changes and deletes none of them.
    expect(((await (await call("/api/reply-templates", { headers: bearer(b.keys.admin) })).json()) as { items: unknown[] }).items).toEqual([]);
    const foreignComplaint = await createComplaint(b);
    expect((await call(`/api/complaints/${foreignComplaint.id}/reply-templates/${saved.id}`, { headers: bearer(b.keys.staff) })).status).toBe(404);
    expect((await call(`/api/reply-templates/${saved.id}`, json("PUT", template, bearer(b.keys.admin)))).status).toBe(404);
    expect((await call(`/api/reply-templates/${saved.id}`, { method: "DELETE", headers: bearer(b.keys.admin) })).status).toBe(404);
    expect((await call(`/api/reply-templates/${saved.id}`, { method: "DELETE", headers: bearer(a.keys.manager) })).status).toBe(204);
  });
});

describe("routing rules and teams", () => {
  it("routes by the first matching rule and assigns round robin inside the team", async () => {
    const team = await call(
      "/api/complaint-teams",
      json("POST", { name: "Billing desk", leadUserId: a.userIds.manager, strategy: "round_robin", memberIds: [a.userIds.staff, a.userIds.admin] }, bearer(a.keys.admin)),
    );
    expect(team.status, await team.clone().text()).toBe(201);
    const billing = (await team.json()) as { id: string; members: unknown[] };
    expect(billing.members).toHaveLength(2);
    const general = (await (await call("/api/complaint-teams", json("POST", { name: "Care", memberIds: [a.userIds.manager] }, bearer(a.keys.admin)))).json()) as { id: string };
    const staffCannot = await call("/api/complaint-config/routing", json("PUT", { rules: [], defaultTeamId: general.id }, bearer(a.keys.staff)));
    expect(staffCannot.status).toBe(403);
    const unknownTeam = await call("/api/complaint-config/routing", json("PUT", { rules: [], defaultTeamId: "team_nope" }, bearer(a.keys.admin)));
    expect(unknownTeam.status).toBe(422);
    const saved = await call(
      "/api/complaint-config/routing",
      json(
        "PUT",
        {
          rules: [
            { id: "refunds", match: "any", conditions: [{ field: "category", op: "equals", value: "billing" }, { field: "text", op: "containsAny", value: ["退款", "refund"] }], teamId: billing.id },
          ],
          defaultTeamId: general.id,
        },
        bearer(a.keys.admin),
      ),
    );
    expect(saved.status, await saved.clone().text()).toBe(200);
    // Scoring (background) may re-route this organisation's complaints into the billing team, which
    // would advance its cursor between the two creates: let it finish first.
    await complaintTextsScored(a);
    const one = await createComplaint(a, { category: "billing" });
    await complaintTextsScored(a);
    const two = await createComplaint(a, { category: "other", description: "我要退款" });
    const three = await createComplaint(a, { category: "delivery", subject: "Late", description: "The parcel is late." });
    expect(one.teamId).toBe(billing.id);
    expect(two.teamId).toBe(billing.id);
    expect(new Set([one.assigneeId, two.assigneeId])).toEqual(new Set([a.userIds.staff, a.userIds.admin]));
    expect(three.teamId).toBe(general.id);
    expect(three.assigneeId).toBe(a.userIds.manager);
    const event = one.timeline.find((e) => e.type === "assigned")!;
    expect(event.data).toMatchObject({ reason: "routing_rule", ruleId: "refunds" });
    const assignedMail = await env.DB.prepare("select count(*) as n from outbox where complaint_id = ? and event_type = 'complaint.assigned'").bind(one.id).first<{ n: number }>();
    expect(assignedMail!.n).toBe(1);
    const config = (await (await call("/api/complaint-config", { headers: bearer(a.keys.staff) })).json()) as { routing: { rules: unknown[] }; slaPolicies: unknown[] };
    expect(config.routing.rules).toHaveLength(1);
    expect(config.slaPolicies).toHaveLength(4);
  });

  it("validates SLA policies with the domain rules", async () => {
    const incomplete = await call(
      "/api/complaint-config/sla-policies",
      json("PUT", { policies: [{ priority: "urgent", targets: { acknowledgeMinutes: 30, firstResponseMinutes: 60, resolutionMinutes: 480 } }] }, bearer(a.keys.admin)),
    );
    expect(incomplete.status).toBe(422);
    expect(JSON.stringify(await incomplete.json())).toMatch(/missing the general SLA policy/);
  });
});

describe("tenant isolation and roles", () => {
  it("hides organisation A's complaints from organisation B", async () => {
    const c = await createComplaint(a);
    for (const path of [`/api/complaints/${c.id}`, `/api/complaints/${c.id}/status-link`]) {
      const res = await call(path, { headers: bearer(b.keys.admin) });
      expect(res.status).toBe(404);
    }
    const moved = await transition(b, c.id, { to: "acknowledged" }, b.keys.admin);
    expect(moved.status).toBe(404);
    const noted = await call(`/api/complaints/${c.id}/notes`, json("POST", { text: "peek" }, bearer(b.keys.admin)));
    expect(noted.status).toBe(404);
    const list = (await (await call("/api/complaints?pageSize=100", { headers: bearer(b.keys.admin) })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).not.toContain(c.id);
    const outbox = (await (await call("/api/outbox?pageSize=200", { headers: bearer(b.keys.staff) })).json()) as { items: { complaintId: string | null }[] };
    expect(outbox.items.some((i) => i.complaintId === c.id)).toBe(false);
    const state = await env.DB.prepare("select state from complaints where id = ?").bind(c.id).first<{ state: string }>();
    expect(state!.state).toBe("received");
  });

  it("lets a viewer neither read nor move complaints, and only admins configure", async () => {
    const c = await createComplaint(a);
    expect((await call("/api/complaints", { headers: bearer(a.keys.viewer) })).status).toBe(403);
    const moved = await transition(a, c.id, { to: "acknowledged" }, a.keys.viewer);
    expect(moved.status).toBe(403);
    expect((await problem(moved)).detail).toMatch(/complaints:write/);
    const viaCookie = await call(`/api/complaints/${c.id}/transitions`, json("POST", { to: "acknowledged" }, { cookie: a.cookies.viewer }));
    expect(viaCookie.status).toBe(403);
    expect((await call("/api/webhooks", { headers: bearer(a.keys.staff) })).status).toBe(403);
    expect((await call("/api/complaint-config/categories", json("PUT", { categories: ["late_refund"] }, bearer(a.keys.manager)))).status).toBe(403);
    expect((await call("/api/outbox", { headers: bearer(a.keys.viewer) })).status).toBe(403);
  });

  it("manages webhook endpoints (admin): the secret is shown once", async () => {
    const created = await call("/api/webhooks", json("POST", { url: "https://hooks.example.test/feedloop", events: ["complaint.created"] }, bearer(a.keys.admin)));
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const list = (await (await call("/api/webhooks", { headers: bearer(a.keys.admin) })).json()) as { items: { id: string; secret: string }[] };
    expect(list.items.find((i) => i.id === endpoint.id)!.secret).not.toBe(endpoint.secret);
    const off = await call(`/api/webhooks/${endpoint.id}`, json("PATCH", { active: false }, bearer(a.keys.admin)));
    expect(((await off.json()) as { active: boolean }).active).toBe(false);
    expect((await call(`/api/webhooks/${endpoint.id}`, { method: "DELETE", headers: bearer(b.keys.admin) })).status).toBe(404);
    expect((await call(`/api/webhooks/${endpoint.id}`, { method: "DELETE", headers: bearer(a.keys.admin) })).status).toBe(204);
    const badEvent = await call("/api/webhooks", json("POST", { url: "https://x.test", events: ["everything"] }, bearer(a.keys.admin)));
    expect(badEvent.status).toBe(422);
  });

  it("documents every complaint endpoint in the OpenAPI document", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    for (const path of ["/api/complaints", "/api/complaints/{id}", "/api/complaints/{id}/transitions", "/api/complaints/analytics", "/api/outbox", "/api/webhooks", "/api/complaint-config/routing", "/complaints/new", "/complaints/status/{reference}"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/api/complaints/{id}/transitions"].post.security).toBeDefined();
  });
});

describe("saved views of the queue", () => {
  const views = (key: string) => call("/api/complaint-views", { headers: bearer(key) }).then(async (res) => {
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { id: string; name: string; filters: Record<string, string>; shared: boolean; mine: boolean }[] }).items;
  });
  const save = (key: string, body: unknown) => call("/api/complaint-views", json("POST", body, bearer(key)));

  it("keeps a person's filters under a name, shares them when asked, and lets only the owner delete", async () => {
    const mine = await save(a.keys.staff, { name: "My urgent billing", filters: { status: "received,acknowledged", priority: "urgent", category: "billing", owner: "me" } });
    expect(mine.status, await mine.clone().text()).toBe(201);
    const shared = await save(a.keys.staff, { name: "Overdue for all", filters: { overdue: "true" }, shared: true });
    expect(shared.status).toBe(201);
    const sharedId = ((await shared.json()) as { id: string }).id;

    expect((await views(a.keys.staff)).map((view) => [view.name, view.shared, view.mine])).toEqual([
      ["My urgent billing", false, true],
      ["Overdue for all", true, true],
    ]);
    expect((await views(a.keys.staff))[0]!.filters).toEqual({ status: "received,acknowledged", priority: "urgent", category: "billing", owner: "me" });
    // A colleague sees only the shared one, and cannot delete it; another organisation sees neither.
    expect((await views(a.keys.manager)).map((view) => [view.name, view.mine])).toEqual([["Overdue for all", false]]);
    expect((await call(`/api/complaint-views/${sharedId}`, { method: "DELETE", headers: bearer(a.keys.manager) })).status).toBe(404);
    expect(await views(b.keys.staff)).toEqual([]);
    expect((await call(`/api/complaint-views/${sharedId}`, { method: "DELETE", headers: bearer(b.keys.admin) })).status).toBe(404);

    expect((await call(`/api/complaint-views/${sharedId}`, { method: "DELETE", headers: bearer(a.keys.staff) })).status).toBe(204);
    expect((await views(a.keys.manager))).toEqual([]);
  });

  it("refuses a second view of the same name and filters the queue cannot read, as problem+json", async () => {
    expect((await save(a.keys.manager, { name: "Mine", filters: {} })).status).toBe(201);
    const twice = await save(a.keys.manager, { name: "Mine", filters: { priority: "high" } });
    expect(twice.status).toBe(409);
    expect(twice.headers.get("content-type")).toContain("application/problem+json");
    expect(((await twice.json()) as { detail: string }).detail).toContain("Mine");
    const unknown = await save(a.keys.manager, { name: "Odd", filters: { colour: "red" } });
    expect(unknown.status).toBe(422);
    const badStatus = await save(a.keys.manager, { name: "Odd", filters: { status: "DROP TABLE" } });
    expect(badStatus.status).toBe(422);
    const noName = await save(a.keys.manager, { name: "  ", filters: {} });
    expect(noName.status).toBe(422);
  });
});
