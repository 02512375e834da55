/**
 * Bulk changes on the queue: the ticked complaints are assigned, re-prioritised or closed as
 * duplicates of a kept complaint in one request; the server checks each one against the workflow
 * and the result of every complaint is listed (nothing refused is skipped silently).
 */
import { useState } from "preact/hooks";
import { api } from "../../lib/api";
import { ErrorAlert, Field } from "../../components/ui";
import { useCT, useLabel, type CKey } from "./messages";
import { PRIORITIES, type ComplaintBulkResult as BulkResult, type ComplaintListItem, type Member, type Priority } from "./types";
import type { ComplaintBulkAction } from "../../../../src/domain/complaints/bulk";

type BulkKind = ComplaintBulkAction["kind"];

/** The tick box of one row, and the page's "select all" box in the header. */
export function SelectBox({ id, label, checked, mixed, onChange }: { id: string; label: string; checked: boolean; mixed?: boolean; onChange: (checked: boolean) => void }) {
  return (
    <input
      id={id}
      type="checkbox"
      class="select-box"
      aria-label={label}
      checked={checked}
      ref={(el) => {
        if (el) el.indeterminate = mixed === true;
      }}
      onChange={(e) => onChange(e.currentTarget.checked)}
    />
  );
}

export function BulkActions({ items, selected, members, onClear, onDone }: { items: ComplaintListItem[]; selected: string[]; members: Member[]; onClear: () => void; onDone: () => void }) {
  const ct = useCT();
  const label = useLabel();
  const [kind, setKind] = useState<BulkKind>("assign");
  const [assignee, setAssignee] = useState("");
  const [priority, setPriority] = useState<Priority>("high");
  const [duplicateOf, setDuplicateOf] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<BulkResult | null>(null);

  const action =
    kind === "assign" ? { kind, assigneeId: assignee || null } : kind === "set_priority" ? { kind, priority } : { kind, duplicateOf: duplicateOf.trim() };

  async function apply() {
    setBusy(true);
    setError(undefined);
    try {
      const response = await api<BulkResult>("/api/complaints/bulk", { body: { ids: selected, action } });
      setResult(response);
      setConfirming(false);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const referenceOf = (r: BulkResult["results"][number]) => r.reference ?? items.find((c) => c.id === r.id)?.reference ?? r.id;

  return (
    <section class="card bulk-actions" aria-labelledby="bulk-title" data-testid="bulk-actions">
      <h2 id="bulk-title">
        {ct("bulk.title")} <span class="muted small" aria-live="polite">({ct("bulk.selected", { n: selected.length })})</span>
      </h2>
      {selected.length > 0 && (
        <form
          class="bulk-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (kind === "close_as_duplicate" && !confirming) setConfirming(true);
            else void apply();
          }}
        >
          <Field id="bulk-action" label={ct("bulk.action")}>
            {(p) => (
              <select
                {...p}
                value={kind}
                onChange={(e) => {
                  setKind(e.currentTarget.value as BulkKind);
                  setConfirming(false);
                }}
              >
                {(["assign", "set_priority", "close_as_duplicate"] as const).map((k) => (
                  <option key={k} value={k}>
                    {ct(`bulk.action.${k}` as CKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {kind === "assign" && (
            <Field id="bulk-owner" label={ct("bulk.owner")}>
              {(p) => (
                <select {...p} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
                  <option value="">{ct("bulk.unassign")}</option>
                  {members.map((m) => (
                    <option key={m.userId} value={m.userId}>
                      {m.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {kind === "set_priority" && (
            <Field id="bulk-priority" label={ct("bulk.priority")}>
              {(p) => (
                <select {...p} value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
                  {PRIORITIES.map((x) => (
                    <option key={x} value={x}>
                      {label("priority", x)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {kind === "close_as_duplicate" && (
            <Field id="bulk-duplicate-of" label={ct("bulk.duplicateOf")} hint={ct("bulk.duplicateOfHint")}>
              {(p) => (
                <input
                  {...p}
                  required
                  value={duplicateOf}
                  onInput={(e) => {
                    setDuplicateOf(e.currentTarget.value);
                    setConfirming(false);
                  }}
                />
              )}
            </Field>
          )}
          {confirming && (
            <p class="notice" role="alert" data-testid="bulk-confirm">
              {ct("bulk.confirmClose", { n: selected.length, reference: duplicateOf.trim().toUpperCase() })}
            </p>
          )}
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {ct("bulk.apply", { n: selected.length })}
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                setConfirming(false);
                onClear();
              }}
            >
              {ct("bulk.clear")}
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={error} />
      {result && (
        <div data-testid="bulk-result">
          <p role="status">{ct("bulk.summary", { changed: result.changed, unchanged: result.unchanged, failed: result.failed })}</p>
          <h3>{ct("bulk.results")}</h3>
          <ul class="bulk-results">
            {result.results.map((r) => (
              <li key={r.id} class={r.ok ? "" : "bulk-failed"} data-result={r.ok ? (r.changed ? "changed" : "unchanged") : r.reason}>
                <strong>{referenceOf(r)}</strong>:{" "}
                {r.ok ? (r.changed ? ct("bulk.ok") : ct("bulk.unchanged")) : ct(`bulk.reason.${r.reason}` as CKey)}
                {r.ok && r.state ? ` · ${label("state", r.state)}` : ""}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
