/** Response contract of the survey list and survey detail. */
import { z } from "@hono/zod-openapi";

export const SurveySummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    status: z.enum(["draft", "published", "closed"]),
    accessMode: z.enum(["public", "invitation", "both"]),
    publishedVersion: z.number().nullable(),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    responseQuota: z.number().nullable(),
    completedCount: z.number(),
    anonymous: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("SurveySummary");

export type SurveySummary = z.infer<typeof SurveySummarySchema>;
