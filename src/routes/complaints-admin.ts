/**
 * Complaint configuration (admin): routing rules, SLA policies and escalation, categories, the
 * business calendar, teams; the outbox (staff read the recorded e-mails). Webhook endpoints are in
 * src/routes/webhooks.ts.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import {
  ASSIGNMENT_STRATEGIES,
  BusinessCalendarSchema,
  ComplaintCategoryListSchema,
  ComplaintRoutingConfigSchema,
  DEFAULT_COMPLAINT_CATEGORIES,
  EscalationPolicySchema,
  SlaPolicySetSchema,
} from "../domain/complaints";
import { ConfigSchema, TeamSchema } from "../contracts/complaints";
import { createRouter, problemResponses } from "../lib/openapi";
import { fieldErrorsFromZod, validationProblem } from "../lib/problem";
import { loadComplaintContext } from "../db/queries/complaints";
import {
  createTeam,
  listTeamViews,
  saveBusinessCalendar,
  saveComplaintCategories,
  saveRoutingConfig,
  saveSlaPolicies,
  updateTeam,
} from "../db/queries/complaints-config";
import { listOutbox } from "../db/queries/outbox";

const Json = z.record(z.string(), z.unknown());
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true as const });
const IdParam = z.object({ id: z.string().min(1).max(64) });

/** Parse with a domain schema (rich refinements and defaults) and report its issues as 422 field errors. */
function parseDomain<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationProblem(fieldErrorsFromZod(parsed.error, prefix));
  return parsed.data;
}



const getConfigRoute = staffRoute({
  method: "get",
  path: "/complaint-config",
  tags: ["complaint configuration"],
  summary: "Routing rules, SLA policies (effective; domain defaults until configured), escalation, categories and business calendar",
  permission: "complaints:read",
  responses: { 200: { description: "Configuration", content: { "application/json": { schema: ConfigSchema } } }, ...problemResponses(401, 403) },
});

const putRoute = (path: string, summary: string, description: string) =>
  staffRoute({
    method: "put",
    path: `/complaint-config/${path}`,
    tags: ["complaint configuration"],
    summary,
    description,
    permission: "complaints:configure",
    request: { body: json(Json) },
    responses: { 200: { description: "Saved", content: { "application/json": { schema: ConfigSchema } } }, ...problemResponses(401, 403, 422) },
  });

const putRoutingRoute = putRoute(
  "routing",
  "Replace the routing rules (ordered, first match wins) and the default team",
  'Body: { "rules": [{ "id", "name"?, "enabled"?, "match": "all"|"any", "conditions": [{ "field": "category"|"touchpoint"|"severity"|"priority"|"source"|"subject"|"description"|"text"|"segment.<key>", "op": "equals"|"notEquals"|"in"|"gt"|"gte"|"lt"|"lte"|"answered"|"containsAny", "value" }], "teamId" }], "defaultTeamId" }',
);
const putSlaRoute = putRoute(
  "sla-policies",
  "Replace the SLA policies (one per priority, optional category overrides) and the escalation policy",
  'Body: { "policies": [{ "priority", "category"?, "hoursMode": "business"|"calendar", "targets": { "acknowledgeMinutes", "firstResponseMinutes", "resolutionMinutes" }, "approachingShare"?, "pausedStates"? }], "escalation"?: { "level3OverdueShare"?, "level3RaisePriority"?, "level3ReassignTeamId"? } }',
);
const putCalendarRoute = putRoute(
  "business-calendar",
  "Set the organisation's time zone and working days, hours, holidays and make-up working days",
  'Body: { "timeZone": "Asia/Shanghai", "workingDays": [1,2,3,4,5], "workingHours": [{ "start": "09:00", "end": "18:00" }], "holidays": ["2026-10-01"], "additionalWorkingDates": [] }',
);
const putCategoriesRoute = putRoute(
  "categories",
  "Add organisation-specific complaint categories (the defaults always remain)",
  `Body: { "categories": ["late_refund"] } — lower-case slugs; defaults: ${DEFAULT_COMPLAINT_CATEGORIES.join(", ")}`,
);


const TeamInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    leadUserId: z.string().min(1).max(64).nullable().optional(),
    strategy: z.enum(ASSIGNMENT_STRATEGIES).optional(),
    memberIds: z.array(z.string().min(1).max(64)).max(200).optional(),
  })
  .strict();

const listTeamsRoute = staffRoute({
  method: "get",
  path: "/complaint-teams",
  tags: ["complaint configuration"],
  summary: "Teams with their lead, assignment strategy and members' open complaints",
  permission: "complaints:read",
  responses: { 200: { description: "Teams", content: { "application/json": { schema: z.object({ items: z.array(TeamSchema) }) } } }, ...problemResponses(401, 403) },
});
const createTeamRoute = staffRoute({
  method: "post",
  path: "/complaint-teams",
  tags: ["complaint configuration"],
  summary: "Create a team (better-auth team) with members, lead and assignment strategy",
  permission: "complaints:configure",
  request: { body: json(TeamInputSchema) },
  responses: { 201: { description: "Created", content: { "application/json": { schema: TeamSchema } } }, ...problemResponses(401, 403, 422) },
});
const updateTeamRoute = staffRoute({
  method: "patch",
  path: "/complaint-teams/{id}",
  tags: ["complaint configuration"],
  summary: "Rename a team, replace its members, or change lead or strategy",
  permission: "complaints:configure",
  request: { params: IdParam, body: json(TeamInputSchema.partial()) },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: TeamSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const OutboxItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["email", "webhook"]),
    eventType: z.string(),
    complaintId: z.string().nullable(),
    endpointId: z.string().nullable(),
    recipient: z.string(),
    subject: z.string().nullable(),
    payload: Json,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("OutboxMessage");

const listOutboxRoute = staffRoute({
  method: "get",
  path: "/outbox",
  tags: ["notifications"],
  summary: "Recorded e-mails and webhook messages with their delivery status (locally e-mails are only recorded, never sent)",
  permission: "outbox:read",
  request: {
    query: z.object({
      kind: z.enum(["email", "webhook"]).optional(),
      status: z.enum(["pending", "delivered", "failed"]).optional(),
      complaintId: z.string().min(1).max(64).optional(),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: { description: "Messages", content: { "application/json": { schema: z.object({ total: z.number(), items: z.array(OutboxItemSchema) }) } } },
    ...problemResponses(400, 401, 403),
  },
});

async function configView(db: Parameters<typeof loadComplaintContext>[0], organizationId: string) {
  const ctx = await loadComplaintContext(db, organizationId);
  return {
    routing: ctx.routing,
    slaPolicies: ctx.policies,
    slaPoliciesConfigured: ctx.policiesConfigured,
    escalation: ctx.escalation,
    categories: ctx.categories,
    calendar: ctx.calendar,
  };
}

export const complaintAdminRoutes = createRouter()
  .openapi(getConfigRoute, async (c) => c.json(await configView(c.get("db"), c.get("principal").organizationId), 200))
  .openapi(putRoutingRoute, async (c) => {
    const config = parseDomain(ComplaintRoutingConfigSchema, c.req.valid("json"));
    await saveRoutingConfig(c.get("db"), c.get("principal"), config);
    return c.json(await configView(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(putSlaRoute, async (c) => {
    const body = c.req.valid("json");
    const policies = parseDomain(SlaPolicySetSchema, body.policies, "policies");
    const escalation = parseDomain(EscalationPolicySchema, body.escalation ?? {}, "escalation");
    await saveSlaPolicies(c.get("db"), c.get("principal"), policies, escalation);
    return c.json(await configView(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(putCalendarRoute, async (c) => {
    const calendar = parseDomain(BusinessCalendarSchema, c.req.valid("json"));
    await saveBusinessCalendar(c.get("db"), c.get("principal"), calendar);
    return c.json(await configView(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(putCategoriesRoute, async (c) => {
    const body = c.req.valid("json");
    const extra = parseDomain(z.array(z.string()).max(100), body.categories ?? [], "categories");
    const merged = parseDomain(ComplaintCategoryListSchema, [...new Set([...DEFAULT_COMPLAINT_CATEGORIES, ...extra])], "categories");
    await saveComplaintCategories(c.get("db"), c.get("principal"), merged.filter((slug) => !(DEFAULT_COMPLAINT_CATEGORIES as readonly string[]).includes(slug)));
    return c.json(await configView(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(listTeamsRoute, async (c) => c.json({ items: await listTeamViews(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(createTeamRoute, async (c) => {
    const principal = c.get("principal");
    const teamId = await createTeam(c.get("db"), principal, c.req.valid("json"));
    const view = (await listTeamViews(c.get("db"), principal.organizationId)).find((t) => t.id === teamId)!;
    return c.json(view, 201);
  })
  .openapi(updateTeamRoute, async (c) => {
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    await updateTeam(c.get("db"), principal, id, c.req.valid("json"));
    const view = (await listTeamViews(c.get("db"), principal.organizationId)).find((t) => t.id === id)!;
    return c.json(view, 200);
  })
  .openapi(listOutboxRoute, async (c) => {
    const query = c.req.valid("query");
    const result = await listOutbox(
      c.get("db"),
      c.get("principal").organizationId,
      { kind: query.kind, status: query.status, complaintId: query.complaintId },
      { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
    );
    return c.json(result, 200);
  });
