/** The organisation's audit log, newest first, filterable (admins). */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { listAudit } from "../db/queries/organisation";
import { AuditPageSchema } from "../contracts/audit";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";

const Instant = z.iso.datetime({ offset: true }).or(z.iso.date());

const AuditQuery = z
  .object({
    action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'an action such as "survey.published", or a family such as "survey.*"').optional(),
    actor: z.string().min(1).max(64).optional().openapi({ description: "An actor's id, or part of a person's name or e-mail address or of an API key's name" }),
    targetType: z.string().min(1).max(64).optional(),
    targetId: z.string().min(1).max(128).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const listRoute = staffRoute({
  method: "get",
  path: "/audit",
  tags: ["audit"],
  summary: "Audit log entries, newest first (filters: action or action family, actor by id or name, target, from/to)",
  permission: "audit:read",
  request: { query: AuditQuery },
  responses: {
    200: {
      description: "A page of entries",
      content: { "application/json": { schema: AuditPageSchema } },
    },
    ...problemResponses(400, 401, 403),
  },
});

/** A date means its whole day (UTC): to=2026-11-20 includes that day. */
function instant(value: string | undefined, edge: "from" | "to"): Date | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(Date.parse(`${value}T00:00:00Z`) + (edge === "to" ? 86_400_000 : 0));
  return new Date(value);
}

export const auditRoutes = createRouter().openapi(listRoute, async (c) => {
  const query = c.req.valid("query");
  const from = instant(query.from, "from");
  const to = instant(query.to, "to");
  if (from && to && from >= to) throw new ProblemError("bad-request", "`from` must be before `to`.");
  const result = await listAudit(
    c.get("db"),
    c.get("principal").organizationId,
    { action: query.action, actor: query.actor, targetType: query.targetType, targetId: query.targetId, from, to },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return c.json({ ...result, page: query.page, pageSize: query.pageSize }, 200);
});
