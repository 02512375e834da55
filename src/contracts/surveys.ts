/** Response contract of the survey list, survey detail and invitations. */
import { z } from "@hono/zod-openapi";
import type { SurveyDefinition } from "../domain/survey/definition";

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

/**
 * GET /api/surveys/{id}: the summary with the draft, versions and translation gaps. The draft is
 * described loosely for the OpenAPI document; its type is the domain's survey definition, which
 * validates every saved draft.
 */
export const SurveyDetailSchema = SurveySummarySchema.extend({
  draftDefinition: z.record(z.string(), z.unknown()),
  versions: z.array(z.object({ version: z.number(), publishedAt: z.string() })),
  missingTranslations: z.array(z.object({ path: z.string(), language: z.string(), message: z.string() })),
});

export type SurveyDetail = Omit<z.infer<typeof SurveyDetailSchema>, "draftDefinition"> & { draftDefinition: SurveyDefinition };

export const INVITATION_STATUSES = ["not_opened", "opened", "started", "completed", "expired"] as const;

/** One personal invitation link as GET /api/surveys/{id}/invitations lists it. */
export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    hidden: z.record(z.string(), z.string()),
    status: z.enum(INVITATION_STATUSES),
    usesLeft: z.number(),
    validFrom: z.string().nullable(),
    validUntil: z.string().nullable(),
    openedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Invitation");

export const InvitationListSchema = z.object({ total: z.number(), items: z.array(InvitationSchema) });

/** A link created by POST /api/surveys/{id}/invitations (the token is in this answer only). */
export const CreatedInvitationSchema = z.object({ id: z.string(), email: z.string().nullable(), token: z.string(), url: z.string() });

export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export type Invitation = z.infer<typeof InvitationSchema>;
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;
