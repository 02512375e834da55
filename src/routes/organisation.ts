/**
 * Organisation admin: members and roles, deactivation, staff invitations by e-mail link, and the
 * organisation's settings (time zone, working hours, fatigue rule).
 *
 * Staff invitations use better-auth's organisation plugin (`auth.api.createInvitation`) after
 * Feedloop's own no-escalation check (`canGrantRole`): a manager may invite staff and viewers, or
 * another manager, never an admin. The e-mail links to the web app's accept page
 * `/app/invite/<id>.<secret>` (src/lib/link-secrets.ts; the link is rendered only when the e-mail is
 * sent), which shows GET /api/public/staff-invitations/{token} and, once the invitee has signed up or
 * signed in with the invited address, calls POST /api/staff-invitations/{token}/accept. The id alone,
 * which invitation lists show, opens nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { isAPIError } from "better-auth/api";
import { staffRoute } from "../auth/principal";
import { getAuth } from "../auth/create-auth";
import {
  cancelStaffInvitation,
  changeMemberRole,
  deactivateMember,
  getOrganisationSettings,
  listMembers,
  listStaffInvitations,
  publicStaffInvitation,
  updateOrganisationSettings,
  findOrganisation,
} from "../db/queries/organisation";
import { emailOutboxRow, enqueueOutbox } from "../db/queries/outbox";
import { gatedInsert } from "../db/queries/complaints-sql";
import { auditStatement } from "../db/queries/response-admin";
import { canGrantRole, ROLES } from "../domain/permissions";
import { staffInvitationEmail } from "../domain/staff-emails";
import {
  AcceptedStaffInvitationSchema,
  DeactivationSchema,
  InvitationSchema,
  MemberSchema,
  PublicStaffInvitationSchema,
  SettingsSchema,
} from "../contracts/organisation";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { ACCEPT_LINK_PLACEHOLDER, staffInvitationIdFromToken } from "../lib/link-secrets";
import type { AppBindings } from "../env";


const MemberParam = z.object({ memberId: z.string().min(1).max(64) });
const listMembersRoute = staffRoute({
  method: "get",
  path: "/organisation/members",
  tags: ["members"],
  summary: "The organisation's members and their roles",
  permission: "members:read",
  responses: { 200: { description: "Members", content: { "application/json": { schema: z.object({ items: z.array(MemberSchema) }) } } }, ...problemResponses(401, 403) },
});

const changeRoleRoute = staffRoute({
  method: "patch",
  path: "/organisation/members/{memberId}",
  tags: ["members"],
  summary: "Change a member's role (no escalation; only owners touch owners; the last owner stays)",
  permission: "members:manage",
  request: { params: MemberParam, body: { content: { "application/json": { schema: z.object({ role: z.enum(ROLES) }).strict() } }, required: true } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: MemberSchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
});

const deactivateRoute = staffRoute({
  method: "delete",
  path: "/organisation/members/{memberId}",
  tags: ["members"],
  summary: "Deactivate a member: remove the membership and revoke their sessions and the API keys they created",
  permission: "members:manage",
  request: { params: MemberParam },
  responses: { 200: { description: "Deactivated", content: { "application/json": { schema: DeactivationSchema } } }, ...problemResponses(401, 403, 404, 409) },
});

const listInvitationsRoute = staffRoute({
  method: "get",
  path: "/organisation/invitations",
  tags: ["members"],
  summary: "Staff invitations for the roles you may grant (default: pending ones)",
  permission: "members:invite",
  request: { query: z.object({ status: z.enum(["pending", "accepted", "rejected", "canceled", "all"]).default("pending") }) },
  responses: { 200: { description: "Invitations", content: { "application/json": { schema: z.object({ items: z.array(InvitationSchema) }) } } }, ...problemResponses(400, 401, 403) },
});

const inviteRoute = staffRoute({
  method: "post",
  path: "/organisation/invitations",
  tags: ["members"],
  summary: "Invite a colleague by e-mail link with a role you may grant (signed-in users only: the invitation is sent in your name)",
  permission: "members:invite",
  request: { body: { content: { "application/json": { schema: z.object({ email: z.email().max(320), role: z.enum(ROLES) }).strict() } }, required: true } },
  responses: {
    201: { description: "Invited (the accept link goes to the invitee only, by e-mail)", content: { "application/json": { schema: InvitationSchema } } },
    ...problemResponses(401, 403, 409, 422),
  },
});

const cancelInvitationRoute = staffRoute({
  method: "delete",
  path: "/organisation/invitations/{invitationId}",
  tags: ["members"],
  summary: "Cancel a pending staff invitation",
  permission: "members:invite",
  request: { params: z.object({ invitationId: z.string().min(1).max(64) }) },
  responses: { 204: { description: "Canceled" }, ...problemResponses(401, 403, 404, 409) },
});

const getSettingsRoute = staffRoute({
  method: "get",
  path: "/organisation/settings",
  tags: ["organisation"],
  summary: "Time zone, working days and hours, holidays, and the invitation fatigue rule",
  permission: "members:read",
  responses: { 200: { description: "Settings", content: { "application/json": { schema: SettingsSchema } } }, ...problemResponses(401, 403) },
});

const updateSettingsRoute = staffRoute({
  method: "patch",
  path: "/organisation/settings",
  tags: ["organisation"],
  summary: "Change settings (validated as a whole: IANA time zone, the complaint domain's business calendar, fatigue days)",
  permission: "organization:configure",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z
            .object({
              timeZone: z.string().min(1).max(100),
              workingDays: z.array(z.number().int()).max(7),
              workingHours: z.array(z.object({ start: z.string(), end: z.string() })).max(6),
              holidays: z.array(z.string()).max(400),
              additionalWorkingDates: z.array(z.string()).max(100),
              fatigueDays: z.number().int().min(1).max(3650).nullable(),
            })
            .partial()
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: SettingsSchema } } }, ...problemResponses(401, 403, 422) },
});

const InvitationTokenParam = z.object({ token: z.string().min(1).max(160).openapi({ description: "`<invitation id>.<secret>` from the e-mailed accept link" }) });

const publicInvitationRoute = createRoute({
  method: "get",
  path: "/public/staff-invitations/{token}",
  tags: ["members"],
  summary: "What the accept page shows (organisation, invited address, role, status); the token from the e-mailed link is the secret",
  request: { params: InvitationTokenParam },
  responses: {
    200: {
      description: "Invitation",
      content: {
        "application/json": {
          schema: PublicStaffInvitationSchema,
        },
      },
    },
    ...problemResponses(404),
  },
});

const acceptRoute = createRoute({
  method: "post",
  path: "/staff-invitations/{token}/accept",
  tags: ["members"],
  summary: "Accept a staff invitation as the signed-in user (whose e-mail must be the invited one) with the token from the e-mailed link",
  security: [{ cookieAuth: [] }],
  request: { params: InvitationTokenParam },
  responses: {
    200: { description: "Joined", content: { "application/json": { schema: AcceptedStaffInvitationSchema } } },
    ...problemResponses(401, 403, 404),
  },
});

/** better-auth's errors as problems. */
function authProblem(error: unknown): ProblemError {
  const status = (error as { statusCode?: number }).statusCode ?? 400;
  const message = (error as { body?: { message?: string } }).body?.message ?? (error as Error).message ?? "The request was refused.";
  if (/already (a member|invited)/i.test(message)) return new ProblemError("conflict", `${message}.`);
  if (/not found/i.test(message)) return new ProblemError("not-found", "This invitation does not exist, has expired or was already used.");
  if (status === 401) return new ProblemError("unauthorized", "Sign in first (with the invited e-mail address).");
  if (status === 403) return new ProblemError("forbidden", `${message}.`);
  return new ProblemError("bad-request", `${message}.`);
}

/** `.catch` for better-auth calls: its API errors become problems, anything else stays a bug. */
function rethrowAsProblem(error: unknown): never {
  if (isAPIError(error)) throw authProblem(error);
  throw error;
}

/** The invitation an accept-link token stands for; a wrong or bare id is "not found", like an unknown one. */
async function invitationIdOf(env: AppBindings, token: string): Promise<string> {
  const id = await staffInvitationIdFromToken(env, token);
  if (!id) throw new ProblemError("not-found", "This invitation does not exist, has expired or was already used. Open the link from the invitation e-mail exactly as it was sent.");
  return id;
}

export const organisationRoutes = createRouter()
  .openapi(listMembersRoute, async (c) => c.json({ items: await listMembers(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(changeRoleRoute, async (c) => {
    const member = await changeMemberRole(c.get("db"), c.get("principal"), c.req.valid("param").memberId, c.req.valid("json").role);
    return c.json(member, 200);
  })
  .openapi(deactivateRoute, async (c) => c.json(await deactivateMember(c.get("db"), c.get("principal"), c.req.valid("param").memberId), 200))
  .openapi(listInvitationsRoute, async (c) => {
    const { status } = c.req.valid("query");
    return c.json({ items: await listStaffInvitations(c.get("db"), c.get("principal"), status === "all" ? undefined : status) }, 200);
  })
  .openapi(inviteRoute, async (c) => {
    const principal = c.get("principal");
    const db = c.get("db");
    const { role } = c.req.valid("json");
    const email = c.req.valid("json").email.trim().toLowerCase();
    if (principal.kind !== "user") {
      throw new ProblemError("forbidden", "Staff invitations are sent in a person's name: sign in to invite (API keys cannot).");
    }
    if (!canGrantRole(principal.role, role)) {
      throw new ProblemError("forbidden", `A ${principal.role} cannot invite someone as ${role}${role === "owner" ? " (only owners can)" : " (it is above your own role)"}.`);
    }
    const created = await getAuth(c.env)
      .api.createInvitation({
        headers: c.req.raw.headers,
        body: { email, role, organizationId: principal.organizationId },
      })
      .catch(rethrowAsProblem);
    const org = await findOrganisation(db, { id: principal.organizationId });
    const expiresAt = new Date(created.expiresAt);
    const now = new Date();
    const mail = emailOutboxRow({
      organizationId: principal.organizationId,
      eventType: "staff.invitation",
      to: email,
      content: staffInvitationEmail({ organizationName: org?.name ?? "", inviterName: principal.name, role, url: ACCEPT_LINK_PLACEHOLDER, expiresAt }),
      now,
      dedupeKey: `staff.invitation:${created.id}`,
    });
    // The link itself is rendered when the e-mail is sent (renderSendTimeLinks), never stored.
    mail.payload = { ...(mail.payload as Record<string, unknown>), staffInvitationId: created.id };
    const d1 = db.$client;
    await d1.batch([
      gatedInsert(d1, "outbox", mail, undefined, { onConflictDoNothing: true }),
      auditStatement(d1, principal, { action: "staff_invitation.created", targetType: "invitation", targetId: created.id, data: { email, role } }, now),
    ]);
    c.executionCtx.waitUntil(enqueueOutbox(c.env, [mail.id]));
    return c.json(
      {
        id: created.id,
        email: created.email,
        role: created.role,
        status: created.status,
        inviterId: created.inviterId,
        expiresAt: expiresAt.toISOString(),
        createdAt: new Date(created.createdAt).toISOString(),
      },
      201,
    );
  })
  .openapi(cancelInvitationRoute, async (c) => {
    await cancelStaffInvitation(c.get("db"), c.get("principal"), c.req.valid("param").invitationId);
    return c.body(null, 204);
  })
  .openapi(getSettingsRoute, async (c) => c.json(await getOrganisationSettings(c.get("db"), c.get("principal").organizationId), 200))
  .openapi(updateSettingsRoute, async (c) => c.json(await updateOrganisationSettings(c.get("db"), c.get("principal"), c.req.valid("json")), 200))
  .openapi(publicInvitationRoute, async (c) => c.json(await publicStaffInvitation(c.get("db"), await invitationIdOf(c.env, c.req.valid("param").token)), 200))
  .openapi(acceptRoute, async (c) => {
    const auth = getAuth(c.env);
    const session = await auth.api.getSession({ headers: c.req.raw.headers });
    if (!session) throw new ProblemError("unauthorized", "Sign up or sign in with the invited e-mail address first.");
    const invitationId = await invitationIdOf(c.env, c.req.valid("param").token);
    const result = await auth.api.acceptInvitation({ headers: c.req.raw.headers, body: { invitationId } }).catch(rethrowAsProblem);
    if (!result) throw new ProblemError("not-found", "This invitation does not exist, has expired or was already used.");
    const d1 = c.get("db").$client;
    await auditStatement(
      d1,
      { kind: "user", id: session.user.id, organizationId: result.invitation.organizationId },
      { action: "member.joined", targetType: "member", targetId: result.member.id, data: { invitationId, role: result.member.role } },
    ).run();
    return c.json({ organizationId: result.invitation.organizationId, role: result.member.role }, 200);
  });
