/** Response contract of the survey list, survey detail and settings, and invitations (list, import, reminders). */
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

/** GET /api/surveys/{id}/settings: who may answer, when, how many, privacy and retention, triggers and reminders. */
export const SurveySettingsSchema = z
  .object({
    accessMode: z.enum(["public", "invitation", "both"]),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    responseQuota: z.number().nullable(),
    anonymous: z.boolean(),
    storeIp: z.boolean(),
    retentionDays: z.number().nullable(),
    complaintTriggers: z.array(z.record(z.string(), z.unknown())).nullable(),
    reminderSchedule: z.object({ firstAfterDays: z.number(), maxReminders: z.number(), minGapDays: z.number().optional() }).nullable(),
  })
  .openapi("SurveySettings");

/** PATCH /api/surveys/{id}/settings answers with the summary and the settings as saved. */
export const SurveySettingsUpdateSchema = z.object({ survey: SurveySummarySchema, settings: SurveySettingsSchema });

/** A rejected row of a customer-list import (`row` counts the header as row 1; `line` is the physical line). */
export const ImportedRowSchema = z.object({
  row: z.number(),
  line: z.number(),
  email: z.string().nullable(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
});

/** POST /api/surveys/{id}/invitations/import (JSON answer). */
export const InvitationImportSchema = z.object({
  accepted: z.number(),
  rejected: z.array(ImportedRowSchema),
  suppressed: z.array(z.object({ row: z.number(), email: z.string(), reason: z.string() })),
  invitations: z.array(z.object({ row: z.number(), id: z.string(), email: z.string(), url: z.string().nullable(), validUntil: z.string().nullable() })),
});

/** POST /api/surveys/{id}/invitations/remind: reminders queued, and the new links when reissued. */
export const ReminderResultSchema = z.object({ queued: z.number(), links: z.array(z.object({ invitationId: z.string(), email: z.string(), url: z.string() })) });

/** GET /api/surveys/{id}/invitations/remind: who a reminder run now would e-mail. */
export const ReminderPreviewSchema = z.object({ invited: z.number(), recipients: z.number() });

export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export type Invitation = z.infer<typeof InvitationSchema>;
export type InvitationList = z.infer<typeof InvitationListSchema>;
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;
export type SurveySettings = z.infer<typeof SurveySettingsSchema>;
export type SurveySettingsUpdate = z.infer<typeof SurveySettingsUpdateSchema>;
export type ImportedRow = z.infer<typeof ImportedRowSchema>;
export type InvitationImport = z.infer<typeof InvitationImportSchema>;
export type ReminderResult = z.infer<typeof ReminderResultSchema>;
export type ReminderPreview = z.infer<typeof ReminderPreviewSchema>;
