/** Response contract of the staff response list and response notes. */
import { z } from "@hono/zod-openapi";

export const ResponseItemSchema = z
  .object({
    id: z.string(),
    submissionId: z.string(),
    version: z.number(),
    status: z.enum(["partial", "completed"]),
    language: z.string(),
    hidden: z.record(z.string(), z.string()),
    answers: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("Response");

export type ResponseItem = z.infer<typeof ResponseItemSchema>;

/** GET /api/surveys/{id}/responses: one page of the filtered list. */
export const ResponseListSchema = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), items: z.array(ResponseItemSchema) });
export type ResponseList = z.infer<typeof ResponseListSchema>;

/** A response's tags as saved (PUT /api/surveys/{id}/responses/{responseId}/tags). */
export const ResponseTagsSchema = z.object({ tags: z.array(z.string()) });
export type ResponseTags = z.infer<typeof ResponseTagsSchema>;

export const ResponseNoteSchema = z.object({ id: z.string(), responseId: z.string(), authorId: z.string().nullable(), authorName: z.string().nullable(), body: z.string(), createdAt: z.string() }).openapi("ResponseNote");

export type ResponseNote = z.infer<typeof ResponseNoteSchema>;

/** GET /api/surveys/{id}/funnel: views → starts → completions, and where partial responses stopped. */
export const FunnelSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    views: z.number(),
    starts: z.number(),
    completions: z.number(),
    partials: z.number(),
    startRate: z.number().nullable().openapi({ description: "starts / views; null without views or when more responses started than views were counted" }),
    completionRate: z.number().nullable().openapi({ description: "completions / starts (null without starts)" }),
    dropOff: z.array(z.object({ pageIndex: z.number(), pageId: z.string().nullable(), title: z.string().nullable(), partials: z.number(), share: z.number() })),
  })
  .openapi("Funnel");

export type Funnel = z.infer<typeof FunnelSchema>;
