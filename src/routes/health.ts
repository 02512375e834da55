import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/openapi";
import { emailConfig } from "../lib/email-config";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["system"],
  summary: "Liveness check",
  responses: {
    200: {
      description: "The Worker is running",
      content: {
        "application/json": {
          schema: z.object({
            status: z.literal("ok"),
            /** "not configured": outgoing e-mail waits in the outbox until EMAIL_DOMAIN, EMAIL_FROM and the EMAIL binding are set. */
            email: z.enum(["configured", "not configured"]),
          }),
        },
      },
    },
  },
});

export const healthRoutes = createRouter().openapi(healthRoute, (c) =>
  c.json({ status: "ok" as const, email: emailConfig(c.env).configured ? ("configured" as const) : ("not configured" as const) }, 200),
);
