/**
 * `/s/:slug`: the survey as server-rendered HTML that works without JavaScript (one page per
 * request, plain form POST, Post/Redirect/Get) and is enhanced when JavaScript runs.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { answerIdsOf, findPage, type SurveyDefinition } from "../domain/survey/definition";
import type { Answers } from "../domain/survey/answers";
import { applyPageSubmission, type FormFields } from "../domain/survey/form";
import { parseHiddenFieldValues } from "../domain/survey/hidden-fields";
import { localize, pickLanguage } from "../domain/survey/localization";
import { pageProgress, previousPage, resumePage, visiblePages } from "../domain/survey/logic";
import { uiStringsFor, type UiStrings } from "../domain/survey/ui-strings";
import { validateResponseAnswers } from "../domain/survey/answers";
import {
  findResumableResponse,
  openSurveyBySlug,
  resolveInvitation,
  submitAnswers,
  continuationRefusal,
  SurveyAccessError,
  type OpenSurvey,
} from "../db/queries/survey-access";
import { findResponseBySubmission, type ResponseRow } from "../db/queries/responses";
import { markInvitationOpened } from "../db/queries/invitations";
import { findSurveyBySlug, loadVersionDefinition, recordSurveyView } from "../db/queries/surveys";
import { enqueueResponseCompleted } from "../jobs/events";
import { clientIp, enforcePublicRateLimit } from "../lib/rate-limit";
import { randomSecret } from "../lib/ids";
import { ProblemError } from "../lib/problem";
import { SurveyPageView } from "./survey-page-views";
import { htmlDocument, MessagePage } from "./page-document";
import { findOrganisation } from "../db/queries/organisation";
import { evaluateComplaintTriggers } from "../domain/complaints/triggers";
import { surveyTriggerRules } from "../db/queries/complaints-triggers";

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const SECRET = /^[A-Za-z0-9_-]{8,200}$/;

function html(c: Context<AppEnv>, body: string, status: 200 | 404 | 409 | 410 | 403 | 422 = 200) {
  return c.body(body, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
}

function accessMessage(error: SurveyAccessError, strings: UiStrings): string {
  switch (error.reason) {
    case "closed":
    case "quota_reached":
      return strings.surveyClosed;
    case "not_yet_open":
    case "not_yet_valid":
      return strings.surveyNotYetOpen;
    case "expired":
      return strings.linkExpired;
    case "spent":
      return strings.linkSpent;
    default:
      return strings.unknownSurvey;
  }
}

function requestLanguage(c: Context<AppEnv>, requested?: string | null) {
  // Before the survey is known, only the built-in languages can be offered.
  return pickLanguage({ languages: ["zh-CN", "en"], defaultLanguage: "zh-CN" }, requested, c.req.header("accept-language"));
}

function accessErrorPage(c: Context<AppEnv>, error: unknown, language: string) {
  if (!(error instanceof SurveyAccessError)) throw error;
  const strings = uiStringsFor(language);
  const message = accessMessage(error, strings);
  return html(c, htmlDocument({ kind: "survey", language, title: message, body: <MessagePage title={message} message={error.message} /> }), error.status as 403 | 404 | 409 | 410);
}

type PageContext = {
  open: OpenSurvey;
  language: string;
  token?: string;
  resume?: string;
  hidden: Record<string, string>;
};

function renderPage(
  c: Context<AppEnv>,
  ctx: PageContext,
  response: { submissionId: string; answers: Answers },
  pageId: string,
  errors: Parameters<typeof SurveyPageView>[0]["errors"],
  resumed: boolean,
) {
  const { definition } = ctx.open;
  const page = findPage(definition, pageId) ?? definition.pages[0]!;
  const pages = visiblePages(definition, response.answers);
  const progress = pageProgress(definition, page.id, response.answers);
  const strings = uiStringsFor(ctx.language);
  const body = (
    <SurveyPageView
      definition={definition}
      page={page}
      answers={response.answers}
      errors={errors}
      strings={strings}
      form={{ slug: ctx.open.survey.slug, language: ctx.language, submissionId: response.submissionId, token: ctx.token, resume: ctx.resume, hidden: ctx.hidden }}
      progress={progress}
      isFirst={pages[0]?.id === page.id}
      isLast={pages[pages.length - 1]?.id === page.id}
      resumed={resumed}
    />
  );
  return html(
    c,
    htmlDocument({ kind: "survey", language: ctx.language, title: localize(definition.title, ctx.language, definition.defaultLanguage), body, enhance: true }),
    errors.length > 0 ? 422 : 200,
  );
}

/**
 * The thank-you page always offers a next step: a detractor of a public link is invited to the complaint
 * form (they left no contact), anyone else may still ask for a personal follow-up there, or close the page.
 */
function thankYouPage(c: Context<AppEnv>, definition: SurveyDefinition, language: string, next: { complaintFormUrl?: string; followUp?: boolean } = {}) {
  const strings = uiStringsFor(language);
  const message = definition.thankYou ? localize(definition.thankYou, language, definition.defaultLanguage) : strings.thankYouDefault;
  const followUp =
    next.complaintFormUrl && next.followUp ? (
      <p class="notice">
        <a href={next.complaintFormUrl}>
          {language === "zh-CN" ? "很抱歉给您带来不好的体验。如希望我们跟进处理，请在此提交投诉，我们会承诺处理时限并及时回复您。" : "We are sorry your experience fell short. If you would like us to follow up, tell us here: we will promise a deadline and keep you informed."}
        </a>
      </p>
    ) : next.complaintFormUrl ? (
      <p class="next-step">
        <a href={next.complaintFormUrl}>{strings.thankYouContact}</a>
      </p>
    ) : null;
  return html(
    c,
    htmlDocument({
      kind: "survey",
      language,
      title: strings.thankYouTitle,
      body: (
        <>
          <MessagePage title={strings.thankYouTitle} message={message} />
          {followUp}
          <p class="next-step">{strings.thankYouClose}</p>
        </>
      ),
    }),
  );
}

/** The organisation's complaint form for a survey's respondents, in their language. */
async function complaintFormUrl(db: AppEnv["Variables"]["db"], organizationId: string, slug: string, language: string): Promise<string | undefined> {
  const org = await findOrganisation(db, { id: organizationId });
  return org ? `/complaints/new?org=${encodeURIComponent(org.slug)}&survey=${encodeURIComponent(slug)}&lang=${encodeURIComponent(language)}` : undefined;
}

function pageUrl(slug: string, ctx: { language: string; token?: string; resume?: string }, pageId?: string) {
  const query = new URLSearchParams({ lang: ctx.language });
  if (ctx.token) query.set("t", ctx.token);
  if (ctx.resume) query.set("r", ctx.resume);
  if (pageId) query.set("page", pageId);
  return `/s/${slug}?${query.toString()}`;
}

export const surveyPageRoutes = new Hono<AppEnv>()
  .get("/s/:slug", async (c) => {
    const slug = c.req.param("slug");
    const requestedLang = c.req.query("lang");
    if (!SLUG.test(slug)) return accessErrorPage(c, new SurveyAccessError("unknown", "not-found", "Unknown survey."), requestLanguage(c, requestedLang));
    const db = c.get("db");
    const now = new Date();
    const token = c.req.query("t");
    const resume = c.req.query("r");
    let open: OpenSurvey;
    let invitation;
    try {
      open = await openSurveyBySlug(db, slug, now);
      invitation = await resolveInvitation(db, open.survey, token && SECRET.test(token) ? token : token ? "invalid-token" : undefined, now);
    } catch (error) {
      return accessErrorPage(c, error, requestLanguage(c, requestedLang));
    }
    const language = pickLanguage(open.definition, requestedLang, c.req.header("accept-language"));
    const existing = await findResumableResponse(db, open.survey, invitation, resume && SECRET.test(resume) ? resume : undefined);
    if (invitation && !existing && invitation.usesLeft <= 0) {
      return accessErrorPage(c, new SurveyAccessError("spent", "token-spent", "This link has already been used."), language);
    }
    if (existing?.status === "completed") return thankYouPage(c, open.definition, language, { complaintFormUrl: await complaintFormUrl(db, open.survey.organizationId, slug, language) });
    if (invitation) c.executionCtx.waitUntil(markInvitationOpened(db, invitation.id, now, open.survey.anonymous).then(() => undefined));
    // An impression: the top of the views → starts → completions funnel (not on the answer path).
    if (!existing) c.executionCtx.waitUntil(recordSurveyView(db, open.survey, now));

    const hidden = existing ? (existing.hidden as Record<string, string>) : parseHiddenFieldValues(open.definition, c.req.query()).values;
    const answers = (existing?.answers as Answers | undefined) ?? {};
    const resumeAt = resumePage(open.definition, answers) ?? open.definition.pages[0]!;
    const requestedPage = c.req.query("page");
    // A respondent may revisit earlier pages but not skip ahead of what they have answered.
    const visible = visiblePages(open.definition, answers);
    const maxIndex = visible.findIndex((p) => p.id === resumeAt.id);
    const requestedIndex = requestedPage ? visible.findIndex((p) => p.id === requestedPage) : -1;
    const page = requestedIndex >= 0 && requestedIndex <= Math.max(0, maxIndex) ? visible[requestedIndex]! : existing ? resumeAt : visible[0]!;
    return renderPage(
      c,
      { open, language, token: invitation ? token : undefined, resume: existing && !invitation ? resume : undefined, hidden },
      { submissionId: existing?.submissionId ?? randomSecret(24), answers },
      page.id,
      [],
      Boolean(existing) && !requestedPage,
    );
  })
  .post("/s/:slug", async (c) => {
    const slug = c.req.param("slug");
    if (!SLUG.test(slug)) throw new ProblemError("not-found", "Unknown survey.");
    await enforcePublicRateLimit(c, slug);
    const fields = (await c.req.parseBody({ all: true })) as FormFields;
    const field = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : undefined);
    const db = c.get("db");
    const now = new Date();
    const requestedLang = field("_lang");
    const submissionId = field("_submission") ?? "";
    const token = field("_token");
    let resume = field("_resume");
    if (!/^[A-Za-z0-9_-]{8,100}$/.test(submissionId)) throw new ProblemError("bad-request", "The form is missing its submission id; reload the survey page.");

    let open: OpenSurvey;
    let invitation;
    try {
      open = await openSurveyBySlug(db, slug, now);
      invitation = await resolveInvitation(db, open.survey, token, now);
    } catch (error) {
      return accessErrorPage(c, error, requestLanguage(c, requestedLang));
    }
    const language = pickLanguage(open.definition, requestedLang, c.req.header("accept-language"));
    const existing: ResponseRow | null = (await findResponseBySubmission(db, open.survey.id, submissionId)) ?? null;
    if (existing?.status === "completed") return c.redirect(pageUrl(slug, { language, token, resume }), 303);
    // The saved answers are shown and changed only for the invitation or resume secret they belong to.
    const refusal = await continuationRefusal(existing, { invitation, token, resumeSecret: resume });
    if (refusal) throw refusal;

    const hiddenFields: Record<string, string> = {};
    for (const [key, value] of Object.entries(fields)) if (key.startsWith("_h.") && typeof value === "string") hiddenFields[key.slice(3)] = value;
    const hidden = existing ? (existing.hidden as Record<string, string>) : parseHiddenFieldValues(open.definition, hiddenFields).values;
    const ctx: PageContext = { open, language, token: invitation ? token : undefined, resume, hidden };
    const pageId = field("_page") ?? open.definition.pages[0]!.id;
    const stored = (existing?.answers as Answers | undefined) ?? {};
    const step = applyPageSubmission(open.definition, pageId, stored, fields);
    const pageIndex = open.definition.pages.findIndex((p) => p.id === pageId);

    // Keep progress even when this page has errors: nothing a respondent typed is lost. The first
    // save of a public-link response gets its resume secret from the server.
    ctx.resume = invitation ? undefined : resume;
    const savePartial = async (answers: Answers) => {
      const saved = await submitAnswers(db, {
        open,
        submissionId,
        invitation,
        token,
        answers,
        prevalidated: answers,
        hidden,
        language,
        complete: false,
        currentPage: Math.max(0, pageIndex),
        resumeSecret: invitation ? undefined : resume,
        ip: clientIp(c),
        now,
      });
      if (saved.kind === "saved" && saved.resumeSecret) ctx.resume = resume = saved.resumeSecret;
    };

    if (field("_action") === "back") {
      await savePartial(step.answers);
      const previous = previousPage(open.definition, pageId, step.answers);
      return c.redirect(pageUrl(slug, ctx, previous?.id ?? pageId), 303);
    }
    if (!step.ok) {
      await savePartial(step.answers);
      return renderPage(c, ctx, { submissionId, answers: step.answers }, pageId, step.errors, false);
    }
    if (step.nextPage) {
      await savePartial(step.answers);
      return c.redirect(pageUrl(slug, ctx, step.nextPage.id), 303);
    }
    // Last page: the whole response must now be valid.
    const final = validateResponseAnswers(open.definition, step.answers, { complete: true });
    if (!final.ok) {
      await savePartial(step.answers);
      const firstBad = final.errors.find((e) => e.itemId)?.itemId;
      const badPage = open.definition.pages.find((p) => p.items.some((i) => i.id === firstBad || answerIdsOf(i).includes(firstBad ?? "")));
      return renderPage(c, ctx, { submissionId, answers: step.answers }, badPage?.id ?? pageId, final.errors, false);
    }
    try {
      const result = await submitAnswers(db, {
        open,
        submissionId,
        invitation,
        answers: final.normalized,
        prevalidated: final.normalized,
        hidden,
        language,
        token,
        complete: true,
        currentPage: Math.max(0, pageIndex),
        resumeSecret: invitation ? undefined : resume,
        ip: clientIp(c),
        now,
      });
      if (result.kind === "saved" && result.outcome.completedNow) enqueueResponseCompleted(c, result.outcome, open.survey.id);
    } catch (error) {
      if (error instanceof ProblemError && (error.problemType === "token-spent" || error.problemType === "gone" || error.problemType === "survey-unavailable")) {
        const reason = error.problemType === "token-spent" ? "spent" : error.problemType === "gone" ? "expired" : "closed";
        return accessErrorPage(c, new SurveyAccessError(reason, error.problemType, error.message), language);
      }
      throw error;
    }
    // An answer that will raise a complaint (a detractor, "very dissatisfied", "I complained"): the
    // respondent of a public link left no contact, so offer the complaint form to follow it up.
    const followUp = invitation === null && evaluateComplaintTriggers(surveyTriggerRules(open.survey, open.definition), final.normalized, hidden).complaint !== null;
    return c.redirect(`/s/${slug}/thanks?lang=${encodeURIComponent(language)}${followUp ? "&followup=1" : ""}`, 303);
  })
  .get("/s/:slug/thanks", async (c) => {
    const slug = c.req.param("slug");
    const survey = SLUG.test(slug) ? await findSurveyBySlug(c.get("db"), slug) : undefined;
    if (!survey?.publishedVersion) return accessErrorPage(c, new SurveyAccessError("unknown", "not-found", "Unknown survey."), requestLanguage(c, c.req.query("lang")));
    const definition = await loadVersionDefinition(c.get("db"), survey.id, survey.publishedVersion);
    const language = pickLanguage(definition, c.req.query("lang"), c.req.header("accept-language"));
    return thankYouPage(c, definition, language, {
      complaintFormUrl: await complaintFormUrl(c.get("db"), survey.organizationId, slug, language),
      followUp: c.req.query("followup") === "1",
    });
  });
