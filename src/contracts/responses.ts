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

export const ResponseNoteSchema = z.object({ id: z.string(), responseId: z.string(), authorId: z.string().nullable(), authorName: z.string().nullable(), body: z.string(), createdAt: z.string() }).openapi("ResponseNote");

export type ResponseNote = z.infer<typeof ResponseNoteSchema>;
