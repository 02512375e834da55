/**
 * Complaint analytics computes each complaint's SLA outcome without the remaining-time walk and
 * each record's period once for all four volume dimensions. The answer must be exactly what the
 * full per-complaint SLA status and one volume pass per dimension give (the previous algorithm,
 * kept here as the reference), on the demo complaints: every state, some overdue, some paused.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, db, type TestOrg } from "./helpers";
import { seedDemoComplaints } from "../../src/seed/complaints";
import { complaintAnalytics } from "../../src/db/queries/complaints-analytics";
import { complaintSla, loadComplaintContext, rowToComplaint } from "../../src/db/queries/complaints";
import { complaints } from "../../src/db/schema";
import {
  complaintHandlingTimes,
  complaintVolumeByPeriod,
  detectComplaintVolumeAnomalies,
  firstContactResolutionRate,
  handlingSatisfaction,
  reopenRate,
  slaCompliance,
  slaMilestoneOutcomes,
  resolveComplaintSlaPolicy,
  SLA_MILESTONES,
  type AnalyticsGranularity,
} from "../../src/domain/complaints";
import type { AppBindings, Principal } from "../../src/env";
import { and, eq, gte, inArray, isNull, lt } from "drizzle-orm";
import { backfillSlaOutcomes, runSlaSweep } from "../../src/jobs/sla-sweep";
import { saveSlaPolicies } from "../../src/db/queries/complaints-config";

let org: TestOrg;
const NOW = new Date("2026-11-20T12:00:00Z");

beforeAll(async () => {
  org = await createTestOrg("complaint-analytics");
  await seedDemoComplaints(env as unknown as AppBindings, { organizationId: org.organizationId, surveyId: "srv_none", userIds: org.userIds, now: NOW });
  // Handling-survey results on some closed complaints (the demo seed answers none).
  const closed = await db().select({ id: complaints.id }).from(complaints).where(and(eq(complaints.organizationId, org.organizationId), eq(complaints.state, "closed")));
  for (const [i, { id }] of closed.slice(0, 4).entries()) {
    await db()
      .update(complaints)
      .set({ handlingRespondedAt: NOW, handlingCsat: 2 + i, handlingCes: i === 3 ? null : 3 + i, handlingResolved: i === 0 ? null : i % 2 === 0 })
      .where(eq(complaints.id, id));
  }
  expect(closed.length).toBeGreaterThan(3);
});


/** complaintAnalytics at `now` equals the previous algorithm: full SLA status and business-minute walks per complaint. */
async function expectSameAsFullComputation(now: Date, granularity: AnalyticsGranularity) {
  const ctx = await loadComplaintContext(db(), org.organizationId);
  const from = new Date(NOW.getTime() - 120 * 86_400_000);
  const to = new Date(NOW.getTime() + 86_400_000);
  const result = await complaintAnalytics(db(), org.organizationId, { from, to, granularity, now });
  // The previous computation read at most 20,001 rows in index order and used the first 20,000.
  const rows = await db()
    .select()
    .from(complaints)
    .where(and(eq(complaints.organizationId, org.organizationId), gte(complaints.receivedAt, from), lt(complaints.receivedAt, to)))
    .limit(20_001);
  expect(result.truncated).toBe(rows.length > 20_000);
  const records = rows.slice(0, 20_000).map((row) => {
    const complaint = rowToComplaint(row);
    return { ...complaint, sla: complaintSla(complaint, ctx, now).milestones };
  });
  expect(result.total).toBe(records.length);
  expect(result.slaCompliance).toEqual(slaCompliance(records));
  expect(result.handlingTimes).toEqual(complaintHandlingTimes(records));
  expect(result.handlingBusinessTimes).toEqual(complaintHandlingTimes(records, { calendar: ctx.calendar }));
  expect(result.reopenRate).toEqual(reopenRate(records));
  expect(result.firstContactResolution).toEqual(firstContactResolutionRate(records));
  const volume = (dimension: Parameters<typeof complaintVolumeByPeriod>[1]["dimension"]) => complaintVolumeByPeriod(records, { dimension, granularity, timeZone: ctx.timeZone });
  expect(result.volume).toEqual({ category: volume("category"), touchpoint: volume("touchpoint"), region: volume("segment.region"), tier: volume("segment.tier") });
  expect(Object.entries(result.byState)).toEqual([...new Set(records.map((r) => r.state))].map((state) => [state, records.filter((r) => r.state === state).length]));
  expect(result.handlingSatisfaction).toEqual(
    handlingSatisfaction(
      rows
        .filter((row) => row.handlingRespondedAt !== null)
        .map((row) => ({ complaintId: row.id, respondedAt: row.handlingRespondedAt!, csat: row.handlingCsat, ces: row.handlingCes, resolved: row.handlingResolved })),
    ),
  );
  const all = await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId));
  expect(result.openNow).toBe(all.filter((row) => row.state !== "closed").length);
  expect(result.volumeAnomalies.categories).toEqual(detectComplaintVolumeAnomalies(all.filter((row) => row.receivedAt.getTime() <= to.getTime()), to));
  return { result, rows, ctx };
}

/** Later read times: open milestones fall due with no write in between. */
const READ_TIMES = [NOW, new Date(NOW.getTime() + 3 * 86_400_000), new Date(NOW.getTime() + 40 * 86_400_000)];

const storedColumns = (row: typeof complaints.$inferSelect) => ({
  id: row.id,
  basis: row.slaOutcomeBasis,
  receivedLocalDate: row.receivedLocalDate,
  outcomes: [row.acknowledgeSlaOutcome, row.firstResponseSlaOutcome, row.resolutionSlaOutcome],
  breachedAfter: [row.acknowledgeBreachedAfter, row.firstResponseBreachedAfter, row.resolutionBreachedAfter],
  businessMs: [row.acknowledgeBusinessMs, row.firstResponseBusinessMs, row.resolutionBusinessMs],
});

describe("complaint analytics", () => {
  it("per-milestone outcomes equal the full SLA status of every complaint", async () => {
    const ctx = await loadComplaintContext(db(), org.organizationId);
    const rows = await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId));
    expect(rows.length).toBeGreaterThan(10);
    let breached = 0;
    for (const now of [NOW, new Date(NOW.getTime() + 3 * 86_400_000), new Date(NOW.getTime() + 40 * 86_400_000)]) {
      for (const row of rows) {
        const complaint = rowToComplaint(row);
        const full = complaintSla(complaint, ctx, now).milestones;
        const outcomes = slaMilestoneOutcomes(complaint, resolveComplaintSlaPolicy(ctx.policies, complaint.priority, complaint.category), ctx.calendar, now);
        for (const milestone of SLA_MILESTONES) {
          expect({ dueAt: outcomes[milestone].dueAt, metAt: outcomes[milestone].metAt, breached: outcomes[milestone].breached }).toEqual({
            dueAt: full[milestone].dueAt,
            metAt: full[milestone].metAt,
            breached: full[milestone].breached,
          });
          if (full[milestone].breached) breached++;
        }
      }
    }
    expect(breached).toBeGreaterThan(0);
  });

  it("gives the same volumes and SLA compliance as the per-dimension, full-status computation", async () => {
    const ctx = await loadComplaintContext(db(), org.organizationId);
    for (const granularity of ["day", "week", "month"] as AnalyticsGranularity[]) {
      const from = new Date(NOW.getTime() - 120 * 86_400_000);
      const to = new Date(NOW.getTime() + 86_400_000);
      const result = await complaintAnalytics(db(), org.organizationId, { from, to, granularity, now: NOW });
      const rows = await db()
        .select()
        .from(complaints)
        .where(and(eq(complaints.organizationId, org.organizationId), gte(complaints.receivedAt, from), lt(complaints.receivedAt, to)));
      const records = rows.map((row) => {
        const complaint = rowToComplaint(row);
        return { ...complaint, sla: complaintSla(complaint, ctx, NOW).milestones };
      });
      expect(result.total).toBe(records.length);
      const volume = (dimension: Parameters<typeof complaintVolumeByPeriod>[1]["dimension"]) =>
        complaintVolumeByPeriod(records, { dimension, granularity, timeZone: ctx.timeZone });
      expect(result.volume).toEqual({ category: volume("category"), touchpoint: volume("touchpoint"), region: volume("segment.region"), tier: volume("segment.tier") });
      expect(result.slaCompliance).toEqual(slaCompliance(records));
      expect(result.handlingTimes).toEqual(complaintHandlingTimes(records));
      expect(result.handlingBusinessTimes).toEqual(complaintHandlingTimes(records, { calendar: ctx.calendar }));
      expect(result.reopenRate).toEqual(reopenRate(records));
      expect(result.firstContactResolution).toEqual(firstContactResolutionRate(records));
      expect(result.byState).toEqual(Object.fromEntries([...new Set(records.map((r) => r.state))].map((state) => [state, records.filter((r) => r.state === state).length])));
      expect(result.volume.category.length).toBeGreaterThan(0);
    }
  });

  it("the stored outcomes give exactly the old results, also as time passes with no write", async () => {
    const ctx = await loadComplaintContext(db(), org.organizationId);
    const rows = await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId));
    // Every seeded complaint went through the write path, so the fast path is what is compared here,
    // over complaints that paused, reopened and sit paused now.
    expect(rows.every((row) => row.slaOutcomeBasis === ctx.slaOutcomeBasis)).toBe(true);
    expect(rows.some((row) => row.reopenCount > 0)).toBe(true);
    expect(rows.some((row) => row.slaPaused)).toBe(true);
    expect(rows.some((row) => row.stateHistory.some((entry) => entry.state === "waiting_on_customer"))).toBe(true);
    const breachedAfter = rows.flatMap((row) => [row.acknowledgeBreachedAfter, row.firstResponseBreachedAfter, row.resolutionBreachedAfter]).filter((at): at is Date => at !== null);
    // Some open milestone is not breached at NOW and is by the last read time, with no write between.
    expect(breachedAfter.some((at) => at.getTime() >= NOW.getTime() && at.getTime() < READ_TIMES.at(-1)!.getTime())).toBe(true);
    for (const now of READ_TIMES) {
      for (const granularity of ["day", "week", "month"] as AnalyticsGranularity[]) await expectSameAsFullComputation(now, granularity);
    }
  });

  it("rows without current stored outcomes are computed as before, and the sweep's backfill stores the same outcomes", async () => {
    const before = (await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId))).map(storedColumns);
    // Half the rows as migration 0004 leaves them (never computed), some under a stale basis.
    const ids = before.map((row) => row.id).sort();
    await db().update(complaints).set({ slaOutcomeBasis: null }).where(inArray(complaints.id, ids.filter((_, i) => i % 2 === 0)));
    await db().update(complaints).set({ slaOutcomeBasis: "stale", acknowledgeSlaOutcome: "met_on_time", resolutionSlaOutcome: "breached" }).where(inArray(complaints.id, ids.filter((_, i) => i % 4 === 1)));
    for (const now of READ_TIMES) await expectSameAsFullComputation(now, "week");

    // Backfilled at NOW (the seed's last write: its sweep refreshed every open complaint at NOW),
    // the stored columns are exactly what the writes stored.
    await db().update(complaints).set({ slaOutcomeBasis: null }).where(eq(complaints.slaOutcomeBasis, "stale"));
    expect(await backfillSlaOutcomes(db(), NOW, 5)).toBe(5);
    while ((await backfillSlaOutcomes(db(), NOW)) > 0);
    const after = (await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId))).map(storedColumns);
    expect(after.sort((a, b) => a.id.localeCompare(b.id))).toEqual(before.sort((a, b) => a.id.localeCompare(b.id)));
    for (const now of READ_TIMES) await expectSameAsFullComputation(now, "month");
  });

  it("new SLA policies make every stored outcome stale: answers follow the new policies at once, the sweep restores the fast path", async () => {
    const principal: Principal = { kind: "user", id: org.userIds.owner, name: "Owner", organizationId: org.organizationId, role: "owner" };
    const ctx = await loadComplaintContext(db(), org.organizationId);
    // Tighter targets for normal priority: different due times, so different outcomes.
    const policies = ctx.policies.map((policy) =>
      policy.priority === "normal" && policy.category === null ? { ...policy, targets: { acknowledgeMinutes: 30, firstResponseMinutes: 120, resolutionMinutes: 600 } } : policy,
    );
    await saveSlaPolicies(db(), principal, policies, ctx.escalation);
    const changed = await loadComplaintContext(db(), org.organizationId);
    expect(changed.slaOutcomeBasis).not.toBe(ctx.slaOutcomeBasis);
    const pending = await db().select({ id: complaints.id }).from(complaints).where(and(eq(complaints.organizationId, org.organizationId), isNull(complaints.slaOutcomeBasis)));
    expect(pending.length).toBe((await db().select({ id: complaints.id }).from(complaints).where(eq(complaints.organizationId, org.organizationId))).length);
    const { result } = await expectSameAsFullComputation(NOW, "week");
    while ((await backfillSlaOutcomes(db(), NOW)) > 0);
    const stored = await db().select().from(complaints).where(eq(complaints.organizationId, org.organizationId));
    expect(stored.every((row) => row.slaOutcomeBasis === changed.slaOutcomeBasis)).toBe(true);
    expect((await expectSameAsFullComputation(NOW, "week")).result).toEqual(result);
    // The sweep escalates under the tighter targets (writes through the write path) and stays exact.
    const sweep = await runSlaSweep(db(), env as unknown as AppBindings, NOW);
    expect(sweep.escalations).toBeGreaterThan(0);
    for (const now of READ_TIMES) await expectSameAsFullComputation(now, "day");
  });

  // 20,000 rows copied in SQL: ~8 s on a quiet machine, several times that on a loaded one.
  it("a period of more than 20,000 complaints is truncated exactly as before", async () => {
    const columns = (await env.DB.prepare("SELECT name FROM pragma_table_info('complaints')").all<{ name: string }>()).results.map((c) => c.name);
    // Copies with the same times (so the stored outcomes stay exact) until the organisation has > 20,000.
    const copy = (c: string) =>
      c === "id" ? "id || '.' || k" : c === "reference" ? "reference || '.' || k" : c === "intake_key" || c === "source_response_id" ? "NULL" : c;
    await env.DB.prepare(
      `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 800)
       INSERT INTO complaints (${columns.join(", ")}) SELECT ${columns.map(copy).join(", ")} FROM complaints, n WHERE organization_id = ?`,
    )
      .bind(org.organizationId)
      .run();
    const { result } = await expectSameAsFullComputation(NOW, "month");
    expect(result.truncated).toBe(true);
    expect(result.handlingSatisfaction.csat.n).toBeGreaterThan(0);
  }, 120_000);
});
