/**
 * Bootstrap runs: percentile intervals for indices and paths, resampling the raw completed
 * responses of a selection. Run by the queue consumer (seconds of CPU for large selections), read
 * back by the indices endpoint.
 */
import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { bootstrapRuns, responses } from "../schema";
import { bootstrapPlsPath, type BootstrapResult } from "../../domain/pls";
import { indexModelFor } from "../../domain/analytics/survey-indices";
import { scaleBounds, toNumericRow } from "../../domain/survey/numeric";
import type { Answers } from "../../domain/survey/answers";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { getSurvey, loadVersionDefinition } from "./surveys";
import type { DayRange, SegmentFilter } from "./analytics";
import { SEGMENT_DIMENSIONS } from "./analytics";

export type BootstrapSelection = DayRange & SegmentFilter;

/** Canonical text of a selection, so equal selections compare equal. */
export function selectionKey(selection: BootstrapSelection): string {
  const ordered: Record<string, string> = {};
  for (const key of ["from", "to", ...SEGMENT_DIMENSIONS] as const) if (selection[key]) ordered[key] = selection[key]!;
  return JSON.stringify(ordered);
}

export async function createBootstrapRun(db: Db, principal: Principal, surveyId: string, selection: BootstrapSelection, samples: number, seed: number) {
  await getSurvey(db, principal.organizationId, surveyId);
  const id = newId("bts");
  await db.insert(bootstrapRuns).values({
    id,
    organizationId: principal.organizationId,
    surveyId,
    selection: selectionKey(selection),
    samples,
    seed,
    status: "queued",
  });
  return id;
}

export async function getBootstrapRun(db: Db, organizationId: string, surveyId: string, id: string) {
  const run = await db.query.bootstrapRuns.findFirst({
    where: and(eq(bootstrapRuns.id, id), eq(bootstrapRuns.organizationId, organizationId), eq(bootstrapRuns.surveyId, surveyId)),
  });
  if (!run) throw notFound(`Bootstrap run ${id}`);
  return run;
}

export async function latestFinishedBootstrap(db: Db, organizationId: string, surveyId: string, selection: BootstrapSelection): Promise<BootstrapResult | null> {
  const run = await db.query.bootstrapRuns.findFirst({
    where: and(
      eq(bootstrapRuns.organizationId, organizationId),
      eq(bootstrapRuns.surveyId, surveyId),
      eq(bootstrapRuns.selection, selectionKey(selection)),
      eq(bootstrapRuns.status, "finished"),
    ),
    orderBy: desc(bootstrapRuns.finishedAt),
  });
  return (run?.result as BootstrapResult | undefined) ?? null;
}

/** Executes a queued run (idempotent: a finished or failed run is left alone). */
export async function executeBootstrapRun(db: Db, id: string): Promise<void> {
  const run = await db.query.bootstrapRuns.findFirst({ where: eq(bootstrapRuns.id, id) });
  if (!run || run.status === "finished" || run.status === "failed") return;
  await db.update(bootstrapRuns).set({ status: "running" }).where(eq(bootstrapRuns.id, id));
  try {
    const survey = await getSurvey(db, run.organizationId, run.surveyId);
    const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion!);
    const selection = JSON.parse(run.selection) as BootstrapSelection;
    const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);
    const rows = await db
      .select({ answers: responses.answers })
      .from(responses)
      .where(
        and(
          eq(responses.organizationId, run.organizationId),
          eq(responses.surveyId, run.surveyId),
          eq(responses.status, "completed"),
          selection.from ? gte(responses.completedAt, dayStart(selection.from)) : undefined,
          selection.to ? lt(responses.completedAt, new Date(dayStart(selection.to).getTime() + 86_400_000)) : undefined,
          ...SEGMENT_DIMENSIONS.filter((d) => selection[d]).map((d) => eq(responses[d], selection[d]!)),
        ),
      );
    const model = indexModelFor(definition);
    const itemIds = Object.values(model.spec.constructs).flat();
    const matrix = rows.map((r) => {
      const numeric = toNumericRow(definition, r.answers as Answers);
      return itemIds.map((item) => numeric[item] ?? null);
    });
    const result = bootstrapPlsPath(model.spec, { itemIds, rows: matrix }, {
      samples: run.samples,
      seed: run.seed,
      index: { itemScales: scaleBounds(definition) },
    });
    await db.update(bootstrapRuns).set({ status: "finished", result, finishedAt: new Date() }).where(eq(bootstrapRuns.id, id));
  } catch (error) {
    await db
      .update(bootstrapRuns)
      .set({ status: "failed", error: error instanceof Error ? error.message : String(error), finishedAt: new Date() })
      .where(eq(bootstrapRuns.id, id));
  }
}
