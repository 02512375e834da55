/**
 * Builder start page: a new draft from a template (ACSI, ECSI, NPS, CSAT, CES, SERVQUAL,
 * complaint handling), from a blank questionnaire or from an exported JSON file; and the surveys
 * that can be opened in the builder.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { href, navigate } from "../../lib/router";
import { can, useSession } from "../../lib/session";
import { localized, type SurveySummary, type Template } from "../../lib/types";
import { ErrorAlert, Field, Loading, PageHeader, Table } from "../../components/ui";
import { SurveyStatusBadge, SurveyTitleCell } from "../Surveys";
import { isMissingRoute, readFile } from "./http";
import { useT } from "./messages";
import { blankDefinition, countQuestions, type SurveyDefinition } from "./model";
import "../../styles/builder.css";

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
type Source = { kind: "template"; key: string } | { kind: "blank" } | { kind: "file" };
type Imported = { name: string; body: Record<string, unknown>; definition: SurveyDefinition };

export function BuilderStartPage() {
  const t = useT();
  const { t: tApp, lang, date } = useI18n();
  const { me } = useSession();
  const templates = useAsync((signal) => api<{ items: Template[] }>("/api/survey-templates", { signal }), []);
  const surveys = useAsync((signal) => api<{ items: SurveySummary[] }>("/api/surveys", { signal }), []);
  const [source, setSource] = useState<Source>({ kind: "template", key: "acsi" });
  const [slug, setSlug] = useState("");
  const [accessMode, setAccessMode] = useState<"public" | "invitation" | "both">("both");
  const [imported, setImported] = useState<Imported | null>(null);
  const [fileError, setFileError] = useState<unknown>();
  const [slugError, setSlugError] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const writable = can(me, "surveys:write");

  async function pickFile(file: File) {
    setFileError(undefined);
    setImported(null);
    try {
      const body = JSON.parse(await readFile(file)) as Record<string, unknown>;
      const definition = (body && typeof body.definition === "object" ? body.definition : body) as SurveyDefinition;
      const { validateDefinition } = await import("./validate");
      const result = validateDefinition(definition);
      if (!result.ok) {
        setFileError(
          new ApiError({
            type: "about:blank",
            title: t("b.importInvalid"),
            status: 422,
            detail: t("b.importInvalidDetail", { n: result.errors.length }),
            errors: result.errors.slice(0, 20).map((e) => ({ field: e.path, code: "invalid", message: e.message })),
          }),
        );
        return;
      }
      setImported({ name: file.name, body, definition });
      if (!slug && typeof body.slug === "string") setSlug(`${body.slug}`.slice(0, 63));
    } catch {
      setFileError(new Error(t("b.importNotJson")));
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!SLUG.test(slug)) {
      setSlugError(tApp("newSurvey.slugInvalid"));
      document.getElementById("start-slug")?.focus();
      return;
    }
    setSlugError(undefined);
    if (source.kind === "file" && !imported) {
      setFileError(new Error(t("start.chooseFile")));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      let created: SurveySummary;
      if (source.kind === "file") {
        const envelope = imported!.body.format ? { ...imported!.body, slug } : { format: "feedloop.survey/1", slug, settings: { accessMode }, definition: imported!.definition };
        try {
          created = await api<SurveySummary>("/api/surveys/import", { method: "POST", body: envelope });
        } catch (e) {
          if (!isMissingRoute(e)) throw e;
          created = await api<SurveySummary>("/api/surveys", { method: "POST", body: { slug, definition: imported!.definition, accessMode } });
        }
      } else {
        created = await api<SurveySummary>("/api/surveys", {
          method: "POST",
          body: source.kind === "template" ? { slug, template: source.key, accessMode } : { slug, definition: blankDefinition(lang === "en" ? "en" : "zh-CN"), accessMode },
        });
      }
      navigate(href(`/surveys/${encodeURIComponent(created.id)}/builder`));
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.fieldError("slug")) setSlugError(e.fieldError("slug"));
    } finally {
      setBusy(false);
    }
  }

  const selected = (s: Source) => (source.kind === s.kind && (s.kind !== "template" || (source.kind === "template" && source.key === s.key)) ? " selected" : "");

  return (
    <>
      <PageHeader title={t("start.title")} subtitle={t("start.subtitle")} />
      <div class="stack">
        {writable && (
          <form class="card form" onSubmit={submit} noValidate data-testid="builder-start">
            <ErrorAlert error={error} />
            <fieldset class="template-picker">
              <legend>{t("start.source")}</legend>
              {templates.loading && !templates.data && <Loading />}
              <ErrorAlert error={templates.error} onRetry={templates.reload} />
              <div class="template-grid">
                {templates.data?.items.map((tpl) => (
                  <label key={tpl.key} class={`template-option${selected({ kind: "template", key: tpl.key })}`}>
                    <input type="radio" name="source" value={tpl.key} checked={source.kind === "template" && source.key === tpl.key} onChange={() => setSource({ kind: "template", key: tpl.key })} />
                    <span class="template-title">{localized(tpl.title, lang, "en")}</span>
                    <span class="template-summary">{localized(tpl.summary, lang, "en")}</span>
                    <span class="muted small">{tApp("newSurvey.templateMeta", { pages: tpl.pageCount, items: tpl.itemCount, languages: tpl.languages.join(", ") })}</span>
                  </label>
                ))}
                <label class={`template-option${selected({ kind: "blank" })}`}>
                  <input type="radio" name="source" value="blank" checked={source.kind === "blank"} onChange={() => setSource({ kind: "blank" })} />
                  <span class="template-title">{t("start.blank")}</span>
                  <span class="template-summary">{t("start.blankHint")}</span>
                </label>
                <label class={`template-option${selected({ kind: "file" })}`}>
                  <input type="radio" name="source" value="file" checked={source.kind === "file"} onChange={() => setSource({ kind: "file" })} />
                  <span class="template-title">{t("start.file")}</span>
                  <span class="template-summary">{t("start.fileHint")}</span>
                </label>
              </div>
            </fieldset>
            {source.kind === "file" && (
              <div class="field">
                <label for="start-file">{t("start.fileLabel")}</label>
                <input id="start-file" type="file" accept="application/json,.json" onChange={(e) => e.currentTarget.files?.[0] && void pickFile(e.currentTarget.files[0])} />
                <ErrorAlert error={fileError} />
                {imported && (
                  <p class="alert alert-ok" role="status">
                    {t("start.fileOk", { file: imported.name, pages: imported.definition.pages.length, items: countQuestions(imported.definition) })}
                  </p>
                )}
              </div>
            )}
            <div class="form-grid">
              <Field id="start-slug" label={tApp("newSurvey.slug")} hint={tApp("newSurvey.slugHint")} error={slugError}>
                {(p) => <input {...p} required autocomplete="off" value={slug} onInput={(e) => setSlug(e.currentTarget.value.toLowerCase())} />}
              </Field>
              <Field id="start-access" label={tApp("newSurvey.access")}>
                {(p) => (
                  <select {...p} value={accessMode} onChange={(e) => setAccessMode(e.currentTarget.value as typeof accessMode)}>
                    <option value="both">{tApp("survey.access.both")}</option>
                    <option value="public">{tApp("survey.access.public")}</option>
                    <option value="invitation">{tApp("survey.access.invitation")}</option>
                  </select>
                )}
              </Field>
            </div>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary" disabled={busy}>
                {busy ? tApp("common.saving") : t("start.create")}
              </button>
            </div>
          </form>
        )}
        <section class="card" aria-labelledby="start-existing">
          <h2 id="start-existing">{t("start.existing")}</h2>
          <ErrorAlert error={surveys.error} onRetry={surveys.reload} />
          {surveys.loading && !surveys.data && <Loading />}
          {surveys.data && (
            <Table columns={[{ label: tApp("surveys.col.title") }, { label: tApp("surveys.col.status") }, { label: tApp("surveys.col.version") }, { label: tApp("surveys.col.updated") }]}>
              {surveys.data.items.map((s) => (
                <tr key={s.id}>
                  <SurveyTitleCell survey={s} to={`/surveys/${encodeURIComponent(s.id)}/builder`} />
                  <td>
                    <SurveyStatusBadge status={s.status} />
                  </td>
                  <td>{s.publishedVersion ?? "—"}</td>
                  <td>{date(s.updatedAt)}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      </div>
    </>
  );
}
