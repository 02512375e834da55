import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { getSurvey } from "../db/queries/surveys";
import { CSV_BOM, csvHeaderLine, csvRowLine, exportColumns } from "../db/queries/response-export";
import { getResponse, iterateResponses, listResponses, type ResponseFilters } from "../db/queries/response-list";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { auditResponsesExported } from "../db/queries/audit";
import { ResponseItemSchema, ResponseListSchema } from "../contracts/responses";

const HIDDEN_FILTER = /^hidden\.([a-z][a-z0-9_]{0,63})$/;
const SCORE_FILTER = /^score\.([a-z][a-z0-9_]{0,63})$/;
const SCORE_RANGE = /^(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$|^(-?\d+(?:\.\d+)?)$/;

export const ResponseQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional().or(z.iso.date().optional()),
    to: z.iso.datetime({ offset: true }).optional().or(z.iso.date().optional()),
    status: z.enum(["partial", "completed"]).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .catchall(z.string().max(200))
  .openapi({
    description:
      "Filters; add `hidden.<field>=<value>` to filter on a hidden field (e.g. hidden.touchpoint=store) and `score.<item>=<min>..<max>` for a numeric answer range, inclusive, either end optional (e.g. score.nps=0..6, score.sat_overall=8..)",
  });

export function filtersFrom(query: Record<string, unknown>): ResponseFilters {
  const hidden: Record<string, string> = {};
  const scores: Record<string, { min?: number; max?: number }> = {};
  for (const [key, value] of Object.entries(query)) {
    if (["from", "to", "status", "page", "pageSize"].includes(key)) continue;
    const score = SCORE_FILTER.exec(key);
    if (score) {
      const range = SCORE_RANGE.exec(String(value).trim());
      const min = range?.[1] ?? range?.[3];
      const max = range?.[2] ?? range?.[3];
      if (!range || (min === undefined && max === undefined) || (min !== undefined && max !== undefined && Number(min) > Number(max))) {
        throw new ProblemError("bad-request", `Filter "${key}" needs a range such as 0..6, 9.., ..6 or 7.`, {
          errors: [{ field: `query.${key}`, code: "invalid_range", message: "not a range min..max" }],
        });
      }
      scores[score[1]!] = { ...(min !== undefined ? { min: Number(min) } : {}), ...(max !== undefined ? { max: Number(max) } : {}) };
      continue;
    }
    const match = HIDDEN_FILTER.exec(key);
    if (!match) {
      throw new ProblemError("bad-request", `Unknown filter "${key}". Use from, to, status, page, pageSize, hidden.<field> or score.<item>.`, {
        errors: [{ field: `query.${key}`, code: "unknown_filter", message: "not a known filter" }],
      });
    }
    hidden[match[1]!] = String(value);
  }
  const from = typeof query.from === "string" ? new Date(query.from) : undefined;
  const to = typeof query.to === "string" ? new Date(query.to) : undefined;
  if (from && to && from >= to) throw new ProblemError("bad-request", "`from` must be before `to`.");
  return { from, to, status: query.status as ResponseFilters["status"], hidden, scores };
}

const SurveyIdParam = z.object({ id: z.string().min(1).max(64) });

const listRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/responses",
  tags: ["responses"],
  summary: "Responses of a survey, newest first, with paging and filters",
  permission: "responses:read",
  request: { params: SurveyIdParam, query: ResponseQuery },
  responses: {
    200: {
      description: "A page of responses",
      content: { "application/json": { schema: ResponseListSchema } },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

const getOneRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/responses/{responseId}",
  tags: ["responses"],
  summary: "One response",
  permission: "responses:read",
  request: { params: SurveyIdParam.extend({ responseId: z.string().min(1).max(64) }) },
  responses: { 200: { description: "The response", content: { "application/json": { schema: ResponseItemSchema } } }, ...problemResponses(401, 403, 404) },
});

const exportRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/responses/export.csv",
  tags: ["responses"],
  summary: "Export responses as CSV (same filters as the list)",
  permission: "responses:export",
  request: { params: SurveyIdParam, query: ResponseQuery },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...problemResponses(400, 401, 403, 404) },
});

export const responseRoutes = createRouter()
  // The export path must be registered before /{responseId} so it is not taken for an id.
  .openapi(exportRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const filters = filtersFrom(c.req.valid("query"));
    const cols = await exportColumns(db, survey);
    const chunks: string[] = [CSV_BOM, csvHeaderLine(cols)];
    let rows = 0;
    for await (const page of iterateResponses(db, organizationId, survey.id, filters)) {
      for (const r of page) chunks.push(csvRowLine(r, cols));
      rows += page.length;
    }
    await auditResponsesExported(db, c.get("principal"), survey.id, "csv", rows).run();
    return c.body(chunks.join(""), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${survey.slug}-responses.csv"`,
    });
  })
  .openapi(listRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const query = c.req.valid("query");
    const result = await listResponses(db, organizationId, survey.id, filtersFrom(query), {
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return c.json({ ...result, page: query.page, pageSize: query.pageSize }, 200);
  })
  .openapi(getOneRoute, async (c) => {
    const { id, responseId } = c.req.valid("param");
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    await getSurvey(db, organizationId, id);
    return c.json(await getResponse(db, organizationId, id, responseId), 200);
  });
