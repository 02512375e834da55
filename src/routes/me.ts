import { staffRoute } from "../auth/principal";
import { findOrganisation, findUserEmail } from "../db/queries/organisation";
import { MeSchema } from "../contracts/me";
import { createRouter, problemResponses } from "../lib/openapi";
import { emailConfig } from "../lib/email-config";

const meRoute = staffRoute({
  method: "get",
  path: "/me",
  tags: ["members"],
  summary: "The caller (session user or API key), their organisation and their role in it",
  permission: "members:read",
  responses: {
    200: { description: "The caller", content: { "application/json": { schema: MeSchema } } },
    ...problemResponses(401, 403),
  },
});

/** Lets the staff app decide which navigation to show; the server still checks every route. */
export const meRoutes = createRouter().openapi(meRoute, async (c) => {
  const db = c.get("db");
  const principal = c.get("principal");
  const org = await findOrganisation(db, { id: principal.organizationId });
  const email =
    principal.kind === "user" ? await findUserEmail(db, principal.id) : null;
  return c.json(
    {
      user: { id: principal.id, name: principal.name, email, kind: principal.kind },
      organizationId: principal.organizationId,
      organizationName: org?.name ?? null,
      role: principal.role,
      email: (() => {
        const config = emailConfig(c.env);
        return config.configured ? { configured: true, reason: null } : { configured: false, reason: config.reason };
      })(),
    },
    200,
  );
});
