/** Organisation settings: time zone, working days and hours, holidays, invitation fatigue rule. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { atLeast, useSession } from "../../lib/session";
import { Card, ErrorAlert, Field, Loading } from "../../components/ui";
import { isMissingRoute } from "../builder/http";
import { useT, type AKey } from "./messages";
import type { OrganisationSettings as Settings } from "../../../../src/contracts/organisation";

const lines = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

/** The IANA zones the browser knows, as suggestions for a time-zone input (`list={id}`). */
export function TimeZoneList({ id }: { id: string }) {
  const zones = useMemo(timeZones, []);
  return (
    <datalist id={id}>
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

export function OrganisationSection() {
  const t = useT();
  const { t: tApp } = useI18n();
  const { me } = useSession();
  const loaded = useAsync((signal) => api<Settings>("/api/organisation/settings", { signal }), []);
  const [form, setForm] = useState<Settings | null>(null);
  const [holidays, setHolidays] = useState("");
  const [extra, setExtra] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const editable = !!me && atLeast(me.role, "admin");

  useEffect(() => {
    if (!loaded.data) return;
    setForm(loaded.data);
    setHolidays(loaded.data.holidays.join("\n"));
    setExtra(loaded.data.additionalWorkingDates.join("\n"));
  }, [loaded.data]);

  if (loaded.error) return <ErrorAlert error={isMissingRoute(loaded.error) ? new Error(t("admin.unsupported")) : loaded.error} onRetry={loaded.reload} />;
  if (!form) return <Loading />;
  const fieldError = (name: string) => (error instanceof ApiError ? (error.problem.errors ?? []).filter((e) => e.field === name || e.field.startsWith(`${name}.`)).map((e) => e.message).join("; ") || undefined : undefined);
  const update = (patch: Partial<Settings>) => {
    setForm({ ...form, ...patch });
    setSaved(false);
  };

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const body = { ...form!, holidays: lines(holidays), additionalWorkingDates: lines(extra) };
      const next = await api<Settings>("/api/organisation/settings", { method: "PATCH", body });
      setForm(next);
      setHolidays(next.holidays.join("\n"));
      setExtra(next.additionalWorkingDates.join("\n"));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t("o.title")}>
      {!editable && <p class="alert alert-info">{t("o.readOnly")}</p>}
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        {saved && (
          <p class="alert alert-ok" role="status">
            {t("o.saved")}
          </p>
        )}
        <div class="form-grid">
          <Field id="org-tz" label={t("o.timeZone")} hint={t("o.timeZoneHint")} error={fieldError("timeZone")}>
            {(p) => <input {...p} list="org-tz-list" autocomplete="off" readOnly={!editable} value={form.timeZone} onInput={(e) => update({ timeZone: e.currentTarget.value })} />}
          </Field>
          <Field id="org-fatigue" label={t("o.fatigue")} hint={t("o.fatigueHint")} error={fieldError("fatigueDays")}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={3650}
                readOnly={!editable}
                value={form.fatigueDays ?? ""}
                onInput={(e) => update({ fatigueDays: e.currentTarget.value === "" ? null : Number(e.currentTarget.value) })}
              />
            )}
          </Field>
        </div>
        <TimeZoneList id="org-tz-list" />
        <fieldset class={fieldError("workingDays") ? "field-invalid" : undefined}>
          <legend>{t("o.workingDays")}</legend>
          <div class="btn-row">
            {[1, 2, 3, 4, 5, 6, 7].map((d) => (
              <label key={d} class="inline-field">
                <input
                  type="checkbox"
                  disabled={!editable}
                  checked={form.workingDays.includes(d)}
                  onChange={(e) => update({ workingDays: e.currentTarget.checked ? [...form.workingDays, d].sort() : form.workingDays.filter((x) => x !== d) })}
                />
                {t(`day.${d}` as AKey)}
              </label>
            ))}
          </div>
          {fieldError("workingDays") && <p class="field-error">{fieldError("workingDays")}</p>}
        </fieldset>
        <fieldset>
          <legend>{t("o.workingHours")}</legend>
          <p class="field-hint">{t("o.workingHoursHint")}</p>
          <ol class="a-windows">
            {form.workingHours.map((w, i) => (
              <li key={i}>
                <label class="inline-field">
                  {t("o.from")}
                  <input
                    type="time"
                    readOnly={!editable}
                    value={w.start}
                    onInput={(e) => update({ workingHours: form.workingHours.map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)) })}
                  />
                </label>
                <label class="inline-field">
                  {t("o.to")}
                  <input
                    type="time"
                    readOnly={!editable}
                    value={w.end}
                    onInput={(e) => update({ workingHours: form.workingHours.map((x, j) => (j === i ? { ...x, end: e.currentTarget.value } : x)) })}
                  />
                </label>
                {editable && form.workingHours.length > 1 && (
                  <button type="button" class="btn btn-small btn-ghost" aria-label={t("o.removeWindow", { n: i + 1 })} onClick={() => update({ workingHours: form.workingHours.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ol>
          {fieldError("workingHours") && <p class="field-error">{fieldError("workingHours")}</p>}
          {editable && form.workingHours.length < 6 && (
            <button type="button" class="btn btn-small" onClick={() => update({ workingHours: [...form.workingHours, { start: "13:00", end: "18:00" }] })}>
              {t("o.addWindow")}
            </button>
          )}
        </fieldset>
        <div class="grid grid-2">
          <Field id="org-holidays" label={t("o.holidays")} hint={t("o.holidaysHint")} error={fieldError("holidays")}>
            {(p) => <textarea {...p} rows={4} class="mono" readOnly={!editable} value={holidays} onInput={(e) => setHolidays(e.currentTarget.value)} />}
          </Field>
          <Field id="org-extra" label={t("o.extraDays")} hint={t("o.extraDaysHint")} error={fieldError("additionalWorkingDates")}>
            {(p) => <textarea {...p} rows={4} class="mono" readOnly={!editable} value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />}
          </Field>
        </div>
        {editable && (
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? tApp("common.saving") : t("o.save")}
            </button>
          </div>
        )}
      </form>
    </Card>
  );
}
