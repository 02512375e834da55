/**
 * The customer's side of complaint handling, server-rendered (Preact to string), working without
 * JavaScript: plain form POSTs, no inline scripts or styles (the CSP forbids them).
 *
 *   GET/POST /complaints/new?org=<org slug>[&survey=<slug>][&lang=zh-CN|en]   the complaint form
 *   GET/POST /complaints/status/:reference?k=<secret>                          the status page
 *   GET      /complaints/assets/complaints.css                                 its stylesheet
 *
 * The status link's secret is the capability: every request (GET and POST) checks it and answers
 * 404 when it does not match, so a guessed reference reveals nothing. Forms post to the same origin
 * (`form-action 'self'`); no cookies are involved, so there is no session to ride on (CSRF).
 */
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import type { Context } from "hono";
import { findOrganisation } from "../db/queries/organisation";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { createRouter } from "../lib/openapi";
import { bodySizeLimit } from "../lib/http";
import { enforcePublicRateLimit } from "../lib/rate-limit";
import { randomSecret } from "../lib/ids";
import { ProblemError } from "../lib/problem";
import {
  type ComplaintState,
  CUSTOMER_STATUS_ACTION_NAMES,
  customerActionTarget,
  isCustomerStatusAction,
  type WaitingReturnState,
} from "../domain/complaints";
import { parseHiddenFieldValues } from "../domain/survey/hidden-fields";
import { findSurveyBySlug, loadVersionDefinition } from "../db/queries/surveys";
import {
  complaintSla,
  complaintStatusUrl,
  type ComplaintRow,
  findComplaintByStatusLink,
  loadComplaintContext,
  rowToComplaint,
} from "../db/queries/complaints";
import { createComplaint } from "../db/queries/complaints-intake";
import { complaintTimeline, type TimelineEntry } from "../db/queries/complaints-list";
import { customerParty, transitionComplaint } from "../db/queries/complaints-actions";
import { PUBLIC_FORM_ACTOR_ID } from "../db/queries/complaints-constants";
import { enqueueOutbox } from "../db/queries/outbox";
import { handlingSurveyLink } from "../db/queries/complaints-handling";
import {
  categoryLabel,
  complaintLanguage,
  type ComplaintLanguage,
  formatDeadline,
  formatMoment,
  STATE_EXPLANATIONS,
  STATE_LABELS,
  STATUS_STEPS,
} from "../domain/complaints/texts";

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

const UI = {
  "zh-CN": {
    formTitle: (org: string) => `向 ${org} 投诉`,
    formIntro: "请告诉我们发生了什么。我们会立即确认受理，并承诺在规定时限内给出处理结果。投诉免费，您的信息仅用于处理本次投诉。",
    required: "必填",
    optional: "选填",
    contactLegend: "您的联系方式",
    contactHint: "请至少留下电子邮箱或电话，以便我们联系您；也可以选择匿名投诉。",
    name: "姓名",
    email: "电子邮箱",
    phone: "电话",
    anonymous: "我希望匿名投诉（我们将无法主动联系您，请保存稍后显示的查询链接）",
    complaintLegend: "您的投诉",
    category: "问题类别",
    categoryNone: "不确定",
    subject: "标题",
    subjectHint: "一句话概括问题",
    description: "发生了什么？",
    descriptionHint: "请尽量写明时间、地点、订单号等细节。",
    remedy: "您希望我们怎么处理？",
    remedyHint: "例如退款、换货、道歉或说明原因。",
    submit: "提交投诉",
    errorTitle: "请修改以下问题后再提交：",
    errDescription: "请描述发生了什么。",
    errTooLong: (max: number) => `内容过长（最多 ${max} 个字符）。`,
    errEmail: "请填写有效的电子邮箱地址，例如 name@example.com。",
    errPhone: "请填写有效的电话号码。",
    errContact: "请留下电子邮箱或电话，或选择匿名投诉。",
    errCategory: "请从列表中选择类别。",
    ackTitle: "我们已收到您的投诉",
    ackReference: "投诉编号",
    ackDeadline: "承诺处理时限",
    ackLink: "查看处理进度的专属链接",
    ackLinkHint: "请保存此链接（例如加入书签）。任何持有该链接的人都可以查看并回复此投诉，请勿转发。",
    ackEmail: (email: string) => `我们也已将编号和链接发送至 ${email}。`,
    ackOpen: "查看处理进度",
    statusTitle: (ref: string) => `投诉 ${ref}`,
    stage: "当前进度",
    deadline: "承诺处理时限",
    closedOn: "结案时间",
    paused: "（等待您回复期间暂停计时）",
    remedyProposed: "我们提出的处理方案",
    accept: "接受此方案",
    acceptComment: "补充说明（选填）",
    reject: "不接受，继续处理",
    rejectReason: "请告诉我们为什么不接受",
    conversation: "处理记录",
    you: "您",
    team: "客服团队",
    received: "投诉已提交",
    stageChanged: (label: string) => `进度更新：${label}`,
    reply: "回复我们",
    replyLabel: "您的消息",
    send: "发送",
    reopen: "问题没有解决？重新打开投诉",
    reopenReason: "请说明仍存在的问题",
    reopenSubmit: "重新打开",
    survey: "请花一分钟评价我们的处理",
    surveyLink: "填写处理满意度回访",
    surveyDone: "感谢您评价我们的处理。",
    doneReply: "您的消息已发送。",
    doneAccept: "感谢您！此投诉已结案。",
    doneReject: "我们已记录您的意见，将继续处理。",
    doneReopen: "投诉已重新打开，我们会尽快处理。",
    errMessage: "请填写内容。",
    errIllegal: "此操作在当前进度下不可用，页面已更新，请查看最新状态。",
    notFoundTitle: "找不到此投诉",
    notFound: "链接无效或不完整。请使用确认邮件或确认页面中的完整链接。",
    unknownOrg: "找不到该机构的投诉页面，请检查链接。",
    tooMany: "提交过于频繁，请一分钟后再试。",
    language: "English",
    steps: "处理步骤",
  },
  en: {
    formTitle: (org: string) => `Complain to ${org}`,
    formIntro:
      "Tell us what went wrong. We confirm every complaint at once and promise a deadline for resolving it. Complaining is free; your details are only used to handle this complaint.",
    required: "required",
    optional: "optional",
    contactLegend: "How we can reach you",
    contactHint: "Give at least an e-mail address or a phone number so we can contact you, or complain anonymously.",
    name: "Name",
    email: "E-mail",
    phone: "Phone",
    anonymous: "I want to complain anonymously (we cannot contact you; keep the status link shown next)",
    complaintLegend: "Your complaint",
    category: "What is it about?",
    categoryNone: "Not sure",
    subject: "Subject",
    subjectHint: "One line summing up the problem",
    description: "What happened?",
    descriptionHint: "Include dates, places and order numbers where you can.",
    remedy: "What would you like us to do?",
    remedyHint: "For example a refund, a replacement, an apology or an explanation.",
    submit: "Send complaint",
    errorTitle: "Please fix the following and send again:",
    errDescription: "Tell us what happened.",
    errTooLong: (max: number) => `This is too long (at most ${max} characters).`,
    errEmail: "Enter a valid e-mail address, such as name@example.com.",
    errPhone: "Enter a valid phone number.",
    errContact: "Give an e-mail address or a phone number, or choose to complain anonymously.",
    errCategory: "Choose a category from the list.",
    ackTitle: "We have received your complaint",
    ackReference: "Reference",
    ackDeadline: "We promise to resolve it by",
    ackLink: "Your private status link",
    ackLinkHint: "Keep this link (bookmark it). Anyone with it can read and answer this complaint, so do not share it.",
    ackEmail: (email: string) => `We have also sent the reference and the link to ${email}.`,
    ackOpen: "Follow your complaint",
    statusTitle: (ref: string) => `Complaint ${ref}`,
    stage: "Where it stands",
    deadline: "We promise to resolve it by",
    closedOn: "Closed on",
    paused: "(paused while we wait for your reply)",
    remedyProposed: "Our proposed remedy",
    accept: "Accept this remedy",
    acceptComment: "Anything to add (optional)",
    reject: "Reject and continue",
    rejectReason: "Tell us why you do not accept it",
    conversation: "Conversation",
    you: "You",
    team: "Customer care",
    received: "Complaint sent",
    stageChanged: (label: string) => `Status: ${label}`,
    reply: "Reply to us",
    replyLabel: "Your message",
    send: "Send",
    reopen: "Not resolved? Reopen the complaint",
    reopenReason: "Tell us what is still wrong",
    reopenSubmit: "Reopen",
    survey: "Please take a minute to rate how we handled it",
    surveyLink: "Rate our handling",
    surveyDone: "Thank you for rating how we handled your complaint.",
    doneReply: "Your message has been sent.",
    doneAccept: "Thank you! This complaint is now closed.",
    doneReject: "We have recorded your view and will continue working on it.",
    doneReopen: "The complaint is open again; we will look at it shortly.",
    errMessage: "Write a message.",
    errIllegal: "That is not possible at this stage; the page shows the latest status.",
    notFoundTitle: "Complaint not found",
    notFound: "The link is not valid or incomplete. Use the whole link from the confirmation page or e-mail.",
    unknownOrg: "There is no complaint form at this address. Check the link.",
    tooMany: "Too many complaints from your network just now; try again in a minute.",
    language: "中文",
    steps: "Steps",
  },
} as const;

type Words = (typeof UI)[ComplaintLanguage];

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const STYLESHEET = "/complaints/assets/complaints.css";

function documentHtml(language: ComplaintLanguage, title: string, body: ComponentChildren): string {
  return `<!doctype html>${render(
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="stylesheet" href={STYLESHEET} />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <main class="complaint" id="main">
          {body}
        </main>
      </body>
    </html>,
  )}`;
}

type HtmlStatus = 200 | 400 | 404 | 409 | 415 | 422 | 429;

function html(c: Context<AppEnv>, body: string, status: HtmlStatus = 200) {
  return c.body(body, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-robots-tag": "noindex" });
}

function messagePage(c: Context<AppEnv>, language: ComplaintLanguage, title: string, message: string, status: HtmlStatus) {
  return html(
    c,
    documentHtml(
      language,
      title,
      <section class="message" aria-live="polite">
        <h1>{title}</h1>
        <p>{message}</p>
      </section>,
    ),
    status,
  );
}

function withQuery(path: string, params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

const MAX_DESCRIPTION = 5000;
const MAX_REMEDY = 2000;
const SEGMENT_VALUE = /^[\p{L}\p{N} _.\-]{1,100}$/u;
const SUBMISSION = /^[A-Za-z0-9_-]{16,64}$/;

type FormValues = {
  org: string;
  survey: string;
  lang: ComplaintLanguage;
  submission: string;
  segment: Record<string, string>;
  name: string;
  email: string;
  phone: string;
  anonymous: boolean;
  category: string;
  subject: string;
  description: string;
  remedy: string;
};

type FieldErrorMap = Partial<Record<"name" | "email" | "phone" | "contact" | "category" | "subject" | "description" | "remedy", string>>;

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p class="field-error" id={`${id}-error`}>
      {message}
    </p>
  ) : null;
}

function describedBy(id: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A customer action on the status page that carries one text (reply, rejection reason, reopen reason). */
function StatusActionForm(props: {
  action: string;
  hidden: ComponentChildren;
  kind: "reject" | "reply" | "reopen";
  field: "reason" | "message";
  label: string;
  rows: number;
  error?: string;
  value?: string;
  submit: string;
  primary?: boolean;
  inline?: boolean;
}) {
  const id = `field-${props.kind}`;
  return (
    <form method="post" action={props.action} class={props.inline ? "inline-form" : undefined}>
      {props.hidden}
      <input type="hidden" name="action" value={props.kind} />
      <div class={`field${props.error ? " has-error" : ""}`}>
        <label for={id}>{props.label}</label>
        <FieldError id={id} message={props.error} />
        <textarea id={id} name={props.field} rows={props.rows} aria-invalid={props.error ? "true" : undefined} aria-describedby={describedBy(id, false, props.error)}>
          {props.value ?? ""}
        </textarea>
      </div>
      <button type="submit" class={props.primary ? "primary" : undefined}>
        {props.submit}
      </button>
    </form>
  );
}

function TextField(props: { id: string; name: string; label: string; value: string; type?: "text" | "email" | "tel"; hint?: string; error?: string; autocomplete?: string; optional: string; maxLength?: number }) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <label for={props.id}>
        {props.label} <span class="optional">({props.optional})</span>
      </label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={props.id} message={props.error} />
      <input
        id={props.id}
        name={props.name}
        type={(props.type ?? "text") as "text"}
        value={props.value}
        {...({ autocomplete: props.autocomplete } as Record<string, string | undefined>)}
        maxLength={props.maxLength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props.id, Boolean(props.hint), props.error)}
      />
    </div>
  );
}

function ComplaintForm(props: { words: Words; values: FormValues; errors: FieldErrorMap; categories: string[]; organizationName: string }) {
  const { words: w, values: v, errors } = props;
  const errorEntries = Object.entries(errors).filter(([, message]) => message) as [keyof FieldErrorMap, string][];
  const anchor = (field: keyof FieldErrorMap) => (field === "contact" ? "field-email" : `field-${field}`);
  const otherLang: ComplaintLanguage = v.lang === "zh-CN" ? "en" : "zh-CN";
  return (
    <>
      <header class="page-header">
        <h1>{w.formTitle(props.organizationName)}</h1>
        <a class="lang-switch" lang={otherLang} href={withQuery("/complaints/new", { org: v.org, survey: v.survey || undefined, lang: otherLang, ...v.segment })}>
          {w.language}
        </a>
      </header>
      {errorEntries.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
          <h2 id="error-summary-title">{w.errorTitle}</h2>
          <ul>
            {errorEntries.map(([field, message]) => (
              <li>
                <a href={`#${anchor(field)}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p class="intro">{w.formIntro}</p>
      <form method="post" action="/complaints/new" novalidate>
        <input type="hidden" name="org" value={v.org} />
        {v.survey ? <input type="hidden" name="survey" value={v.survey} /> : null}
        <input type="hidden" name="lang" value={v.lang} />
        <input type="hidden" name="submission" value={v.submission} />
        {Object.entries(v.segment).map(([key, value]) => (
          <input type="hidden" name={`segment.${key}`} value={value} />
        ))}

        <fieldset class={`group${errors.description || errors.category || errors.remedy ? " has-error" : ""}`}>
          <legend>{w.complaintLegend}</legend>
          <div class={`field${errors.category ? " has-error" : ""}`}>
            <label for="field-category">
              {w.category} <span class="optional">({w.optional})</span>
            </label>
            <FieldError id="field-category" message={errors.category} />
            <select id="field-category" name="category" aria-invalid={errors.category ? "true" : undefined} aria-describedby={describedBy("field-category", false, errors.category)}>
              <option value="">{w.categoryNone}</option>
              {props.categories.map((slug) => (
                <option value={slug} selected={v.category === slug}>
                  {categoryLabel(slug, v.lang)}
                </option>
              ))}
            </select>
          </div>
          <TextField id="field-subject" name="subject" label={w.subject} hint={w.subjectHint} value={v.subject} error={errors.subject} optional={w.optional} maxLength={300} />
          <div class={`field${errors.description ? " has-error" : ""}`}>
            <label for="field-description">
              {w.description} <span class="required-mark">({w.required})</span>
            </label>
            <p class="hint" id="field-description-hint">
              {w.descriptionHint}
            </p>
            <FieldError id="field-description" message={errors.description} />
            <textarea
              id="field-description"
              name="description"
              rows={7}
              required
              aria-required="true"
              aria-invalid={errors.description ? "true" : undefined}
              aria-describedby={describedBy("field-description", true, errors.description)}
            >
              {v.description}
            </textarea>
          </div>
          <div class={`field${errors.remedy ? " has-error" : ""}`}>
            <label for="field-remedy">
              {w.remedy} <span class="optional">({w.optional})</span>
            </label>
            <p class="hint" id="field-remedy-hint">
              {w.remedyHint}
            </p>
            <FieldError id="field-remedy" message={errors.remedy} />
            <textarea id="field-remedy" name="remedy" rows={3} aria-invalid={errors.remedy ? "true" : undefined} aria-describedby={describedBy("field-remedy", true, errors.remedy)}>
              {v.remedy}
            </textarea>
          </div>
        </fieldset>

        <fieldset class={`group${errors.contact || errors.email || errors.phone ? " has-error" : ""}`} aria-describedby="contact-hint">
          <legend>{w.contactLegend}</legend>
          <p class="hint" id="contact-hint">
            {w.contactHint}
          </p>
          <FieldError id="contact" message={errors.contact} />
          <TextField id="field-name" name="name" label={w.name} value={v.name} error={errors.name} autocomplete="name" optional={w.optional} maxLength={200} />
          <TextField id="field-email" name="email" type="email" label={w.email} value={v.email} error={errors.email} autocomplete="email" optional={w.optional} maxLength={320} />
          <TextField id="field-phone" name="phone" type="tel" label={w.phone} value={v.phone} error={errors.phone} autocomplete="tel" optional={w.optional} maxLength={40} />
          <div class="field checkbox">
            <input id="field-anonymous" type="checkbox" name="anonymous" value="1" checked={v.anonymous} />
            <label for="field-anonymous">{w.anonymous}</label>
          </div>
        </fieldset>

        <div class="actions">
          <button type="submit" class="primary">
            {w.submit}
          </button>
        </div>
      </form>
    </>
  );
}

function validateForm(values: FormValues, categories: string[], w: Words): FieldErrorMap {
  const errors: FieldErrorMap = {};
  if (!values.description.trim()) errors.description = w.errDescription;
  else if (values.description.length > MAX_DESCRIPTION) errors.description = w.errTooLong(MAX_DESCRIPTION);
  if (values.remedy.length > MAX_REMEDY) errors.remedy = w.errTooLong(MAX_REMEDY);
  if (values.subject.length > 300) errors.subject = w.errTooLong(300);
  if (values.name.length > 200) errors.name = w.errTooLong(200);
  if (values.category && !categories.includes(values.category)) errors.category = w.errCategory;
  if (!values.anonymous) {
    if (values.email && !z.email().safeParse(values.email).success) errors.email = w.errEmail;
    if (values.phone && !/^[0-9+()\-\s]{3,40}$/.test(values.phone)) errors.phone = w.errPhone;
    if (!values.email && !values.phone) errors.contact = w.errContact;
  }
  return errors;
}

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

async function organisationBySlug(c: Context<AppEnv>, slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return undefined;
  return findOrganisation(c.get("db"), { slug });
}

function text(value: unknown, max = 20_000): string {
  return typeof value === "string" ? value.replace(/\r\n/g, "\n").slice(0, max + 1).trim() : "";
}

// ---------------------------------------------------------------------------------------------
// The status page
// ---------------------------------------------------------------------------------------------

type StatusErrors = Partial<Record<"reply" | "reject" | "reopen" | "general", string>>;

function TimelineView({ entries, w, lang, timeZone, description }: { entries: TimelineEntry[]; w: Words; lang: ComplaintLanguage; timeZone: string; description: string }) {
  return (
    <ol class="timeline">
      {entries.map((entry) => {
        const who = entry.actor.kind === "customer" ? w.you : w.team;
        const when = (
          <time datetime={entry.at}>{formatMoment(new Date(entry.at), lang, timeZone)}</time>
        );
        if (entry.type === "public_reply") {
          return (
            <li class={`entry reply ${entry.actor.kind === "customer" ? "from-customer" : "from-team"}`}>
              <p class="meta">
                <strong>{who}</strong> · {when}
              </p>
              <p class="message-text">{String(entry.data.text ?? "")}</p>
            </li>
          );
        }
        const label =
          entry.type === "received"
            ? w.received
            : w.stageChanged(STATE_LABELS[(entry.data.to as ComplaintState) ?? "received"]?.[lang] ?? String(entry.data.to));
        return (
          <li class="entry change">
            <p class="meta">
              {label} · {when}
            </p>
            {/* The customer's own words under "Complaint sent": what they wrote is what the team works on. */}
            {entry.type === "received" && description ? (
              <p class="message-text" data-testid="own-complaint">
                {description}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

function StatusView(props: {
  row: ComplaintRow;
  secret: string;
  words: Words;
  lang: ComplaintLanguage;
  timeline: TimelineEntry[];
  deadline: string;
  paused: boolean;
  timeZone: string;
  flash?: string;
  errors: StatusErrors;
  values: Record<string, string>;
  acknowledgement?: { statusUrl: string; email: string | null };
  handlingSurveyLink: string | null;
}) {
  const { row, words: w, lang, errors } = props;
  const state = row.state as ComplaintState;
  const action = `/complaints/status/${row.reference}`;
  const otherLang: ComplaintLanguage = lang === "zh-CN" ? "en" : "zh-CN";
  const hidden = (
    <>
      <input type="hidden" name="k" value={props.secret} />
      <input type="hidden" name="lang" value={lang} />
    </>
  );
  const errorList = Object.entries(errors).filter(([, message]) => message) as [keyof StatusErrors, string][];
  const currentStep = STATUS_STEPS.indexOf(state === "waiting_on_customer" ? ((row.waitingFrom as ComplaintState) ?? "acknowledged") : state === "reopened" ? "investigating" : state);
  return (
    <>
      <header class="page-header">
        <h1>{props.acknowledgement ? w.ackTitle : w.statusTitle(row.reference)}</h1>
        <a class="lang-switch" lang={otherLang} href={withQuery(action, { k: props.secret, lang: otherLang })}>
          {w.language}
        </a>
      </header>
      {errorList.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
          <h2 id="error-summary-title">{w.errorTitle}</h2>
          <ul>
            {errorList.map(([field, message]) => (
              <li>{field === "general" ? message : <a href={`#field-${field}`}>{message}</a>}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {props.flash ? (
        <p class="notice" role="status">
          {props.flash}
        </p>
      ) : null}
      {props.acknowledgement ? (
        <section class="acknowledgement" aria-labelledby="ack-link-title">
          <dl class="facts">
            <dt>{w.ackReference}</dt>
            <dd class="reference">{row.reference}</dd>
            <dt>{w.ackDeadline}</dt>
            <dd>{props.deadline}</dd>
          </dl>
          <h2 id="ack-link-title">{w.ackLink}</h2>
          <p class="status-link">
            <a href={props.acknowledgement.statusUrl}>{props.acknowledgement.statusUrl}</a>
          </p>
          <p class="hint">{w.ackLinkHint}</p>
          {props.acknowledgement.email ? <p>{w.ackEmail(props.acknowledgement.email)}</p> : null}
        </section>
      ) : (
        <>
          <p class="subject">{row.subject}</p>
          <dl class="facts">
            <dt>{w.stage}</dt>
            <dd>
              <strong class={`state state-${state}`}>{STATE_LABELS[state][lang]}</strong>
              <br />
              {STATE_EXPLANATIONS[state][lang]}
            </dd>
            {state === "closed" && row.closedAt ? (
              <>
                <dt>{w.closedOn}</dt>
                <dd>{formatDeadline(row.closedAt, lang, props.timeZone)}</dd>
              </>
            ) : (
              <>
                <dt>{w.deadline}</dt>
                <dd>
                  {props.deadline} {props.paused ? <span class="hint">{w.paused}</span> : null}
                </dd>
              </>
            )}
          </dl>
          <nav aria-label={w.steps}>
            <ol class="steps">
              {STATUS_STEPS.map((step, index) => (
                <li class={index < currentStep ? "done" : index === currentStep ? "current" : "todo"} aria-current={index === currentStep ? "step" : undefined}>
                  {STATE_LABELS[step][lang]}
                </li>
              ))}
            </ol>
          </nav>

          {state === "responded" && row.proposedRemedy ? (
            <section class="remedy" aria-labelledby="remedy-title">
              <h2 id="remedy-title">{w.remedyProposed}</h2>
              <p class="message-text">{row.proposedRemedy}</p>
              <form method="post" action={action} class="inline-form">
                {hidden}
                <input type="hidden" name="action" value="accept" />
                <div class="field">
                  <label for="field-comment">{w.acceptComment}</label>
                  <textarea id="field-comment" name="comment" rows={2}>
                    {props.values.comment ?? ""}
                  </textarea>
                </div>
                <button type="submit" class="primary">
                  {w.accept}
                </button>
              </form>
              <StatusActionForm action={action} hidden={hidden} kind="reject" field="reason" label={w.rejectReason} rows={3} error={errors.reject} value={props.values.reason} submit={w.reject} inline />
            </section>
          ) : null}
        </>
      )}

      {props.acknowledgement ? (
        <p>
          <a class="button" href={props.acknowledgement.statusUrl}>
            {w.ackOpen}
          </a>
        </p>
      ) : (
        <>
          <section aria-labelledby="conversation-title">
            <h2 id="conversation-title">{w.conversation}</h2>
            <TimelineView entries={props.timeline} w={w} lang={lang} timeZone={props.timeZone} description={row.description} />
          </section>

          {state !== "closed" ? (
            <section aria-labelledby="reply-title">
              <h2 id="reply-title">{w.reply}</h2>
              <StatusActionForm action={action} hidden={hidden} kind="reply" field="message" label={w.replyLabel} rows={4} error={errors.reply} value={props.values.message} submit={w.send} primary />
            </section>
          ) : (
            <>
              {props.handlingSurveyLink ? (
                <section class="survey-invite" aria-labelledby="survey-title">
                  <h2 id="survey-title">{row.handlingResponseId ? w.surveyDone : w.survey}</h2>
                  {row.handlingResponseId ? null : (
                    <p>
                      <a class="button primary" href={props.handlingSurveyLink}>
                        {w.surveyLink}
                      </a>
                    </p>
                  )}
                </section>
              ) : null}
              <section aria-labelledby="reopen-title">
                <h2 id="reopen-title">{w.reopen}</h2>
                <StatusActionForm action={action} hidden={hidden} kind="reopen" field="reason" label={w.reopenReason} rows={3} error={errors.reopen} value={props.values.reopenReason} submit={w.reopenSubmit} />
              </section>
            </>
          )}
        </>
      )}
    </>
  );
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
    documentHtml(
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

function flashFor(action: string | undefined, w: Words): string | undefined {
  switch (action) {
    case "reply":
      return w.doneReply;
    case "accept":
      return w.doneAccept;
    case "reject":
      return w.doneReject;
    case "reopen":
      return w.doneReopen;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Stylesheet
// ---------------------------------------------------------------------------------------------

const CSS = `:root { color-scheme: light; --accent: #1f5fbf; --error: #b3261e; --border: #c9ced6; --muted: #5b6470; --ok: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1b1f24; background: #f5f7fa; }
.complaint { max-width: 44rem; margin: 0 auto; padding: 1rem 1rem 3rem; background: #fff; min-height: 100vh; }
.page-header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.45rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
.intro, .hint, .meta, .optional { color: var(--muted); }
.hint, .meta, .optional { font-size: 0.92rem; }
.required-mark { color: var(--error); font-size: 0.92rem; }
fieldset.group { border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem 1rem 1rem; margin: 0 0 1.25rem; }
fieldset.group legend { font-weight: 600; padding: 0 0.25rem; }
.has-error { border-color: var(--error); }
.field { margin: 0.75rem 0; }
.field.has-error { border-left: 4px solid var(--error); padding-left: 0.75rem; }
.field label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.field.checkbox { display: flex; gap: 0.5rem; align-items: flex-start; }
.field.checkbox label { font-weight: 400; }
.field.checkbox input { width: 1.25rem; height: 1.25rem; margin-top: 0.15rem; }
input[type=text], input[type=email], input[type=tel], select, textarea { width: 100%; font: inherit; padding: 0.55rem; border: 1px solid var(--border); border-radius: 6px; background: #fff; }
[aria-invalid=true] { border: 2px solid var(--error); }
.field-error { color: var(--error); font-weight: 600; margin: 0.25rem 0; }
.error-summary { border: 3px solid var(--error); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.error-summary h2 { margin-top: 0; font-size: 1.05rem; }
.error-summary a { color: var(--error); font-weight: 600; }
.notice { background: #e8f5ec; border-left: 4px solid var(--ok); padding: 0.75rem; border-radius: 6px; }
button, .button { display: inline-block; font: inherit; padding: 0.6rem 1.2rem; border-radius: 6px; border: 1px solid var(--accent); background: #fff; color: var(--accent); cursor: pointer; text-decoration: none; min-height: 2.75rem; }
button.primary, .button.primary { background: var(--accent); color: #fff; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.actions { margin: 1.5rem 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; margin: 1rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.reference { font-size: 1.25rem; font-weight: 700; letter-spacing: 0.02em; }
.status-link { word-break: break-all; background: #f0f3f8; padding: 0.6rem; border-radius: 6px; }
.steps { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; padding: 0; margin: 1rem 0; counter-reset: step; }
.steps li { flex: 1 1 6rem; padding: 0.4rem 0.5rem; border-top: 4px solid var(--border); font-size: 0.9rem; color: var(--muted); }
.steps li.done { border-color: var(--ok); color: #1b1f24; }
.steps li.current { border-color: var(--accent); color: #1b1f24; font-weight: 700; }
.remedy { border: 1px solid var(--accent); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.inline-form { margin: 0.75rem 0; }
.timeline { list-style: none; padding: 0; margin: 0; }
.timeline .entry { border-left: 3px solid var(--border); padding: 0.25rem 0 0.5rem 0.75rem; margin: 0 0 0.5rem; }
.timeline .from-customer { border-color: var(--accent); }
.timeline .from-team { border-color: var(--ok); }
.timeline .meta { margin: 0; }
.message-text { white-space: pre-wrap; margin: 0.25rem 0; }
.subject { font-size: 1.1rem; font-weight: 600; }
.message { padding: 2rem 0; }
@media (max-width: 30rem) { .facts { grid-template-columns: 1fr; } }
`;

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

const router = createRouter();

// For the OpenAPI document: these are HTML pages, documented rather than validated by zod.
const htmlResponse = (description: string) => ({ description, content: { "text/html": { schema: { type: "string" as const } } } });
router.openAPIRegistry.registerPath({
  method: "get",
  path: "/complaints/new",
  tags: ["complaint pages"],
  summary: "Public complaint form (server-rendered HTML, works without JavaScript; zh-CN/en)",
  request: {
    query: z.object({
      org: z.string().openapi({ description: "Organisation slug" }),
      survey: z.string().optional().openapi({ description: "Survey slug: its hidden fields (touchpoint, region, tier, …) are taken from the query" }),
      lang: z.enum(["zh-CN", "en"]).optional(),
    }),
  },
  responses: { 200: htmlResponse("The form"), 404: htmlResponse("Unknown organisation") },
});
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/complaints/new",
  tags: ["complaint pages"],
  summary: "Submit the complaint form (application/x-www-form-urlencoded); idempotent on the form's hidden submission id",
  request: {
    body: {
      content: {
        "application/x-www-form-urlencoded": {
          schema: z.object({
            org: z.string(),
            survey: z.string().optional(),
            lang: z.enum(["zh-CN", "en"]),
            submission: z.string(),
            name: z.string().optional(),
            email: z.string().optional(),
            phone: z.string().optional(),
            anonymous: z.literal("1").optional(),
            category: z.string().optional(),
            subject: z.string().optional(),
            description: z.string(),
            remedy: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: htmlResponse("Acknowledgement: reference, promised deadline and the private status link"),
    422: htmlResponse("The form again with an error summary"),
    429: htmlResponse("Rate limited"),
  },
});
router.openAPIRegistry.registerPath({
  method: "get",
  path: "/complaints/status/{reference}",
  tags: ["complaint pages"],
  summary: "The customer's status page: stage, promised deadline, public replies; reply, accept or reject the remedy, reopen",
  request: {
    params: z.object({ reference: z.string().openapi({ example: "FL-2026-000123" }) }),
    query: z.object({ k: z.string().openapi({ description: "The secret from the status link" }), lang: z.enum(["zh-CN", "en"]).optional() }),
  },
  responses: { 200: htmlResponse("The status page"), 404: htmlResponse("Unknown reference or wrong secret") },
});
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/complaints/status/{reference}",
  tags: ["complaint pages"],
  summary: "Customer action from the status page (form POST with the secret): reply, accept, reject, reopen; 303 back to the page",
  request: {
    params: z.object({ reference: z.string() }),
    body: {
      content: {
        "application/x-www-form-urlencoded": {
          schema: z.object({
            k: z.string(),
            action: z.enum(CUSTOMER_STATUS_ACTION_NAMES),
            message: z.string().optional(),
            reason: z.string().optional(),
            comment: z.string().optional(),
            lang: z.enum(["zh-CN", "en"]).optional(),
          }),
        },
      },
    },
  },
  responses: {
    303: { description: "Done; back to the status page" },
    404: htmlResponse("Unknown reference or wrong secret"),
    409: htmlResponse("Not possible in the current state"),
    422: htmlResponse("Missing text"),
  },
});

router.use("/complaints/*", bodySizeLimit(65_536));

router.get("/complaints/assets/complaints.css", (c) =>
  c.body(CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }),
);

router.get("/complaints/new", async (c) => {
  const query = c.req.query();
  const lang = complaintLanguage(query.lang, c.req.header("accept-language"));
  const w = UI[lang];
  const org = await organisationBySlug(c, query.org ?? "");
  if (!org) return messagePage(c, lang, w.notFoundTitle, w.unknownOrg, 404);
  const ctx = await loadComplaintContext(c.get("db"), org.id);
  const values: FormValues = {
    org: org.slug,
    survey: typeof query.survey === "string" && /^[a-z0-9][a-z0-9-]{1,62}$/.test(query.survey) ? query.survey : "",
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
  return html(c, documentHtml(lang, w.formTitle(org.name), <ComplaintForm words={w} values={values} errors={{}} categories={ctx.categories} organizationName={org.name} />));
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
  const segmentQuery: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (key.startsWith("segment.") && typeof value === "string") segmentQuery[key.slice(8)] = value;
  const submission = text(body.submission, 64);
  const values: FormValues = {
    org: org.slug,
    survey: /^[a-z0-9][a-z0-9-]{1,62}$/.test(surveySlug) ? surveySlug : "",
    lang,
    submission: SUBMISSION.test(submission) ? submission : randomSecret(24),
    segment: await segmentFrom(c, segmentQuery, surveySlug, org.id),
    name: text(body.name, 200),
    email: text(body.email, 320).toLowerCase(),
    phone: text(body.phone, 40),
    anonymous: body.anonymous === "1" || body.anonymous === "on",
    category: text(body.category, 64),
    subject: text(body.subject, 300),
    description: text(body.description, MAX_DESCRIPTION),
    remedy: text(body.remedy, MAX_REMEDY),
  };
  const errors = validateForm(values, ctx.categories, w);
  if (Object.keys(errors).length > 0) {
    return html(c, documentHtml(lang, `${w.errorTitle} ${w.formTitle(org.name)}`, <ComplaintForm words={w} values={values} errors={errors} categories={ctx.categories} organizationName={org.name} />), 422);
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
  const row = await findComplaintByStatusLink(c.get("db"), c.req.param("reference"), secret);
  if (!row) return messagePage(c, lang, UI[lang].notFoundTitle, UI[lang].notFound, 404);
  const requestedLang = c.req.query("lang") ? lang : complaintLanguage(row.language, null);
  return renderStatus(c, row, secret, requestedLang, { flash: flashFor(c.req.query("done"), UI[requestedLang]) });
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
  const db = c.get("db");
  const row = await findComplaintByStatusLink(db, c.req.param("reference"), secret);
  if (!row) return messagePage(c, lang, w.notFoundTitle, w.notFound, 404);
  const action = text(body.action, 20);
  if (!isCustomerStatusAction(action)) return renderStatus(c, row, secret, lang, { status: 400, errors: { general: w.errIllegal } });

  const message = text(body.message, 10_000);
  const reason = text(body.reason, 10_000);
  const comment = text(body.comment, 10_000);
  const values = { message, reason: action === "reject" ? reason : "", reopenReason: action === "reopen" ? reason : "", comment };
  // The text each action needs (accepting needs none), and what the transition receives; where it leads is the state machine's call.
  const neededText = { reply: message, accept: null, reject: reason, reopen: reason }[action];
  if (neededText === "") return renderStatus(c, row, secret, lang, { status: 422, errors: { [action]: w.errMessage }, values });
  const payload = { reply: { message }, accept: comment ? { comment } : {}, reject: { reason }, reopen: { reason } }[action];
  const to = customerActionTarget(action, row.state as ComplaintState, row.waitingFrom as WaitingReturnState | null);
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
