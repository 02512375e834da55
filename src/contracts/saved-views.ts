/** Request and response contract of /api/complaint-views: a person's named queue filters, optionally shared. */
import { z } from "@hono/zod-openapi";
import { QueueFiltersSchema } from "../domain/complaints/queue-filters";

export const SavedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filters: QueueFiltersSchema,
    shared: z.boolean().openapi({ description: "Visible to everyone at the desk of the organisation; only its owner deletes it" }),
    mine: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("SavedView");
export type SavedView = z.infer<typeof SavedViewSchema>;

export const CreateSavedViewSchema = z
  .object({
    name: z.string().trim().min(1, "give the view a name").max(80),
    filters: QueueFiltersSchema,
    shared: z.boolean().default(false),
  })
  .strict();
