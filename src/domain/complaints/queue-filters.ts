/** The complaint queue's filters as its address carries them (`/app/complaints?status=…&owner=me`), bounded like the list's query. */
import { z } from "zod";
import { ComplaintCategorySchema } from "./classification";

export const QueueFiltersSchema = z
  .object({
    status: z.string().trim().min(1).max(200).regex(/^[a-z_,]+$/, "states are lower-case words separated by commas").optional(),
    priority: z.string().trim().min(1).max(100).regex(/^[a-z,]+$/, "priorities are lower-case words separated by commas").optional(),
    team: z.string().trim().min(1).max(64).optional(),
    owner: z.string().trim().min(1).max(64).optional(),
    category: ComplaintCategorySchema.optional(),
    overdue: z.enum(["true"]).optional(),
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type QueueFilters = z.infer<typeof QueueFiltersSchema>;
