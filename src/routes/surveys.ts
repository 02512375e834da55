import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import {
  createSurvey,
  getSurvey,
  listSurveys,
  listSurveyVersions,
  parseDefinition,
  publishSurvey,
  setSurveyStatus,
  summariseSurvey,
  updateSurveyDraft,
} from "../db/queries/surveys";
import { createInvitations, listInvitations } from "../db/queries/invitations";
import { emailInvitations } from "../db/queries/invitation-email";
import { enqueueOutbox } from "../db/queries/outbox";
import { invitationLinkToken } from "../lib/email-config";
import { getTemplate, isTemplateKey, listTemplates, TEMPLATE_KEYS } from "../domain/survey/templates";
import { findMissingTranslations } from "../domain/survey/translations";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError } from "../lib/problem";
import { CreatedInvitationSchema, InvitationListSchema, SurveyDetailSchema, SurveySummarySchema } from "../contracts/surveys";

export const IdParam = z.object({ id: z.string().min(1).max(64) });
const SlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "2-63 characters: lower-case letters, digits and dashes");

const CreateSurveySchema = z
  .object({
    slug: SlugSchema,
    template: z.enum(TEMPLATE_KEYS).optional(),
    definition: z.record(z.string(), z.unknown()).optional(),
    accessMode: z.enum(["public", "invitation", "both"]).optional(),
    opensAt: z.iso.datetime().optional(),
    closesAt: z.iso.datetime().optional(),
    responseQuota: z.number().int().min(1).max(10_000_000).optional(),
    anonymous: z.boolean().optional(),
    storeIp: z.boolean().optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .refine((v) => (v.template === undefined) !== (v.definition === undefined), {
    message: "give exactly one of `template` (a template key) or `definition` (a survey definition)",
    path: ["template"],
  });

const InvitationInputSchema = z
  .object({
    email: z.email().max(320).optional(),
    hidden: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.string().max(200)).optional(),
    validFrom: z.iso.datetime().optional(),
    validUntil: z.iso.datetime().optional(),
    uses: z.number().int().min(1).max(1000).optional(),
    /** With `send: "email"`: the invitation e-mail's language. */
    language: z.enum(["en", "zh-CN"]).optional(),
  })
  .strict();

const listRoute = staffRoute({
  method: "get",
  path: "/surveys",
  tags: ["surveys"],
  summary: "List the organisation's surveys",
  permission: "surveys:read",
  responses: {
    200: { description: "Surveys", content: { "application/json": { schema: z.object({ items: z.array(SurveySummarySchema) }) } } },
    ...problemResponses(401, 403),
  },
});

const templatesRoute = staffRoute({
  method: "get",
  path: "/survey-templates",
  tags: ["surveys"],
  summary: "The survey templates (ACSI, ECSI, NPS, CSAT, CES, SERVQUAL, complaint handling)",
  permission: "surveys:read",
  responses: {
    200: { description: "Templates", content: { "application/json": { schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } } },
    ...problemResponses(401, 403),
  },
});

const createSurveyRoute = staffRoute({
  method: "post",
  path: "/surveys",
  tags: ["surveys"],
  summary: "Create a draft survey from a template or a definition",
  permission: "surveys:write",
  request: { body: { content: { "application/json": { schema: CreateSurveySchema } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: SurveySummarySchema } } },
    ...problemResponses(401, 403, 409, 422),
  },
});

const getSurveyRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}",
  tags: ["surveys"],
  summary: "A survey with its draft definition, versions and translation gaps",
  permission: "surveys:read",
  request: { params: IdParam },
  responses: {
    200: {
      description: "The survey",
      content: {
        "application/json": {
          schema: SurveyDetailSchema,
        },
      },
    },
    ...problemResponses(401, 403, 404),
  },
});

const updateDraftRoute = staffRoute({
  method: "put",
  path: "/surveys/{id}/draft",
  tags: ["surveys"],
  summary: "Replace the draft definition (published versions never change)",
  permission: "surveys:write",
  request: {
    params: IdParam,
    body: { content: { "application/json": { schema: z.object({ definition: z.record(z.string(), z.unknown()) }).strict() } }, required: true },
  },
  responses: { 200: { description: "Saved", content: { "application/json": { schema: SurveySummarySchema } } }, ...problemResponses(401, 403, 404, 422) },
});

const statusRoute = <Action extends "publish" | "close" | "reopen">(action: Action) =>
  staffRoute({
    method: "post",
    path: `/surveys/{id}/${action}`,
    tags: ["surveys"],
    summary:
      action === "publish"
        ? "Publish the draft as a new immutable version and open the survey"
        : action === "close"
          ? "Stop accepting responses"
          : "Accept responses again (the latest published version)",
    permission: "surveys:publish",
    request: { params: IdParam },
    responses: { 200: { description: "Updated", content: { "application/json": { schema: SurveySummarySchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
  });

const createInvitationsRoute = staffRoute({
  method: "post",
  path: "/surveys/{id}/invitations",
  tags: ["invitations"],
  summary: "Create personal single-use invitation links (the tokens are in this response only)",
  description:
    "All or nothing. With the organisation's contact-fatigue rule set (PATCH /api/organisation/settings `fatigueDays`), an address invited to any of its surveys within that many days — or twice in one request — is refused: 422 with a `fatigue` error per address (`invitations.<index>.email`), as the CSV import does.",
  permission: "invitations:write",
  request: {
    params: IdParam,
    body: {
      content: {
        "application/json": {
          schema: z
            .object({
              invitations: z.array(InvitationInputSchema).min(1).max(1000),
              /** "email": each invitee gets the invitation e-mail with their personal link; the links are not in the answer. */
              send: z.enum(["email"]).optional(),
            })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: "Created (links in the answer), or e-mailed (`send: \"email\"`: `sent`, and the `suppressed` addresses that were skipped)",
      content: {
        "application/json": {
          schema: z.union([
            z.object({ items: z.array(CreatedInvitationSchema) }),
            z.object({
              sent: z.array(z.object({ id: z.string(), email: z.string() })),
              suppressed: z.array(z.object({ index: z.number(), email: z.string(), reason: z.string() })),
            }),
          ]),
        },
      },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});

const listInvitationsRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/invitations",
  tags: ["invitations"],
  summary: "Invitations with their status (not opened, opened, started, completed, expired)",
  permission: "surveys:read",
  request: {
    params: IdParam,
    query: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: {
    200: { description: "Invitations", content: { "application/json": { schema: InvitationListSchema } } },
    ...problemResponses(400, 401, 403, 404),
  },
});

function toDate(value: string | undefined): Date | null {
  return value ? new Date(value) : null;
}

export const surveyRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ items: await listSurveys(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(templatesRoute, (c) => c.json({ items: listTemplates() }, 200))
  .openapi(createSurveyRoute, async (c) => {
    const body = c.req.valid("json");
    const definition = body.template && isTemplateKey(body.template) ? getTemplate(body.template) : parseDefinition(body.definition);
    const row = await createSurvey(c.get("db"), c.get("principal"), {
      slug: body.slug,
      definition,
      accessMode: body.accessMode,
      opensAt: toDate(body.opensAt),
      closesAt: toDate(body.closesAt),
      responseQuota: body.responseQuota ?? null,
      anonymous: body.anonymous,
      storeIp: body.storeIp,
      retentionDays: body.retentionDays ?? null,
    });
    return c.json(summariseSurvey(row), 201);
  })
  .openapi(getSurveyRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const row = await getSurvey(db, organizationId, c.req.valid("param").id);
    const versions = await listSurveyVersions(db, organizationId, row.id);
    const draft = parseDefinition(row.draftDefinition);
    return c.json(
      {
        ...summariseSurvey(row),
        draftDefinition: row.draftDefinition as Record<string, unknown>,
        versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString() })),
        missingTranslations: findMissingTranslations(draft),
      },
      200,
    );
  })
  .openapi(updateDraftRoute, async (c) => {
    const definition = parseDefinition(c.req.valid("json").definition);
    const row = await updateSurveyDraft(c.get("db"), c.get("principal"), c.req.valid("param").id, definition);
    return c.json(summariseSurvey(row), 200);
  })
  .openapi(statusRoute("publish"), async (c) => c.json(summariseSurvey(await publishSurvey(c.get("db"), c.get("principal"), c.req.valid("param").id)), 200))
  .openapi(statusRoute("close"), async (c) =>
    c.json(summariseSurvey(await setSurveyStatus(c.get("db"), c.get("principal"), c.req.valid("param").id, "closed")), 200),
  )
  .openapi(statusRoute("reopen"), async (c) =>
    c.json(summariseSurvey(await setSurveyStatus(c.get("db"), c.get("principal"), c.req.valid("param").id, "published")), 200),
  )
  .openapi(createInvitationsRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const survey = await getSurvey(db, principal.organizationId, c.req.valid("param").id);
    const { invitations, send } = c.req.valid("json");
    for (const [index, inv] of invitations.entries()) {
      if (inv.validFrom && inv.validUntil && inv.validFrom >= inv.validUntil) {
        throw new ProblemError("validation-failed", "validUntil must be after validFrom.", {
          errors: [{ field: `invitations.${index}.validUntil`, code: "invalid_range", message: "must be after validFrom" }],
        });
      }
    }
    if (send === "email") {
      const missing = invitations.flatMap((inv, index) => (inv.email ? [] : [{ field: `invitations.${index}.email`, code: "required", message: "is needed to send the invitation by e-mail" }]));
      if (missing.length > 0) throw new ProblemError("validation-failed", "Every invitation sent by e-mail needs an address.", { errors: missing });
      const outcome = await emailInvitations(
        db,
        principal,
        survey,
        invitations.map((inv) => ({ email: inv.email!, language: inv.language ?? "en", hidden: inv.hidden, validFrom: toDate(inv.validFrom), validUntil: toDate(inv.validUntil), uses: inv.uses })),
        { origin: c.env.PUBLIC_ORIGIN, now: new Date(), token: (invitationId) => invitationLinkToken(c.env, invitationId, 0) },
      );
      c.executionCtx.waitUntil(enqueueOutbox(c.env, outcome.outboxIds));
      return c.json({ sent: outcome.sent, suppressed: outcome.suppressed }, 201);
    }
    const created = await createInvitations(
      db,
      principal,
      survey,
      invitations.map((inv) => ({ email: inv.email ?? null, hidden: inv.hidden, validFrom: toDate(inv.validFrom), validUntil: toDate(inv.validUntil), uses: inv.uses })),
      c.env.PUBLIC_ORIGIN,
      { contactFatigue: "apply" },
    );
    return c.json({ items: created }, 201);
  })
  .openapi(listInvitationsRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const survey = await getSurvey(db, organizationId, c.req.valid("param").id);
    const { page, pageSize } = c.req.valid("query");
    return c.json(await listInvitations(db, organizationId, survey.id, pageSize, (page - 1) * pageSize), 200);
  });
