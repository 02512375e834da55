/**
 * Scheduled e-mail reports (issue 17): managers list, add, change and delete the weekly or monthly
 * digests of the index and KPIs their organisation sends, and send one to themselves now.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { useI18n } from "../../lib/i18n";
import { ROLES, type Role } from "../../../../src/domain/permissions";
import type { ReportPreview, ReportSchedule, ReportScheduleInput } from "../../../../src/contracts/report-schedules";
import type { SurveySummary } from "../../lib/types";
import { Card, ErrorAlert, Field, Loading, Select, Table } from "../../components/ui";
import { useConfirm } from "../builder/dialog";
import { TimeZoneList } from "./OrgSettings";
import { useT, type AKey } from "./messages";

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

function defaultInput(): ReportScheduleInput {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return { name: "", surveyId: null, cadence: { kind: "weekly", dayOfWeek: 1, hour: 8 }, timeZone, recipients: { roles: ["manager"], memberIds: [] }, language: "en" };
}

function inputOf(schedule: ReportSchedule): ReportScheduleInput {
  const { name, surveyId, cadence, timeZone, language, recipients } = schedule;
  return { name, surveyId, cadence, timeZone, language, recipients: { roles: recipients.roles as Role[], memberIds: recipients.memberIds } };
}

export function ReportsSection() {
  const t = useT();
  const { date } = useI18n();
  const list = useAsync((signal) => api<{ items: ReportSchedule[] }>("/api/report-schedules", { signal }), []);
  const surveys = useAsync((signal) => api<{ items: SurveySummary[] }>("/api/surveys", { signal }), []);
  const [editing, setEditing] = useState<ReportSchedule | null>(null);
  // Kept as a key, so the notice follows a change of language.
  const [notice, setNotice] = useState<{ key: AKey; params: Record<string, string> } | null>(null);
  const [error, setError] = useState<unknown>();
  const { confirm, element } = useConfirm();

  const cadenceText = (schedule: ReportSchedule) =>
    schedule.cadence.kind === "weekly"
      ? t("r.weeklyOn", { day: t(`day.${schedule.cadence.dayOfWeek}` as AKey), hour: String(schedule.cadence.hour).padStart(2, "0") })
      : t("r.monthlyOn", { day: schedule.cadence.dayOfMonth, hour: String(schedule.cadence.hour).padStart(2, "0") });
  const surveyText = (schedule: ReportSchedule) =>
    schedule.surveyId === null ? t("r.allSurveys") : (surveys.data?.items.find((s) => s.id === schedule.surveyId)?.title ?? schedule.surveyId);

  // Deleting stops the digests its recipients count on: asked first, as every destructive step is.
  function remove(schedule: ReportSchedule) {
    confirm({
      title: t("r.deleteTitle", { name: schedule.name }),
      body: <p>{t("r.deleteBody")}</p>,
      confirmLabel: t("r.delete"),
      danger: true,
      onConfirm: async () => {
        setError(undefined);
        try {
          await api(`/api/report-schedules/${encodeURIComponent(schedule.id)}`, { method: "DELETE" });
          setNotice({ key: "r.deleted", params: { name: schedule.name } });
          list.reload();
        } catch (err) {
          setError(err);
        }
      },
    });
  }

  async function preview(schedule: ReportSchedule) {
    setError(undefined);
    try {
      const sent = await api<ReportPreview>(`/api/report-schedules/${encodeURIComponent(schedule.id)}/preview`, { method: "POST" });
      setNotice({ key: "r.previewSent", params: { to: sent.to } });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="reports-title" data-testid="report-schedules">
      <h2 id="reports-title">{t("r.title")}</h2>
      <p class="muted">{t("r.hint")}</p>
      {notice && (
        <p class="alert alert-ok" role="status">
          {t(notice.key, notice.params)}
        </p>
      )}
      <ErrorAlert error={error ?? list.error} onRetry={list.error ? list.reload : undefined} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p>{t("r.none")}</p>}
      {list.data && list.data.items.length > 0 && (
        <Table
          caption={t("r.title")}
          testId="report-schedules-table"
          columns={[{ label: t("r.name") }, { label: t("r.survey") }, { label: t("r.cadence") }, { label: t("r.recipients") }, { label: t("r.nextDue") }, { label: t("r.actions"), hiddenLabel: true }]}
        >
          {list.data.items.map((schedule) => (
            <tr key={schedule.id}>
              <td>{schedule.name}</td>
              <td>{surveyText(schedule)}</td>
              <td>
                {cadenceText(schedule)} <span class="muted small">{schedule.timeZone}</span>
              </td>
              <td>{[...schedule.recipients.roles.map((role) => t(`role.${role}` as AKey)), ...(schedule.recipients.memberIds.length ? [t("r.members", { n: schedule.recipients.memberIds.length })] : [])].join(", ")}</td>
              <td>{date(schedule.nextDueAt, true)}</td>
              <td class="btn-row">
                <button type="button" class="btn btn-small" onClick={() => setEditing(schedule)} aria-label={t("r.editOf", { name: schedule.name })}>
                  {t("r.edit")}
                </button>
                <button type="button" class="btn btn-small" onClick={() => preview(schedule)} aria-label={t("r.previewOf", { name: schedule.name })}>
                  {t("r.preview")}
                </button>
                <button type="button" class="btn btn-small btn-danger" onClick={() => remove(schedule)} aria-label={t("r.deleteOf", { name: schedule.name })}>
                  {t("r.delete")}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <ScheduleForm
        key={editing?.id ?? "new"}
        editing={editing}
        surveys={surveys.data?.items ?? []}
        onSaved={(saved, created) => {
          setEditing(null);
          setNotice({ key: created ? "r.created" : "r.updated", params: { name: saved.name } });
          list.reload();
        }}
        onCancel={() => setEditing(null)}
      />
      {element}
    </section>
  );
}

function ScheduleForm({ editing, surveys, onSaved, onCancel }: { editing: ReportSchedule | null; surveys: SurveySummary[]; onSaved: (saved: ReportSchedule, created: boolean) => void; onCancel: () => void }) {
  const t = useT();
  const [input, setInput] = useState<ReportScheduleInput>(editing ? inputOf(editing) : defaultInput());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldError(name) : undefined);
  const set = (patch: Partial<ReportScheduleInput>) => setInput({ ...input, ...patch });
  const cadence = input.cadence;

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = editing
        ? await api<ReportSchedule>(`/api/report-schedules/${encodeURIComponent(editing.id)}`, { method: "PUT", body: input })
        : await api<ReportSchedule>("/api/report-schedules", { method: "POST", body: input });
      if (!editing) setInput(defaultInput());
      onSaved(saved, !editing);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={editing ? t("r.editTitle", { name: editing.name }) : t("r.add")} headingLevel={3}>
      <form class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <div class="form-grid">
          <Field id="rs-name" label={t("r.name")} error={fieldError("name")}>
            {(p) => <input {...p} maxLength={120} value={input.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
          </Field>
          <Select
            id="rs-survey"
            label={t("r.survey")}
            error={fieldError("surveyId")}
            value={input.surveyId ?? ""}
            empty={t("r.allSurveys")}
            options={surveys.filter((s) => s.status !== "draft").map((s) => ({ value: s.id, label: s.title }))}
            onChange={(value) => set({ surveyId: value || null })}
          />
          <Select
            id="rs-kind"
            label={t("r.cadence")}
            value={cadence.kind}
            options={[
              { value: "weekly", label: t("r.weekly") },
              { value: "monthly", label: t("r.monthly") },
            ]}
            onChange={(kind) => set({ cadence: kind === "weekly" ? { kind: "weekly", dayOfWeek: 1, hour: cadence.hour } : { kind: "monthly", dayOfMonth: 1, hour: cadence.hour } })}
          />
          {cadence.kind === "weekly" ? (
            <Select
              id="rs-weekday"
              label={t("r.weekday")}
              error={fieldError("cadence.dayOfWeek")}
              value={String(cadence.dayOfWeek)}
              options={WEEKDAYS.map((day) => ({ value: String(day), label: t(`day.${day}` as AKey) }))}
              onChange={(day) => set({ cadence: { ...cadence, dayOfWeek: Number(day) } })}
            />
          ) : (
            <Field id="rs-monthday" label={t("r.monthday")} hint={t("r.monthdayHint")} error={fieldError("cadence.dayOfMonth")}>
              {(p) => <input {...p} type="number" min={1} max={28} value={cadence.dayOfMonth} onInput={(e) => set({ cadence: { ...cadence, dayOfMonth: Number(e.currentTarget.value) } })} />}
            </Field>
          )}
          <Select id="rs-hour" label={t("r.hour")} value={String(cadence.hour)} options={HOURS.map((hour) => ({ value: String(hour), label: `${String(hour).padStart(2, "0")}:00` }))} onChange={(hour) => set({ cadence: { ...cadence, hour: Number(hour) } })} />
          <Field id="rs-zone" label={t("r.timeZone")} hint={t("r.timeZoneHint")} error={fieldError("timeZone")}>
            {(p) => <input {...p} list="rs-zone-list" autocomplete="off" value={input.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value.trim() })} />}
          </Field>
          <TimeZoneList id="rs-zone-list" />
          <Select
            id="rs-language"
            label={t("r.language")}
            value={input.language}
            options={[
              { value: "en", label: "English" },
              { value: "zh-CN", label: "简体中文" },
            ]}
            onChange={(language) => set({ language: language as ReportScheduleInput["language"] })}
          />
        </div>
        <fieldset class={fieldError("recipients.roles") ? "field-invalid" : undefined}>
          <legend>{t("r.recipients")}</legend>
          <div class="btn-row">
            {ROLES.map((role) => (
              <label key={role} class="inline-field">
                <input
                  type="checkbox"
                  checked={input.recipients.roles.includes(role)}
                  onChange={(e) => set({ recipients: { ...input.recipients, roles: e.currentTarget.checked ? [...input.recipients.roles, role] : input.recipients.roles.filter((r) => r !== role) } })}
                />
                {t(`role.${role}` as AKey)}
              </label>
            ))}
          </div>
          {fieldError("recipients.roles") && <p class="field-error">{fieldError("recipients.roles")}</p>}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {editing ? t("r.save") : t("r.create")}
          </button>
          {editing && (
            <button type="button" class="btn" onClick={onCancel}>
              {t("r.cancel")}
            </button>
          )}
        </div>
      </form>
    </Card>
  );
}
