/**
 * The customer's side of complaint handling, server-rendered (Preact to string), working without
 * JavaScript: plain form POSTs, no inline scripts or styles (the CSP forbids them); the stylesheet is
 * the pages' static web/public/pages.css.
 *
 *   GET/POST /complaints/new?org=<org slug>[&survey=<slug>][&lang=zh-CN|en]   the complaint form
 *   GET/POST /complaints/status/:reference?k=<secret>                          the status page
 *
 * The status link's secret is the capability: every request (GET and POST) checks it and answers
 * 404 when it does not match, so a guessed reference reveals nothing. Forms post to the same origin
 * (`form-action 'self'`); no cookies are involved, so there is no session to ride on (CSRF).
 * A customer's action is a state-machine transition (domain customer-actions.ts), applied by the
 * same transitionComplaint as the staff routes.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/openapi";
import { bodySizeLimit } from "../../lib/http";
import { enforcePublicRateLimit } from "../../lib/rate-limit";
import { randomSecret } from "../../lib/ids";
import { attachmentDownload } from "../../lib/attachment-store";
import { findComplaintAttachment } from "../../db/queries/inbound-email";
import { ProblemError } from "../../lib/problem";
import { customerActionPayload, customerActionTarget, isCustomerStatusAction, type WaitingReturnState } from "../../domain/complaints";
import { parseHiddenFieldValues } from "../../domain/survey/hidden-fields";
import { complaintLanguage, type ComplaintLanguage, formatDeadline } from "../../domain/complaints/texts";
import { COMPLAINT_PAGE_TEXTS } from "../../domain/complaints/page-texts";
import { findOrganisation } from "../../db/queries/organisation";
import { shardDatabases, shardDb } from "../../db/shards";
import { bindOrganisationShard } from "../../auth/shard-binding";
import { findSurveyBySlug, loadVersionDefinition } from "../../db/queries/surveys";
import { complaintSla, complaintStatusUrl, type ComplaintRow, findComplaintByStatusLink, loadComplaintContext, rowToComplaint } from "../../db/queries/complaints";
import { createComplaint } from "../../db/queries/complaints-intake";
import { complaintTimeline } from "../../db/queries/complaints-list";
import { customerParty, transitionComplaint } from "../../db/queries/complaints-actions";
import { PUBLIC_FORM_ACTOR_ID } from "../../db/queries/complaints-constants";
import { enqueueOutbox } from "../../db/queries/outbox";
import { handlingSurveyLink } from "../../db/queries/complaints-handling";
import { ComplaintForm, type FormValues, postedFormValues, postedSegment, SEGMENT_VALUE, SURVEY_SLUG, text, validateForm } from "./form";
import { type StatusErrors, StatusView } from "./status-page";
import { complaintDocument, html, type HtmlStatus, messagePage, withQuery } from "./page";
import { documentComplaintPages } from "./openapi";

const UI = COMPLAINT_PAGE_TEXTS;

/** Segment values passed by the link: the survey's declared hidden fields, else touchpoint/region/tier. */
async function segmentFrom(c: Context<AppEnv>, query: Record<string, string>, surveySlug: string, organizationId: string): Promise<Record<string, string>> {
  if (surveySlug) {
    const survey = await findSurveyBySlug(c.get("db"), surveySlug);
    if (survey && survey.organizationId === organizationId && survey.publishedVersion !== null) {
      const definition = await loadVersionDefinition(c.get("db"), survey.id, survey.publishedVersion);
      const { values } = parseHiddenFieldValues(definition, query);
      delete values.case_id;
      return values;
    }
  }
  const segment: Record<string, string> = {};
  for (const key of ["touchpoint", "region", "tier"]) {
    const value = query[key]?.trim();
    if (value && SEGMENT_VALUE.test(value)) segment[key] = value;
  }
  return segment;
}

/** The organisation of a complaint form (control plane), with the request bound to its shard. */
async function organisationBySlug(c: Context<AppEnv>, slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return undefined;
  const org = await findOrganisation(c.get("db"), { slug });
  if (org) await bindOrganisationShard(c, org.id);
  return org;
}

/**
 * The complaint behind a status link, with the request bound to its shard. The link names no
 * organisation, so each shard is asked in turn (a few reads on a page people open rarely; the hot
 * paths never do this); the secret's hash makes the match unique.
 */
async function statusLinkComplaint(c: Context<AppEnv>, reference: string, secret: string): Promise<ComplaintRow | null> {
  for (let shard = 0; shard < shardDatabases(c.env).length; shard++) {
    const row = await findComplaintByStatusLink(shardDb(c.env, shard), reference, secret);
    if (row) {
      await bindOrganisationShard(c, row.organizationId);
      return row;
    }
  }
  return null;
}

async function renderStatus(
  c: Context<AppEnv>,
  row: ComplaintRow,
  secret: string,
  lang: ComplaintLanguage,
  options: { status?: HtmlStatus; flash?: string; errors?: StatusErrors; values?: Record<string, string>; acknowledgement?: { statusUrl: string; email: string | null } } = {},
) {
  const db = c.get("db");
  const ctx = await loadComplaintContext(db, row.organizationId);
  const sla = complaintSla(rowToComplaint(row), ctx, new Date());
  const timeline = options.acknowledgement ? [] : await complaintTimeline(db, row.organizationId, row.id, "public");
  const w = UI[lang];
  const title = options.acknowledgement ? `${w.ackTitle} · ${row.reference}` : w.statusTitle(row.reference);
  return html(
    c,
    complaintDocument(
      lang,
      title,
      <StatusView
        row={row}
        secret={secret}
        words={w}
        lang={lang}
        timeline={timeline}
        deadline={formatDeadline(sla.promisedResolutionAt, lang, ctx.timeZone)}
        paused={sla.paused}
        timeZone={ctx.timeZone}
        flash={options.flash}
        errors={options.errors ?? {}}
        values={options.values ?? {}}
        acknowledgement={options.acknowledgement}
        handlingSurveyLink={await handlingSurveyLink(c.env, row)}
      />,
    ),
    options.status ?? 200,
  );
}

const router = createRouter();
documentComplaintPages(router);

router.use("/complaints/*", bodySizeLimit(65_536));

router.get("/complaints/new", async (c) => {
  const query = c.req.query();
  const lang = complaintLanguage(query.lang, c.req.header("accept-language"));
  const w = UI[lang];
  const org = await organisationBySlug(c, query.org ?? "");
  if (!org) return messagePage(c, lang, w.notFoundTitle, w.unknownOrg, 404);
  const ctx = await loadComplaintContext(c.get("db"), org.id);
  const values: FormValues = {
    org: org.slug,
    survey: typeof query.survey === "string" && SURVEY_SLUG.test(query.survey) ? query.survey : "",
    lang,
    submission: randomSecret(24),
    segment: await segmentFrom(c, query, query.survey ?? "", org.id),
    name: "",
    email: "",
    phone: "",
    anonymous: false,
    category: typeof query.category === "string" && ctx.categories.includes(query.category) ? query.category : "",
    subject: "",
    description: "",
    remedy: "",
  };
  return html(c, complaintDocument(lang, w.formTitle(org.name), <ComplaintForm words={w} values={values} errors={{}} categories={ctx.categories} organizationName={org.name} />));
});

router.post("/complaints/new", async (c) => {
  const contentType = c.req.header("content-type") ?? "";
  const fallbackLang = complaintLanguage(null, c.req.header("accept-language"));
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType)) {
    return messagePage(c, fallbackLang, "415", "Send the form as application/x-www-form-urlencoded.", 415);
  }
  const body = (await c.req.parseBody()) as Record<string, unknown>;
  const lang = complaintLanguage(text(body.lang, 10) || null, c.req.header("accept-language"));
  const w = UI[lang];
  const org = await organisationBySlug(c, text(body.org, 63));
  if (!org) return messagePage(c, lang, w.notFoundTitle, w.unknownOrg, 404);
  try {
    await enforcePublicRateLimit(c, `complaints-${org.slug}`);
  } catch (error) {
    if (error instanceof ProblemError && error.problemType === "rate-limited") return messagePage(c, lang, "429", w.tooMany, 429);
    throw error;
  }
  const db = c.get("db");
  const ctx = await loadComplaintContext(db, org.id);
  const surveySlug = text(body.survey, 63);
  const values = postedFormValues(body, { org: org.slug, lang, segment: await segmentFrom(c, postedSegment(body), surveySlug, org.id) });
  const errors = validateForm(values, ctx.categories, w);
  if (Object.keys(errors).length > 0) {
    return html(c, complaintDocument(lang, `${w.errorTitle} ${w.formTitle(org.name)}`, <ComplaintForm words={w} values={values} errors={errors} categories={ctx.categories} organizationName={org.name} />), 422);
  }
  let sourceSurveyId: string | null = null;
  if (values.survey) {
    const survey = await findSurveyBySlug(db, values.survey);
    if (survey && survey.organizationId === org.id) sourceSurveyId = survey.id;
  }
  const result = await createComplaint(db, c.env, {
    organizationId: org.id,
    source: "complaint_form",
    intakeKey: `form:${values.submission}`,
    sourceSurveyId,
    subject: values.subject || null,
    description: values.description,
    category: values.category || null,
    touchpoint: values.segment.touchpoint ?? null,
    region: values.segment.region ?? null,
    tier: values.segment.tier ?? null,
    segment: values.segment,
    desiredRemedy: values.remedy || null,
    contact: { name: values.name || null, email: values.email || null, phone: values.phone || null, anonymous: values.anonymous },
    language: lang,
    actor: { kind: "customer", id: PUBLIC_FORM_ACTOR_ID, ...(values.name && !values.anonymous ? { name: values.name.slice(0, 200) } : {}) },
    auditActor: { kind: "customer", id: PUBLIC_FORM_ACTOR_ID },
    now: new Date(),
  });
  if (result.outboxIds.length > 0) c.executionCtx.waitUntil(enqueueOutbox(c.env, result.outboxIds));
  return renderStatus(c, result.row, result.statusSecret, lang, {
    acknowledgement: { statusUrl: `${complaintStatusUrl(c.env, result.row.reference, result.statusSecret)}&lang=${lang}`, email: result.row.anonymous ? null : result.row.contactEmail },
  });
});

router.get("/complaints/status/:reference", async (c) => {
  const lang = complaintLanguage(c.req.query("lang"), c.req.header("accept-language"));
  const secret = c.req.query("k") ?? "";
  const row = await statusLinkComplaint(c, c.req.param("reference"), secret);
  if (!row) return messagePage(c, lang, UI[lang].notFoundTitle, UI[lang].notFound, 404);
  const requestedLang = c.req.query("lang") ? lang : complaintLanguage(row.language, null);
  const done = c.req.query("done") ?? "";
  return renderStatus(c, row, secret, requestedLang, { flash: isCustomerStatusAction(done) ? UI[requestedLang].done[done] : undefined });
});

// A file the team sent with a reply (or the customer e-mailed): the status link's secret is the capability here too.
router.get("/complaints/status/:reference/files/:attachmentId", async (c) => {
  const lang = complaintLanguage(c.req.query("lang"), c.req.header("accept-language"));
  const row = await statusLinkComplaint(c, c.req.param("reference"), c.req.query("k") ?? "");
  const db = c.get("db");
  const attachment = row ? await findComplaintAttachment(db, row.organizationId, row.id, c.req.param("attachmentId").slice(0, 64)) : undefined;
  const object = attachment ? await c.env.ATTACHMENTS.get(attachment.storageKey) : null;
  if (!attachment || !object) return messagePage(c, lang, UI[lang].notFoundTitle, UI[lang].notFound, 404);
  return attachmentDownload(object, attachment);
});

router.post("/complaints/status/:reference", async (c) => {
  const fallbackLang = complaintLanguage(null, c.req.header("accept-language"));
  const contentType = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType)) {
    return messagePage(c, fallbackLang, "415", "Send the form as application/x-www-form-urlencoded.", 415);
  }
  const body = (await c.req.parseBody()) as Record<string, unknown>;
  const lang = complaintLanguage(text(body.lang, 10) || null, c.req.header("accept-language"));
  const w = UI[lang];
  try {
    await enforcePublicRateLimit(c, `complaint-${c.req.param("reference").slice(0, 40)}`);
  } catch (error) {
    if (error instanceof ProblemError && error.problemType === "rate-limited") return messagePage(c, lang, "429", w.tooMany, 429);
    throw error;
  }
  const secret = text(body.k, 200);
  const row = await statusLinkComplaint(c, c.req.param("reference"), secret);
  if (!row) return messagePage(c, lang, w.notFoundTitle, w.notFound, 404);
  const db = c.get("db");
  const action = text(body.action, 20);
  if (!isCustomerStatusAction(action)) return renderStatus(c, row, secret, lang, { status: 400, errors: { general: w.errIllegal } });

  const message = text(body.message, 10_000);
  const reason = text(body.reason, 10_000);
  const comment = text(body.comment, 10_000);
  const values = { message, reason: action === "reject" ? reason : "", reopenReason: action === "reopen" ? reason : "", comment };
  // What the transition receives, and where it leads, are the state machine's call (domain customer-actions.ts).
  const payload = customerActionPayload(action, { message, reason, comment });
  if (!payload) return renderStatus(c, row, secret, lang, { status: 422, errors: { [action]: w.errMessage }, values });
  const to = customerActionTarget(action, row.state, row.waitingFrom as WaitingReturnState | null);
  if (!to) return renderStatus(c, row, secret, lang, { status: 409, errors: { general: w.errIllegal }, values });
  try {
    const result = await transitionComplaint(db, c.env, { organizationId: row.organizationId, complaintId: row.id, row, party: customerParty(row), to, payload, now: new Date() });
    if (result.outboxIds.length > 0) c.executionCtx.waitUntil(enqueueOutbox(c.env, result.outboxIds));
  } catch (error) {
    if (error instanceof ProblemError && ["illegal-transition", "forbidden", "conflict", "validation-failed"].includes(error.problemType)) {
      const current = (await findComplaintByStatusLink(db, row.reference, secret)) ?? row;
      return renderStatus(c, current, secret, lang, { status: error.problemType === "validation-failed" ? 422 : 409, errors: { general: w.errIllegal }, values });
    }
    throw error;
  }
  return c.redirect(withQuery(`/complaints/status/${row.reference}`, { k: secret, lang, done: action }), 303);
});

export const complaintPageRoutes = router;
