/**
 * Bootstrap runs: percentile intervals for indices and paths, resampling the raw completed
 * responses of a selection. Run by the queue consumer (seconds of CPU for large selections), read
 * back by the indices endpoint.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { bootstrapRuns } from "../schema";
import { bootstrapPlsPath, plsPredict, type BootstrapResult, type PlsModelSpec, type PlsPredictResult } from "../../domain/pls";
import { StatsInputError } from "../../domain/stats/errors";
import { SingularMatrixError } from "../../domain/stats/linear-algebra";
import type { ResponseMatrix } from "../../domain/stats/response-matrix";
import { indexModelFor } from "../../domain/analytics/survey-indices";
import { scaleBounds } from "../../domain/survey/numeric";
import { loadSelectionMatrix } from "./selection-rows";
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

/** A finished run: the bootstrap intervals and the PLSpredict check on the same rows (null if it could not run). */
export type BootstrapRunResult = BootstrapResult & { prediction?: PlsPredictResult | null };

/** Folds and repetitions of the predictive check (Shmueli et al. 2019's defaults). */
const PREDICT_FOLDS = 10;
const PREDICT_REPETITIONS = 10;

/**
 * PLSpredict of the model's outcome (loyalty when the model has it, else satisfaction) on the run's
 * rows. Null when it cannot run (too few rows for ten folds, a constant item in a training fold):
 * the intervals do not depend on it.
 */
export function predictiveCheck(spec: PlsModelSpec, matrix: ResponseMatrix, seed: number): PlsPredictResult | null {
  const target = "loyalty" in spec.constructs ? "loyalty" : "satisfaction" in spec.constructs ? "satisfaction" : null;
  if (!target || matrix.rows.length < 2 * PREDICT_FOLDS) return null;
  try {
    return plsPredict(spec, matrix, { target, folds: PREDICT_FOLDS, repetitions: PREDICT_REPETITIONS, seed });
  } catch (error) {
    if (error instanceof StatsInputError || error instanceof SingularMatrixError || error instanceof RangeError) return null;
    throw error;
  }
}

export async function latestFinishedBootstrap(db: Db, organizationId: string, surveyId: string, selection: BootstrapSelection): Promise<BootstrapRunResult | null> {
  const run = await db.query.bootstrapRuns.findFirst({
    where: and(
      eq(bootstrapRuns.organizationId, organizationId),
      eq(bootstrapRuns.surveyId, surveyId),
      eq(bootstrapRuns.selection, selectionKey(selection)),
      eq(bootstrapRuns.status, "finished"),
    ),
    orderBy: desc(bootstrapRuns.finishedAt),
  });
  return (run?.result as BootstrapRunResult | undefined) ?? null;
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
    const { matrix } = await loadSelectionMatrix(db, run.organizationId, run.surveyId, definition, selection);
    const model = indexModelFor(definition);
    const result: BootstrapRunResult = {
      ...bootstrapPlsPath(model.spec, matrix, { samples: run.samples, seed: run.seed, index: { itemScales: scaleBounds(definition) } }),
      prediction: predictiveCheck(model.spec, matrix, run.seed),
    };
    await db.update(bootstrapRuns).set({ status: "finished", result, finishedAt: new Date() }).where(eq(bootstrapRuns.id, id));
  } catch (error) {
    await db
      .update(bootstrapRuns)
      .set({ status: "failed", error: error instanceof Error ? error.message : String(error), finishedAt: new Date() })
      .where(eq(bootstrapRuns.id, id));
  }
}
