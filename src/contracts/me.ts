/** Response contract of GET /api/me: who is calling, in which organisation, with which role. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../domain/permissions";

export const MeSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), kind: z.enum(["user", "api_key"]) }),
    organizationId: z.string(),
    organizationName: z.string().nullable(),
    role: z.enum(ROLES),
    /** Whether e-mail can leave (src/lib/email-config.ts); when not, the staff app shows why. */
    email: z.object({ configured: z.boolean(), reason: z.string().nullable() }),
  })
  .openapi("Me");

export type Me = z.infer<typeof MeSchema>;
