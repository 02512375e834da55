/** Response contract of background exports (/api/exports and the endpoints that start one). */
import { z } from "@hono/zod-openapi";

export const ExportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["responses_csv", "responses_xlsx", "privacy_json"]),
    status: z.enum(["running", "complete", "failed"]),
    rowsDone: z.number(),
    rowsTotal: z.number(),
    filename: z.string(),
    error: z.string().nullable(),
    downloadUrl: z.string().nullable().openapi({ description: "Signed link, valid until expiresAt, for a signed-in member of the organisation" }),
    expiresAt: z.string().nullable(),
  })
  .openapi("Export");

export type ExportJob = z.infer<typeof ExportSchema>;
