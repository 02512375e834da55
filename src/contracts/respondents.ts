/** Response contract of the privacy requests about one respondent (/api/respondents). */
import { z } from "@hono/zod-openapi";

const Instant = z.string().nullable();

export const RespondentExportSchema = z
  .object({
    format: z.string(),
    email: z.string(),
    generatedAt: z.string(),
    invitations: z.array(
      z.object({
        id: z.string(),
        surveyId: z.string(),
        surveySlug: z.string().nullable(),
        email: z.string().nullable(),
        hidden: z.record(z.string(), z.string()),
        status: z.string(),
        validFrom: Instant,
        validUntil: Instant,
        openedAt: Instant,
        startedAt: Instant,
        completedAt: Instant,
        remindedAt: Instant,
        reminderCount: z.number(),
        createdAt: Instant,
      }),
    ),
    responses: z.array(
      z.object({
        id: z.string(),
        surveyId: z.string(),
        surveySlug: z.string().nullable(),
        version: z.number(),
        status: z.string(),
        language: z.string(),
        email: z.string().nullable(),
        invitationId: z.string().nullable(),
        ip: z.string().nullable(),
        hidden: z.unknown(),
        answers: z.unknown(),
        tags: z.array(z.string()),
        anonymised: z.boolean(),
        createdAt: Instant,
        completedAt: Instant,
        notes: z.array(z.object({ id: z.string(), authorName: z.string().nullable(), body: z.string(), createdAt: Instant })),
      }),
    ),
    complaints: z.array(
      z.object({
        id: z.string(),
        reference: z.string(),
        source: z.string(),
        subject: z.string().nullable(),
        description: z.string().nullable(),
        category: z.string().nullable(),
        state: z.string(),
        priority: z.string(),
        contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
        desiredRemedy: z.string().nullable(),
        proposedRemedy: z.string().nullable(),
        resolution: z.unknown(),
        sourceResponseId: z.string().nullable(),
        receivedAt: Instant,
        closedAt: Instant,
        timeline: z.array(
          z.object({ type: z.string(), visibility: z.string(), actorKind: z.string(), actorName: z.string().nullable(), data: z.unknown(), at: Instant }),
        ),
      }),
    ),
    emailsSent: z.array(
      z.object({ id: z.string(), eventType: z.string(), subject: z.string().nullable(), status: z.string(), createdAt: Instant, deliveredAt: Instant }),
    ),
  })
  .openapi("RespondentExport");

export const ErasureSchema = z
  .object({
    mode: z.enum(["delete", "anonymise"]),
    invitations: z.number(),
    responses: z.number(),
    completedResponses: z.number().openapi({ description: "Completed responses taken out of (delete) or kept in (anonymise) the statistics" }),
    notes: z.number(),
    complaints: z.number(),
    attachments: z.number().openapi({ description: "Files the customer sent by e-mail, deleted from storage" }),
    emails: z.number(),
    skippedResponses: z.array(z.string()).openapi({ description: "Responses that kept changing during the request; run it again to finish them" }),
  })
  .openapi("RespondentErasure");

export type RespondentExport = z.infer<typeof RespondentExportSchema>;
export type Erasure = z.infer<typeof ErasureSchema>;
