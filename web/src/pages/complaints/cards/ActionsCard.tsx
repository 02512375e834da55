import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../lib/api";
import { Card, ErrorAlert, Field, SelectControl, type FieldControlProps } from "../../../components/ui";
import { useCT, useLabel, type CKey } from "../messages";
import { categoryOptions, priorityOptions, severityOptions } from "../options";
import type { ComplaintDetail, TransitionOption } from "../types";
import { useComplaintAction, type RefData, type Run } from "./useComplaintAction";

/** Payload fields per transition (the API's TransitionBody description). */
type FieldSpec = { name: string; label: CKey; kind: "text" | "textarea" | "priority" | "category" | "severity" | "outcome"; required?: boolean; when?: (v: Record<string, string>) => boolean };
const PAYLOAD: Record<string, FieldSpec[]> = {
  acknowledge: [{ name: "message", label: "form.message", kind: "textarea" }],
  assess: [
    { name: "priority", label: "queue.priority", kind: "priority", required: true },
    { name: "category", label: "queue.category", kind: "category", required: true },
    { name: "severity", label: "detail.severity", kind: "severity" },
    { name: "note", label: "form.note", kind: "textarea" },
  ],
  start_investigation: [{ name: "note", label: "form.note", kind: "textarea" }],
  respond: [
    { name: "publicReply", label: "form.publicReply", kind: "textarea", required: true },
    { name: "proposedRemedy", label: "form.proposedRemedy", kind: "textarea", required: true },
  ],
  request_information: [{ name: "publicReply", label: "form.publicReply", kind: "textarea", required: true }],
  resume_from_waiting: [{ name: "note", label: "form.note", kind: "textarea" }],
  revise_response: [{ name: "reason", label: "form.reason", kind: "textarea", required: true }],
  close: [
    { name: "outcome", label: "form.outcome", kind: "outcome", required: true },
    { name: "customerDisagreement", label: "form.customerDisagreement", kind: "textarea", required: true, when: (v) => v.outcome === "closed_with_disagreement" },
    { name: "alternativesOffered", label: "form.alternativesOffered", kind: "textarea", when: (v) => v.outcome === "closed_with_disagreement" },
    { name: "publicReply", label: "form.closingReply", kind: "textarea" },
  ],
  reopen: [{ name: "reason", label: "form.reason", kind: "textarea", required: true }],
};

function payloadFor(name: string, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (name === "close") {
    out.resolution =
      values.outcome === "closed_with_disagreement"
        ? { outcome: "closed_with_disagreement", customerDisagreement: values.customerDisagreement, ...(values.alternativesOffered ? { alternativesOffered: values.alternativesOffered } : {}) }
        : { outcome: "accepted" };
    if (values.publicReply?.trim()) out.publicReply = values.publicReply.trim();
    return out;
  }
  for (const spec of PAYLOAD[name] ?? []) {
    const v = values[spec.name]?.trim();
    if (!v) continue;
    out[spec.name] = spec.kind === "severity" ? Number(v) : v;
  }
  return out;
}

export function ActionsCard({ complaint, refData, run, asked }: { complaint: ComplaintDetail; refData?: RefData; run: Run; asked?: { name: string; at: number } }) {
  const ct = useCT();
  const label = useLabel();
  const [open, setOpen] = useState<TransitionOption | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, setError, act } = useComplaintAction();
  useEffect(() => {
    setOpen(null);
    setError(undefined);
  }, [complaint.state]);

  useEffect(() => {
    const option = asked && complaint.legalTransitions.find((o) => o.name === asked.name);
    if (option) start(option);
  }, [asked]);

  const specs = open ? (PAYLOAD[open.name] ?? []).filter((s) => !s.when || s.when(values)) : [];
  const start = (option: TransitionOption) => {
    setOpen(option);
    setLocal({});
    setError(undefined);
    setValues(option.name === "close" ? { outcome: "accepted" } : option.name === "assess" ? { priority: complaint.priority, category: complaint.category ?? "" } : {});
    setTimeout(() => document.getElementById(`tf-${(PAYLOAD[option.name] ?? [])[0]?.name}`)?.focus(), 0);
  };
  async function submit(event: Event) {
    event.preventDefault();
    if (!open) return;
    const missing: Record<string, string> = {};
    for (const s of specs) if (s.required && !values[s.name]?.trim()) missing[s.name] = ct("form.required");
    setLocal(missing);
    if (Object.keys(missing).length) {
      document.getElementById(`tf-${Object.keys(missing)[0]}`)?.focus();
      return;
    }
    const option = open;
    await act(async () => {
      await run("transitions", { to: option.to, ...payloadFor(option.name, values) }, ct("keys.nowState", { state: label("state", option.to ?? complaint.state) }));
      setOpen(null);
    });
  }
  const fieldError = (name: string) =>
    local[name] ?? (error instanceof ApiError ? error.fieldError(name) ?? (name === "customerDisagreement" ? error.fieldError("resolution.customerDisagreement") : undefined) : undefined);

  return (
    <Card title={ct("detail.actions")} id="actions">
      {complaint.legalTransitions.length === 0 ? (
        <p class="muted">{ct("detail.noActions")}</p>
      ) : (
        <div class="btn-row" role="group" aria-label={ct("detail.actions")} data-testid="transitions">
          {complaint.legalTransitions.map((o) => (
            <button
              key={o.name}
              type="button"
              class={`btn${open?.name === o.name ? " btn-primary" : ""}`}
              title={o.description}
              aria-expanded={open?.name === o.name}
              data-transition={o.name}
              aria-keyshortcuts={o.name === "acknowledge" ? "a" : undefined}
              onClick={() => (open?.name === o.name ? setOpen(null) : start(o))}
            >
              {label("t", o.name)}
              {o.to && o.to !== complaint.state ? ` → ${label("state", o.to)}` : ""}
            </button>
          ))}
        </div>
      )}
      {open && (
        <form class="form transition-form" onSubmit={submit} noValidate data-testid="transition-form">
          <p class="small muted">{open.description}</p>
          <ErrorAlert error={error} />
          {specs.map((s) => (
            <Field key={s.name} id={`tf-${s.name}`} label={ct(s.label)} error={fieldError(s.name)}>
              {(p) => <PayloadInput spec={s} props={p} value={values[s.name] ?? ""} onValue={(v) => setValues({ ...values, [s.name]: v })} categories={refData?.categories ?? []} />}
            </Field>
          ))}
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("form.confirm", { action: label("t", open.name) })}
            </button>
            <button type="button" class="btn" onClick={() => setOpen(null)}>
              {ct("form.cancel")}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function PayloadInput({ spec, props, value, onValue, categories }: { spec: FieldSpec; props: FieldControlProps; value: string; onValue: (v: string) => void; categories: string[] }) {
  const ct = useCT();
  const label = useLabel();
  switch (spec.kind) {
    case "priority":
      return <SelectControl {...props} value={value} onChange={onValue} empty={ct("detail.select")} options={priorityOptions(label)} />;
    case "category":
      return <SelectControl {...props} value={value} onChange={onValue} empty={ct("detail.select")} options={categoryOptions(label, categories, value)} />;
    case "severity":
      return <SelectControl {...props} value={value} onChange={onValue} empty="—" options={severityOptions(label)} />;
    case "outcome":
      return (
        <SelectControl
          {...props}
          value={value}
          onChange={onValue}
          options={[
            { value: "accepted", label: ct("form.outcome.accepted") },
            { value: "closed_with_disagreement", label: ct("form.outcome.closed_with_disagreement") },
          ]}
        />
      );
    case "textarea":
      return <textarea {...props} rows={3} maxLength={10000} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
    default:
      return <input {...props} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
  }
}
