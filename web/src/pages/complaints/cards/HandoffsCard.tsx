import { useState } from "preact/hooks";
import { api, ApiError } from "../../../lib/api";
import { useI18n } from "../../../lib/i18n";
import { Card, ErrorAlert, Field } from "../../../components/ui";
import { useCT, useLabel } from "../messages";
import type { ComplaintActionResult, ComplaintDetail, Handoff } from "../types";
import { useComplaintAction, type RefData } from "./useComplaintAction";

export function HandoffsCard({ complaint, refData, onChanged }: { complaint: ComplaintDetail; refData?: RefData; onChanged: (c: ComplaintDetail) => void }) {
  const ct = useCT();
  const label = useLabel();
  const { date } = useI18n();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState({ rootCause: "", correctiveAction: "", preventiveAction: "", ownerId: "", dueDate: "" });
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, act } = useComplaintAction();
  const who = (id: string) => refData?.members.find((m) => m.userId === id)?.name ?? id;
  const fe = (name: string) => local[name] ?? (error instanceof ApiError ? error.fieldError(name) : undefined);

  async function submit(event: Event) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    for (const k of ["rootCause", "correctiveAction", "ownerId", "dueDate"] as const) if (!values[k].trim()) missing[k] = ct("form.required");
    setLocal(missing);
    if (Object.keys(missing).length) return;
    await act(async () => {
      const result = await api<ComplaintActionResult>(`/api/complaints/${encodeURIComponent(complaint.id)}/handoffs`, {
        method: "POST",
        body: {
          rootCause: values.rootCause.trim(),
          correctiveAction: values.correctiveAction.trim(),
          ...(values.preventiveAction.trim() ? { preventiveAction: values.preventiveAction.trim() } : {}),
          ownerId: values.ownerId,
          dueDate: values.dueDate,
        },
      });
      onChanged(result.complaint);
      setOpen(false);
      setValues({ rootCause: "", correctiveAction: "", preventiveAction: "", ownerId: "", dueDate: "" });
    });
  }
  async function setStatus(h: Handoff, status: string) {
    await act(async () => {
      await api(`/api/complaints/${encodeURIComponent(complaint.id)}/handoffs/${encodeURIComponent(h.id)}`, { method: "PATCH", body: { status } });
      onChanged(await api<ComplaintDetail>(`/api/complaints/${encodeURIComponent(complaint.id)}`));
    });
  }
  return (
    <Card title={ct("detail.handoffs")}>
      {!open && <ErrorAlert error={error} />}
      {complaint.handoffs.length === 0 && <p class="muted small">{ct("detail.none")}</p>}
      <ul class="handoff-list">
        {complaint.handoffs.map((h) => (
          <li key={h.id}>
            <p class="free-text small">
              <strong>{ct("detail.rootCause")}:</strong> {h.rootCause}
            </p>
            <p class="free-text small">
              <strong>{ct("detail.correctiveAction")}:</strong> {h.correctiveAction}
            </p>
            {h.preventiveAction && <p class="free-text small">{h.preventiveAction}</p>}
            <p class="small muted">
              {who(h.ownerId)} · {date(h.dueDate)}
            </p>
            <label class="inline-field small">
              <span>{ct("detail.handoffStatus")}</span>
              <select value={h.status} onChange={(e) => void setStatus(h, e.currentTarget.value)}>
                {["open", "in_progress", "done", "rejected"].map((s) => (
                  <option key={s} value={s}>
                    {label("handoff", s)}
                  </option>
                ))}
              </select>
            </label>
          </li>
        ))}
      </ul>
      {!open ? (
        <button type="button" class="btn btn-small" onClick={() => setOpen(true)}>
          {ct("detail.handoffNew")}
        </button>
      ) : (
        <form class="form" onSubmit={submit} noValidate>
          <ErrorAlert error={error} />
          <Field id="ho-root" label={ct("detail.rootCause")} error={fe("rootCause")}>
            {(p) => <textarea {...p} rows={2} value={values.rootCause} onInput={(e) => setValues({ ...values, rootCause: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-corrective" label={ct("detail.correctiveAction")} error={fe("correctiveAction")}>
            {(p) => <textarea {...p} rows={2} value={values.correctiveAction} onInput={(e) => setValues({ ...values, correctiveAction: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-preventive" label={ct("detail.preventiveAction")} error={fe("preventiveAction")}>
            {(p) => <textarea {...p} rows={2} value={values.preventiveAction} onInput={(e) => setValues({ ...values, preventiveAction: e.currentTarget.value })} />}
          </Field>
          <Field id="ho-owner" label={ct("detail.owner")} error={fe("ownerId")}>
            {(p) => (
              <select {...p} value={values.ownerId} onChange={(e) => setValues({ ...values, ownerId: e.currentTarget.value })}>
                <option value="">{ct("detail.select")}</option>
                {refData?.members.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="ho-due" label={ct("detail.dueDate")} error={fe("dueDate")}>
            {(p) => <input {...p} type="date" value={values.dueDate} onInput={(e) => setValues({ ...values, dueDate: e.currentTarget.value })} />}
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("detail.handoffCreate")}
            </button>
            <button type="button" class="btn" onClick={() => setOpen(false)}>
              {ct("keys.close")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
