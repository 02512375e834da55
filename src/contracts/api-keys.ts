/** Request and response contract of /api/api-keys. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../domain/permissions";

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreateApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
  })
  .strict();
