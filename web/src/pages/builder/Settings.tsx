/**
 * Survey-level settings next to the questionnaire: who can answer, open/close dates, response
 * quota, anonymous mode, IP storage and the retention period (automatic purge).
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useI18n } from "../../lib/i18n";
import type { SurveySummary } from "../../lib/types";
import type { SurveySettings as SavedSettings, SurveySettingsUpdate } from "../../../../src/contracts/surveys";
import { Card, ErrorAlert, Field } from "../../components/ui";
import { isMissingRoute } from "./http";
import { useT } from "./messages";

/** The settings this card edits (triggers and reminders have their own screens). */
type SurveySettings = Pick<SavedSettings, "accessMode" | "opensAt" | "closesAt" | "responseQuota" | "anonymous" | "storeIp" | "retentionDays">;

/** ISO → the value of a datetime-local input (local time). */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** The settings this card edits (the API also carries complaint trigger rules, edited elsewhere). */
function pick(s: SavedSettings): SurveySettings {
  const { accessMode, opensAt, closesAt, responseQuota, anonymous, storeIp, retentionDays } = s;
  return { accessMode, opensAt, closesAt, responseQuota, anonymous, storeIp, retentionDays };
}
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);

export function SurveySettingsCard({ survey, readOnly, onSaved }: { survey: SurveySummary; readOnly: boolean; onSaved: (s: SurveySummary) => void }) {
  const t = useT();
  const { t: tApp } = useI18n();
  const [settings, setSettings] = useState<SurveySettings | null>(null);
  const [form, setForm] = useState<SurveySettings | null>(null);
  const [unsupported, setUnsupported] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    api<SavedSettings>(`/api/surveys/${encodeURIComponent(survey.id)}/settings`, { signal: controller.signal }).then(
      (s) => {
        const full = pick(s);
        setSettings(full);
        setForm(full);
      },
      (e) => {
        if (controller.signal.aborted) return;
        if (isMissingRoute(e)) setUnsupported(true);
        else setError(e);
      },
    );
    return () => controller.abort();
  }, [survey.id]);

  if (unsupported) {
    return (
      <Card title={t("set.title")} id="b-settings">
        <p class="muted">{t("set.unsupported")}</p>
      </Card>
    );
  }
  if (!form || !settings) return <ErrorAlert error={error} />;
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldError(name) : undefined);
  const update = (patch: Partial<SurveySettings>) => {
    setForm({ ...form, ...patch });
    setSaved(false);
  };
  const dirty = JSON.stringify(form) !== JSON.stringify(settings);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const patch: Record<string, unknown> = {};
      for (const key of Object.keys(form!) as (keyof SurveySettings)[]) if (JSON.stringify(form![key]) !== JSON.stringify(settings![key])) patch[key] = form![key];
      const result = await api<SurveySettingsUpdate>(`/api/surveys/${encodeURIComponent(survey.id)}/settings`, { method: "PATCH", body: patch });
      const next: SurveySettings = { ...form!, ...pick(result.settings) };
      setSettings(next);
      setForm(next);
      setSaved(true);
      onSaved(result.survey);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t("set.title")} id="b-settings">
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        {saved && (
          <p class="alert alert-ok" role="status">
            {t("set.saved")}
          </p>
        )}
        <div class="form-grid">
          <Field id="set-access" label={tApp("newSurvey.access")} error={fieldError("accessMode")}>
            {(p) => (
              <select {...p} disabled={readOnly} value={form.accessMode} onChange={(e) => update({ accessMode: e.currentTarget.value as SurveySettings["accessMode"] })}>
                <option value="both">{tApp("survey.access.both")}</option>
                <option value="public">{tApp("survey.access.public")}</option>
                <option value="invitation">{tApp("survey.access.invitation")}</option>
              </select>
            )}
          </Field>
          <Field id="set-quota" label={tApp("newSurvey.quota")} hint={tApp("newSurvey.quotaHint")} error={fieldError("responseQuota")}>
            {(p) => (
              <input {...p} type="number" min={1} readOnly={readOnly} value={form.responseQuota ?? ""} onInput={(e) => update({ responseQuota: e.currentTarget.value ? Number(e.currentTarget.value) : null })} />
            )}
          </Field>
          <Field id="set-opens" label={tApp("newSurvey.opensAt")} error={fieldError("opensAt")}>
            {(p) => <input {...p} type="datetime-local" readOnly={readOnly} value={toLocalInput(form.opensAt)} onInput={(e) => update({ opensAt: fromLocalInput(e.currentTarget.value) })} />}
          </Field>
          <Field id="set-closes" label={tApp("newSurvey.closesAt")} error={fieldError("closesAt")}>
            {(p) => <input {...p} type="datetime-local" readOnly={readOnly} value={toLocalInput(form.closesAt)} onInput={(e) => update({ closesAt: fromLocalInput(e.currentTarget.value) })} />}
          </Field>
          <Field id="set-retention" label={t("set.retention")} hint={t("set.retentionHint")} error={fieldError("retentionDays")}>
            {(p) => (
              <input {...p} type="number" min={1} max={3650} readOnly={readOnly} value={form.retentionDays ?? ""} onInput={(e) => update({ retentionDays: e.currentTarget.value ? Number(e.currentTarget.value) : null })} />
            )}
          </Field>
        </div>
        <div class="field field-check">
          <input id="set-anonymous" type="checkbox" disabled={readOnly} checked={form.anonymous} onChange={(e) => update({ anonymous: e.currentTarget.checked, storeIp: e.currentTarget.checked ? false : form.storeIp })} aria-describedby="set-anonymous-hint" />
          <label for="set-anonymous">{tApp("newSurvey.anonymous")}</label>
          <p class="field-hint" id="set-anonymous-hint">
            {tApp("newSurvey.anonymousHint")}
          </p>
        </div>
        <div class={`field field-check${fieldError("storeIp") ? " field-invalid" : ""}`}>
          <input id="set-storeip" type="checkbox" disabled={readOnly || form.anonymous} checked={form.storeIp} onChange={(e) => update({ storeIp: e.currentTarget.checked })} aria-describedby="set-storeip-hint" />
          <label for="set-storeip">{t("set.storeIp")}</label>
          <p class="field-hint" id="set-storeip-hint">
            {fieldError("storeIp") ?? t("set.storeIpHint")}
          </p>
        </div>
        {!readOnly && (
          <div class="form-actions">
            <button type="submit" class="btn" disabled={busy || !dirty}>
              {busy ? tApp("common.saving") : t("set.save")}
            </button>
          </div>
        )}
      </form>
    </Card>
  );
}
