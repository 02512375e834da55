/**
 * The seed's loyalty model for a period and segment: a read of the stored statistics rows (day and
 * month rows, the same ones the indices use) plus two COUNT queries for invitation and complaint
 * behaviour. docs/statistics.md §10.
 */
import { staffRoute } from "../auth/principal";
import { loadMergedStats } from "../db/queries/analytics";
import { loadParticipationBehaviour } from "../db/queries/loyalty-behaviour";
import { computeLoyaltyReport } from "../domain/loyalty/report";
import { createEmptyLoyaltyStats } from "../domain/loyalty/stats";
import { loyaltyModelFor } from "../domain/loyalty/spec";
import { createEmptyMoments } from "../domain/stats/item-moments";
import { createRouter, problemResponses } from "../lib/openapi";
import { FilterQuery, IdParam, latestDefinition, rangeAndFilter } from "./analytics";
import { LoyaltyResponseSchema } from "../contracts/loyalty";

const loyaltyRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/loyalty",
  tags: ["analytics"],
  summary: "Loyalty = attraction × satisfaction × participation, delight, the satisfaction–loyalty chart and current / former / potential customers",
  description:
    "Computed from the stored per-day/per-month statistics (never from the responses) plus counts of invitations and complaints. Each component of the composite is on 0-1 and returned with its inputs, so a low value points at its cause.",
  permission: "analytics:read",
  request: { params: IdParam, query: FilterQuery.omit({ scheme: true }) },
  responses: { 200: { description: "Loyalty model", content: { "application/json": { schema: LoyaltyResponseSchema } } }, ...problemResponses(400, 401, 403, 404, 409) },
});

export const loyaltyRoutes = createRouter().openapi(loyaltyRoute, async (c) => {
  const started = performance.now();
  const db = c.get("db");
  const { organizationId } = c.get("principal");
  const { id } = c.req.valid("param");
  const { range, filter } = rangeAndFilter({ ...c.req.valid("query"), scheme: "path" });
  const { definition } = await latestDefinition(db, organizationId, id);
  const model = loyaltyModelFor(definition);
  const [[group], behaviour] = await Promise.all([
    loadMergedStats(db, organizationId, id, range, filter),
    model ? loadParticipationBehaviour(db, organizationId, id, definition, model.statusFieldId, range, filter) : Promise.resolve({}),
  ]);
  const report = computeLoyaltyReport(definition, group?.moments ?? createEmptyMoments(), group?.loyalty ?? createEmptyLoyaltyStats(), behaviour);
  return c.json(
    {
      surveyId: id,
      from: range.from ?? null,
      to: range.to ?? null,
      filters: filter as Record<string, string>,
      ...report,
      computeMs: Math.round((performance.now() - started) * 100) / 100,
    },
    200,
  );
});
