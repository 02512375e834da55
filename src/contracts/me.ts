/** Response contract of GET /api/me: who is calling, in which organisation, with which role. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../domain/permissions";

export const MeSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), kind: z.enum(["user", "api_key"]) }),
    organizationId: z.string(),
    organizationName: z.string().nullable(),
    role: z.enum(ROLES),
  })
  .openapi("Me");

export type Me = z.infer<typeof MeSchema>;
