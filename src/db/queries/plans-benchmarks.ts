/** Improvement plans and benchmark figures: tenant-scoped reads and writes. */
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { benchmarks, improvementPlans } from "../schema";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { getSurvey } from "./surveys";

export type PlanRow = typeof improvementPlans.$inferSelect;
export type PlanInsert = Omit<typeof improvementPlans.$inferInsert, "id" | "organizationId" | "surveyId" | "createdAt" | "updatedAt">;
export type BenchmarkRow = typeof benchmarks.$inferSelect;

export async function createPlan(db: Db, organizationId: string, surveyId: string, input: PlanInsert): Promise<PlanRow> {
  await getSurvey(db, organizationId, surveyId);
  const [row] = await db.insert(improvementPlans).values({ ...input, id: newId("pln"), organizationId, surveyId }).returning();
  return row!;
}

export async function listPlans(db: Db, organizationId: string, surveyId: string): Promise<PlanRow[]> {
  await getSurvey(db, organizationId, surveyId);
  return db
    .select()
    .from(improvementPlans)
    .where(and(eq(improvementPlans.organizationId, organizationId), eq(improvementPlans.surveyId, surveyId)))
    .orderBy(asc(improvementPlans.startDate), asc(improvementPlans.createdAt));
}

export async function getPlan(db: Db, organizationId: string, surveyId: string, planId: string): Promise<PlanRow> {
  const row = await db.query.improvementPlans.findFirst({
    where: and(eq(improvementPlans.id, planId), eq(improvementPlans.organizationId, organizationId), eq(improvementPlans.surveyId, surveyId)),
  });
  if (!row) throw notFound(`Improvement plan ${planId}`);
  return row;
}

export async function updatePlan(db: Db, organizationId: string, surveyId: string, planId: string, patch: Partial<PlanInsert>): Promise<PlanRow> {
  const current = await getPlan(db, organizationId, surveyId, planId);
  const [row] = await db
    .update(improvementPlans)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(improvementPlans.id, current.id), eq(improvementPlans.organizationId, organizationId)))
    .returning();
  return row!;
}

export async function createBenchmark(db: Db, organizationId: string, input: Omit<typeof benchmarks.$inferInsert, "id" | "organizationId" | "createdAt">): Promise<BenchmarkRow> {
  const [row] = await db.insert(benchmarks).values({ ...input, id: newId("bmk"), organizationId }).returning();
  return row!;
}

export async function listBenchmarks(db: Db, organizationId: string): Promise<BenchmarkRow[]> {
  return db.select().from(benchmarks).where(eq(benchmarks.organizationId, organizationId)).orderBy(desc(benchmarks.year), asc(benchmarks.source));
}

export async function deleteBenchmark(db: Db, organizationId: string, benchmarkId: string): Promise<void> {
  const deleted = await db
    .delete(benchmarks)
    .where(and(eq(benchmarks.id, benchmarkId), eq(benchmarks.organizationId, organizationId)))
    .returning({ id: benchmarks.id });
  if (deleted.length === 0) throw notFound(`Benchmark ${benchmarkId}`);
}
