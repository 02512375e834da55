/**
 * Segment permutation tests (docs/statistics.md §11.2) as a chunked background job: each queue
 * message runs one step of at most `permutationsPerStep(n)` permutations, stores the resumable
 * state and, unless the test is done, enqueues the next step. Permutation k has its own seeded
 * generator, so the steps' boundaries do not change any p-value.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { segmentTests } from "../schema";
import {
  isPermutationTestDone,
  PlsModelError,
  preparePermutationTest,
  runPermutationChunk,
  startPermutationTest,
  summarizePermutationTest,
  type PermutationTestResult,
  type PermutationTestState,
} from "../../domain/pls";
import { indexModelFor } from "../../domain/analytics/survey-indices";
import { scaleBounds } from "../../domain/survey/numeric";
import { StatsInputError } from "../../domain/stats/errors";
import { SingularMatrixError } from "../../domain/stats/linear-algebra";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { getSurvey, loadVersionDefinition } from "./surveys";
import { selectionKey, type BootstrapSelection } from "./bootstrap";
import { loadSelectionMatrix } from "./selection-rows";
import type { SegmentDimension } from "./analytics";

/**
 * Row-permutations per job step. One permutation re-estimates both segments from the rows:
 * ≈ 10 ms for 10,000 ACSI responses on this project's 2-core VM (`npm run bench:acsi`), i.e.
 * ≈ 1 µs per row. 2,000,000 row-permutations ≈ 2 s of CPU, well inside a queue consumer's 30 s
 * default CPU limit even on a slower machine; 1,000 permutations of 10,000 responses take 5 steps.
 */
export const ROW_PERMUTATIONS_PER_STEP = 2_000_000;

export function permutationsPerStep(rows: number): number {
  return Math.max(1, Math.floor(ROW_PERMUTATIONS_PER_STEP / Math.max(1, rows)));
}

/** What the job stores between steps: the domain's state plus the row count it was started on. */
type StoredState = { rows: number; test: PermutationTestState };

export type SegmentTestRow = typeof segmentTests.$inferSelect;

export async function createSegmentTests(
  db: Db,
  principal: Principal,
  surveyId: string,
  selection: BootstrapSelection,
  dimension: SegmentDimension,
  values: readonly string[],
  permutations: number,
  seed: number,
): Promise<string[]> {
  await getSurvey(db, principal.organizationId, surveyId);
  const key = selectionKey({ ...selection, [dimension]: undefined });
  const rows = values.map((segmentValue) => ({
    id: newId("sgt"),
    organizationId: principal.organizationId,
    surveyId,
    selection: key,
    dimension,
    segmentValue,
    permutations,
    seed,
    status: "queued" as const,
  }));
  await db.insert(segmentTests).values(rows);
  return rows.map((row) => row.id);
}

export async function getSegmentTest(db: Db, organizationId: string, surveyId: string, id: string): Promise<SegmentTestRow> {
  const test = await db.query.segmentTests.findFirst({
    where: and(eq(segmentTests.id, id), eq(segmentTests.organizationId, organizationId), eq(segmentTests.surveyId, surveyId)),
  });
  if (!test) throw notFound(`Segment test ${id}`);
  return test;
}

/** The newest test per segment value for a selection and dimension (any status: the dashboard shows progress too). */
export async function latestSegmentTests(db: Db, organizationId: string, surveyId: string, selection: BootstrapSelection, dimension: SegmentDimension): Promise<Map<string, SegmentTestRow>> {
  const rows = await db
    .select()
    .from(segmentTests)
    .where(
      and(
        eq(segmentTests.organizationId, organizationId),
        eq(segmentTests.surveyId, surveyId),
        eq(segmentTests.selection, selectionKey({ ...selection, [dimension]: undefined })),
        eq(segmentTests.dimension, dimension),
      ),
    )
    .orderBy(desc(segmentTests.createdAt));
  const latest = new Map<string, SegmentTestRow>();
  for (const row of rows) if (!latest.has(row.segmentValue)) latest.set(row.segmentValue, row);
  return latest;
}

/**
 * Runs one step of a test. Returns true when another step is needed. A step that finds the test
 * finished, failed, or already advanced by a duplicate delivery of the same message does nothing.
 */
export async function executeSegmentTestStep(db: Db, id: string): Promise<boolean> {
  const test = await db.query.segmentTests.findFirst({ where: eq(segmentTests.id, id) });
  if (!test || test.status === "finished" || test.status === "failed") return false;
  const fail = async (message: string) => {
    await db.update(segmentTests).set({ status: "failed", error: message, finishedAt: new Date() }).where(eq(segmentTests.id, id));
    return false;
  };
  try {
    const survey = await getSurvey(db, test.organizationId, test.surveyId);
    const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion!);
    const selection = JSON.parse(test.selection) as BootstrapSelection;
    // Rows completed after the test was started never enter it, so every step sees the same rows.
    const { matrix, segments } = await loadSelectionMatrix(db, test.organizationId, test.surveyId, definition, selection, test.dimension, test.createdAt);
    const stored = test.state as StoredState | null;
    if (stored && stored.rows !== matrix.rows.length) return await fail("The selection's responses changed during the test (a response was deleted); start the test again.");
    const inSegment = segments.map((value) => value === test.segmentValue);
    const inside = inSegment.filter(Boolean).length;
    if (inside < 2 || matrix.rows.length - inside < 2) return await fail(`The segment and the rest each need completed responses (segment ${inside}, rest ${matrix.rows.length - inside}).`);
    const context = preparePermutationTest(indexModelFor(definition).spec, matrix, inSegment, {
      permutations: test.permutations,
      seed: test.seed,
      index: { itemScales: scaleBounds(definition) },
    });
    const state = runPermutationChunk(context, stored?.test ?? startPermutationTest(context), permutationsPerStep(matrix.rows.length));
    const done = isPermutationTestDone(context, state);
    const result: PermutationTestResult | null = done ? summarizePermutationTest(context, state) : null;
    // Gated on the step count read above: a duplicate delivery of the same step writes nothing.
    const written = await db
      .update(segmentTests)
      .set({
        status: done ? "finished" : "running",
        state: { rows: matrix.rows.length, test: state } satisfies StoredState,
        steps: test.steps + 1,
        result,
        finishedAt: done ? new Date() : null,
      })
      .where(and(eq(segmentTests.id, id), eq(segmentTests.steps, test.steps)))
      .returning({ id: segmentTests.id });
    return written.length > 0 && !done;
  } catch (error) {
    // Data that cannot be estimated fails the test for good; anything else (D1) is retried by the queue.
    if (error instanceof StatsInputError || error instanceof SingularMatrixError || error instanceof PlsModelError || error instanceof RangeError) return await fail(error.message);
    throw error;
  }
}
