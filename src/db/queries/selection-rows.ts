/**
 * The raw completed responses of a selection as a model-item matrix: what the background jobs that
 * need rows (bootstrap, PLSpredict, permutation tests) read. Never used on the request path.
 */
import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { responses } from "../schema";
import { indexModelFor } from "../../domain/analytics/survey-indices";
import { toNumericRow } from "../../domain/survey/numeric";
import type { Answers } from "../../domain/survey/answers";
import type { SurveyDefinition } from "../../domain/survey/definition";
import type { ResponseMatrix } from "../../domain/stats/response-matrix";
import { SEGMENT_DIMENSIONS, type DayRange, type SegmentDimension, type SegmentFilter } from "./analytics";

export type RowSelection = DayRange & SegmentFilter;

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);

/** Model-item rows of the selection and, when asked, each row's value of one segment dimension. */
export async function loadSelectionMatrix(
  db: Db,
  organizationId: string,
  surveyId: string,
  definition: SurveyDefinition,
  selection: RowSelection,
  segmentOf?: SegmentDimension,
  /** Only responses completed before this instant (a job reading in several steps sees one set of rows). */
  completedBefore?: Date,
): Promise<{ matrix: ResponseMatrix; segments: (string | null)[] }> {
  const rows = await db
    .select({ answers: responses.answers, touchpoint: responses.touchpoint, region: responses.region, tier: responses.tier })
    .from(responses)
    .where(
      and(
        eq(responses.organizationId, organizationId),
        eq(responses.surveyId, surveyId),
        eq(responses.status, "completed"),
        selection.from ? gte(responses.completedAt, dayStart(selection.from)) : undefined,
        selection.to ? lt(responses.completedAt, new Date(dayStart(selection.to).getTime() + 86_400_000)) : undefined,
        completedBefore ? lt(responses.completedAt, completedBefore) : undefined,
        ...SEGMENT_DIMENSIONS.filter((d) => selection[d]).map((d) => eq(responses[d], selection[d]!)),
      ),
    )
    // A fixed order: resampling and fold assignment depend on row positions, so a seed must see the same rows in the same order.
    .orderBy(asc(responses.id));
  const model = indexModelFor(definition);
  const itemIds = Object.values(model.spec.constructs).flat();
  const matrix = rows.map((r) => {
    const numeric = toNumericRow(definition, r.answers as Answers);
    return itemIds.map((item) => numeric[item] ?? null);
  });
  return { matrix: { itemIds, rows: matrix }, segments: segmentOf ? rows.map((r) => r[segmentOf]) : [] };
}
