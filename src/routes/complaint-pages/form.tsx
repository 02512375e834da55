/** The complaint form: its values, the view, validation and reading the posted fields. */
import { z } from "@hono/zod-openapi";
import { categoryLabel, type ComplaintLanguage } from "../../domain/complaints/texts";
import type { ComplaintPageWords } from "../../domain/complaints/page-texts";
import { describedBy, ErrorSummary, FieldError, PageHeader, TextField } from "./fields";
import { withQuery } from "./page";
import { randomSecret } from "../../lib/ids";

export const MAX_DESCRIPTION = 5000;
export const MAX_REMEDY = 2000;
export const SEGMENT_VALUE = /^[\p{L}\p{N} _.\-]{1,100}$/u;
export const SUBMISSION = /^[A-Za-z0-9_-]{16,64}$/;
export const SURVEY_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

export type FormValues = {
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

export type FieldErrorMap = Partial<Record<"name" | "email" | "phone" | "contact" | "category" | "subject" | "description" | "remedy", string>>;

export function ComplaintForm(props: { words: ComplaintPageWords; values: FormValues; errors: FieldErrorMap; categories: string[]; organizationName: string }) {
  const { words: w, values: v, errors } = props;
  const errorEntries = Object.entries(errors).filter(([, message]) => message) as [keyof FieldErrorMap, string][];
  const anchor = (field: keyof FieldErrorMap) => (field === "contact" ? "field-email" : `field-${field}`);
  const otherLang: ComplaintLanguage = v.lang === "zh-CN" ? "en" : "zh-CN";
  return (
    <>
      <PageHeader
        title={w.formTitle(props.organizationName)}
        otherLanguage={otherLang}
        otherLanguageHref={withQuery("/complaints/new", { org: v.org, survey: v.survey || undefined, lang: otherLang, ...v.segment })}
        otherLanguageName={w.language}
      />
      <ErrorSummary title={w.errorTitle} items={errorEntries.map(([field, message]) => ({ message, href: `#${anchor(field)}` }))} />
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

export function validateForm(values: FormValues, categories: string[], w: ComplaintPageWords): FieldErrorMap {
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

/** A posted text field, newlines normalised, cut one past `max` (so "too long" can still be told), trimmed. */
export function text(value: unknown, max = 20_000): string {
  return typeof value === "string" ? value.replace(/\r\n/g, "\n").slice(0, max + 1).trim() : "";
}

/** The segment values the form carried along as hidden `segment.<key>` fields (checked by the caller). */
export function postedSegment(body: Record<string, unknown>): Record<string, string> {
  const segment: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (key.startsWith("segment.") && typeof value === "string") segment[key.slice(8)] = value;
  return segment;
}

/** The posted form, each field cut to its limit; a missing or malformed submission id gets a fresh one. */
export function postedFormValues(body: Record<string, unknown>, known: { org: string; lang: ComplaintLanguage; segment: Record<string, string> }): FormValues {
  const surveySlug = text(body.survey, 63);
  const submission = text(body.submission, 64);
  return {
    org: known.org,
    survey: SURVEY_SLUG.test(surveySlug) ? surveySlug : "",
    lang: known.lang,
    submission: SUBMISSION.test(submission) ? submission : randomSecret(24),
    segment: known.segment,
    name: text(body.name, 200),
    email: text(body.email, 320).toLowerCase(),
    phone: text(body.phone, 40),
    anonymous: body.anonymous === "1" || body.anonymous === "on",
    category: text(body.category, 64),
    subject: text(body.subject, 300),
    description: text(body.description, MAX_DESCRIPTION),
    remedy: text(body.remedy, MAX_REMEDY),
  };
}
