/** Response contract of /api/audit: a page of the organisation's audit log. */
import { z } from "@hono/zod-openapi";

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    data: z.unknown(),
    at: z.string(),
  })
  .openapi("AuditEntry");

export const AuditPageSchema = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), items: z.array(AuditEntrySchema) });

export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditPage = z.infer<typeof AuditPageSchema>;
