/**
 * Complaint analytics computes each complaint's SLA outcome without the remaining-time walk and
 * each record's period once for all four volume dimensions. The answer must be exactly what the
 * full per-complaint SLA status and one volume pass per dimension give (the previous algorithm,
 * kept here as the reference), on the demo complaints: every state, some overdue, some paused.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, db, type TestOrg } from "./helpers";
import { seedDemoComplaints } from "../../src/db/seed/complaints";
import { complaintAnalytics } from "../../src/db/queries/complaints-analytics";
import { complaintSla, loadComplaintContext, rowToComplaint } from "../../src/db/queries/complaints";
import { complaints } from "../../src/db/schema";
import {
  complaintHandlingTimes,
  complaintVolumeByPeriod,
  firstContactResolutionRate,
  reopenRate,
  slaCompliance,
  slaMilestoneOutcomes,
  resolveComplaintSlaPolicy,
  SLA_MILESTONES,
  type AnalyticsGranularity,
} from "../../src/domain/complaints";
import type { AppBindings } from "../../src/env";
import { and, eq, gte, lt } from "drizzle-orm";

let org: TestOrg;
const NOW = new Date("2026-11-20T12:00:00Z");

beforeAll(async () => {
  org = await createTestOrg("complaint-analytics");
  await seedDemoComplaints(env as unknown as AppBindings, db(), { organizationId: org.organizationId, surveyId: "srv_none", userIds: org.userIds, now: NOW });
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
});
