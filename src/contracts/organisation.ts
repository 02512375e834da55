/** Response contract of /api/organisation: members, staff invitations (and their accept page) and settings. */
import { z } from "@hono/zod-openapi";

export const MemberSchema = z
  .object({ id: z.string(), userId: z.string(), name: z.string(), email: z.string(), role: z.string(), createdAt: z.string() })
  .openapi("Member");

export const InvitationSchema = z
  .object({ id: z.string(), email: z.string(), role: z.string().nullable(), status: z.string(), inviterId: z.string(), expiresAt: z.string(), createdAt: z.string() })
  .openapi("StaffInvitation");

export const SettingsSchema = z
  .object({
    timeZone: z.string(),
    workingDays: z.array(z.number()),
    workingHours: z.array(z.object({ start: z.string(), end: z.string() })),
    holidays: z.array(z.string()),
    additionalWorkingDates: z.array(z.string()),
    fatigueDays: z.number().nullable(),
  })
  .openapi("OrganisationSettings");

/** What a member's deactivation revoked. */
export const DeactivationSchema = z.object({ sessionsRevoked: z.number(), apiKeysRevoked: z.number() });

/** What the accept page of an e-mailed staff invitation shows (the token is the secret). */
export const PublicStaffInvitationSchema = z
  .object({ id: z.string(), organizationName: z.string(), email: z.string(), role: z.string().nullable(), status: z.string(), expiresAt: z.string() })
  .openapi("PublicStaffInvitation");

export const AcceptedStaffInvitationSchema = z.object({ organizationId: z.string(), role: z.string() });

export type Member = z.infer<typeof MemberSchema>;
export type StaffInvitation = z.infer<typeof InvitationSchema>;
export type OrganisationSettings = z.infer<typeof SettingsSchema>;
export type Deactivation = z.infer<typeof DeactivationSchema>;
export type PublicStaffInvitation = z.infer<typeof PublicStaffInvitationSchema>;
