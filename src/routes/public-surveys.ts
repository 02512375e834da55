import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, problemResponses } from "../lib/openapi";
import { validationProblem } from "../lib/problem";
import { pickLanguage } from "../domain/survey/localization";
import { parseHiddenFieldValues } from "../domain/survey/hidden-fields";
import { openSurveyBySlug, resolveInvitation, submitAnswers, withCachedOpenSurvey } from "../db/queries/survey-access";
import { enqueueResponseCompleted } from "../jobs/events";
import { clientIp, enforcePublicRateLimit } from "../lib/rate-limit";

const SlugParam = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "a survey slug: lower-case letters, digits and dashes") });

const SubmissionSchema = z
  .object({
    submissionId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,100}$/, "8-100 characters from A-Z, a-z, 0-9, _ and -; generate one per response (e.g. a UUID) and reuse it on retries"),
    token: z.string().min(8).max(200).optional(),
    resumeToken: z
      .string()
      .min(8)
      .max(200)
      .optional()
      .openapi({ description: "The resumeToken the server returned with this response's first partial save; needed to continue it without an invitation token" }),
    language: z.string().max(35).optional(),
    hidden: z.record(z.string().max(64), z.string().max(1000)).optional(),
    answers: z.record(z.string().max(64), z.unknown()),
    complete: z.boolean(),
    currentPage: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .openapi("Submission");

const getDefinitionRoute = createRoute({
  method: "get",
  path: "/public/surveys/{slug}",
  tags: ["public"],
  summary: "The published definition of a survey, for rendering it",
  request: { params: SlugParam, query: z.object({ lang: z.string().max(35).optional(), t: z.string().max(200).optional() }) },
  responses: {
    200: {
      description: "The survey definition and the language chosen",
      content: {
        "application/json": {
          schema: z.object({ slug: z.string(), version: z.number(), language: z.string(), definition: z.record(z.string(), z.unknown()) }),
        },
      },
    },
    ...problemResponses(400, 403, 404, 409, 410, 429),
  },
});

const submitRoute = createRoute({
  method: "post",
  path: "/public/surveys/{slug}/responses",
  tags: ["public"],
  summary: "Submit (or save part of) a response; idempotent on submissionId",
  description:
    "201 on first receipt; the same submissionId again returns 200 with the same id and changes nothing once completed. A first partial save (complete: false) without an invitation token returns a `resumeToken`: continuing that response (same submissionId) needs it, or the invitation token it was started with (403 otherwise); a resumeToken the server did not issue is refused (400). Concurrent completions with one single-use token: exactly one succeeds, the others get 409.",
  request: {
    params: SlugParam,
    body: { content: { "application/json": { schema: SubmissionSchema } }, required: true },
  },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: z.object({ id: z.string(), status: z.enum(["partial", "completed"]), resumeToken: z.string().optional() }) } } },
    200: { description: "Already stored (idempotent retry) or partial response updated", content: { "application/json": { schema: z.object({ id: z.string(), status: z.enum(["partial", "completed"]) }) } } },
    ...problemResponses(400, 403, 404, 409, 410, 413, 422, 429),
  },
});

export const publicSurveyRoutes = createRouter()
  .openapi(getDefinitionRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const { lang, t } = c.req.valid("query");
    const db = c.get("db");
    const now = new Date();
    const open = await openSurveyBySlug(db, slug, now);
    await resolveInvitation(db, open.survey, t, now);
    const language = pickLanguage(open.definition, lang, c.req.header("accept-language"));
    return c.json({ slug, version: open.version, language, definition: open.definition }, 200);
  })
  .openapi(submitRoute, async (c) => {
    const { slug } = c.req.valid("param");
    await enforcePublicRateLimit(c, slug);
    const body = c.req.valid("json");
    const db = c.get("db");
    const now = new Date();
    const ip = clientIp(c);
    const acceptLanguage = c.req.header("accept-language");
    const { open, result } = await withCachedOpenSurvey(db, slug, now, async (open) => {
      // A token is resolved inside the write batch (no read before it); without one, only the
      // survey's access mode is checked (no read either).
      const invitation = body.token ? null : await resolveInvitation(db, open.survey, undefined, now);
      const hidden = parseHiddenFieldValues(open.definition, body.hidden ?? {}).values;
      const language = pickLanguage(open.definition, body.language, acceptLanguage);
      const result = await submitAnswers(db, {
        open,
        submissionId: body.submissionId,
        invitation,
        token: body.token,
        answers: body.answers,
        hidden,
        language,
        complete: body.complete,
        currentPage: body.currentPage,
        resumeSecret: body.resumeToken,
        ip,
        now,
      });
      return { open, result };
    });
    if (result.kind === "invalid") {
      throw validationProblem(
        result.errors.map((e) => ({ field: e.itemId ? `answers.${e.itemId}` : "answers", code: e.code, message: e.message })),
        `Some answers need attention: ${result.errors.slice(0, 3).map((e) => e.message).join("; ")}${result.errors.length > 3 ? "; …" : ""}`,
      );
    }
    const { outcome } = result;
    if (outcome.completedNow) enqueueResponseCompleted(c, outcome, open.survey.id);
    return c.json({ id: outcome.id, status: outcome.status, ...(result.resumeSecret ? { resumeToken: result.resumeSecret } : {}) }, outcome.created ? 201 : 200);
  });
