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
    expiresAt: z.string().nullable().openapi({ description: "When the key stops working (null: until revoked)" }),
  })
  .openapi("ApiKey");

export type ApiKey = z.infer<typeof ApiKeySchema>;

/** POST /api/api-keys: the new key with its secret, shown this once. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const CreateApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .refine((value) => value === undefined || Date.parse(value) > Date.now(), "must be in the future")
      .openapi({ description: "Optional end of validity (ISO 8601); after it the key is refused with 401" }),
  })
  .strict();
