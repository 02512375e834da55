import { useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { useAsync } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import { href, Link, navigate } from "../lib/router";
import { localized, type SurveySummary, type Template } from "../lib/types";
import { ErrorAlert, Field, Loading, PageHeader } from "../components/ui";

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function NewSurveyPage() {
  const { t, lang } = useI18n();
  const templates = useAsync((signal) => api<{ items: Template[] }>("/api/survey-templates", { signal }), []);
  const [template, setTemplate] = useState("acsi");
  const [slug, setSlug] = useState("");
  const [accessMode, setAccessMode] = useState<"public" | "invitation" | "both">("both");
  const [anonymous, setAnonymous] = useState(false);
  const [quota, setQuota] = useState("");
  const [opensAt, setOpensAt] = useState("");
  const [closesAt, setClosesAt] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});

  const fieldError = (name: string) => local[name] ?? (error instanceof ApiError ? error.fieldError(name) : undefined);

  async function submit(event: Event) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!SLUG.test(slug)) errors.slug = t("newSurvey.slugInvalid");
    if (quota && !(Number.isInteger(Number(quota)) && Number(quota) >= 1)) errors.responseQuota = t("newSurvey.quotaInvalid");
    if (opensAt && closesAt && new Date(opensAt) >= new Date(closesAt)) errors.closesAt = t("newSurvey.closesBeforeOpens");
    setLocal(errors);
    if (Object.keys(errors).length) {
      document.getElementById(Object.keys(errors)[0]!)?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<SurveySummary>("/api/surveys", {
        method: "POST",
        body: {
          slug,
          template,
          accessMode,
          anonymous,
          responseQuota: quota ? Number(quota) : undefined,
          opensAt: toIso(opensAt),
          closesAt: toIso(closesAt),
        },
      });
      navigate(href(`/surveys/${encodeURIComponent(created.id)}`));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={t("newSurvey.title")} subtitle={t("newSurvey.subtitle")} />
      <p>
        <Link to="/surveys">← {t("surveys.title")}</Link>
      </p>
      <form class="card form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <fieldset class="template-picker">
          <legend>{t("newSurvey.template")}</legend>
          {templates.loading && !templates.data && <Loading />}
          <ErrorAlert error={templates.error} onRetry={templates.reload} />
          <div class="template-grid">
            {templates.data?.items.map((tpl) => (
              <label key={tpl.key} class={`template-option${template === tpl.key ? " selected" : ""}`}>
                <input type="radio" name="template" value={tpl.key} checked={template === tpl.key} onChange={() => setTemplate(tpl.key)} />
                <span class="template-title">{localized(tpl.title, lang, "en")}</span>
                <span class="template-summary">{localized(tpl.summary, lang, "en")}</span>
                <span class="muted small">
                  {t("newSurvey.templateMeta", { pages: tpl.pageCount, items: tpl.itemCount, languages: tpl.languages.join(", ") })}
                </span>
              </label>
            ))}
          </div>
          {fieldError("template") && <p class="field-error">{fieldError("template")}</p>}
        </fieldset>
        <div class="form-grid">
          <Field id="slug" label={t("newSurvey.slug")} hint={t("newSurvey.slugHint")} error={fieldError("slug")}>
            {(p) => (
              <input {...p} required pattern="[a-z0-9][a-z0-9-]{1,62}" value={slug} onInput={(e) => setSlug(e.currentTarget.value.toLowerCase())} autocomplete="off" />
            )}
          </Field>
          <Field id="accessMode" label={t("newSurvey.access")} error={fieldError("accessMode")}>
            {(p) => (
              <select {...p} value={accessMode} onChange={(e) => setAccessMode(e.currentTarget.value as typeof accessMode)}>
                <option value="both">{t("survey.access.both")}</option>
                <option value="public">{t("survey.access.public")}</option>
                <option value="invitation">{t("survey.access.invitation")}</option>
              </select>
            )}
          </Field>
          <Field id="responseQuota" label={t("newSurvey.quota")} hint={t("newSurvey.quotaHint")} error={fieldError("responseQuota")}>
            {(p) => <input {...p} type="number" min={1} inputMode="numeric" value={quota} onInput={(e) => setQuota(e.currentTarget.value)} />}
          </Field>
          <Field id="opensAt" label={t("newSurvey.opensAt")} error={fieldError("opensAt")}>
            {(p) => <input {...p} type="datetime-local" value={opensAt} onInput={(e) => setOpensAt(e.currentTarget.value)} />}
          </Field>
          <Field id="closesAt" label={t("newSurvey.closesAt")} error={fieldError("closesAt")}>
            {(p) => <input {...p} type="datetime-local" value={closesAt} onInput={(e) => setClosesAt(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="field field-check">
          <input id="anonymous" type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} aria-describedby="anonymous-hint" />
          <label for="anonymous">{t("newSurvey.anonymous")}</label>
          <p class="field-hint" id="anonymous-hint">
            {t("newSurvey.anonymousHint")}
          </p>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t("common.saving") : t("newSurvey.create")}
          </button>
        </div>
      </form>
    </>
  );
}
