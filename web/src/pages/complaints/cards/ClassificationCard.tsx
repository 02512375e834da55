import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../lib/api";
import { Card, ErrorAlert, Field } from "../../../components/ui";
import { useCT, useLabel } from "../messages";
import { PRIORITIES, type ComplaintDetail } from "../types";
import { useComplaintAction, type RefData, type Run } from "./useComplaintAction";

export function ClassificationCard({ complaint, refData, run }: { complaint: ComplaintDetail; refData?: RefData; run: Run }) {
  const ct = useCT();
  const label = useLabel();
  const [priority, setPriority] = useState<string>(complaint.priority);
  const [category, setCategory] = useState(complaint.category ?? "");
  const [severity, setSeverity] = useState(complaint.severity ? String(complaint.severity) : "");
  const { error, setError, act } = useComplaintAction();
  useEffect(() => {
    setPriority(complaint.priority);
    setCategory(complaint.category ?? "");
    setSeverity(complaint.severity ? String(complaint.severity) : "");
  }, [complaint.priority, complaint.category, complaint.severity]);
  if (complaint.state === "closed") return null;
  const categories = refData?.categories ?? [];
  return (
    <Card title={ct("detail.classification")}>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          const body: Record<string, unknown> = {};
          if (priority !== complaint.priority) body.priority = priority;
          if (category && category !== complaint.category) body.category = category;
          if (severity && Number(severity) !== complaint.severity) body.severity = Number(severity);
          if (!Object.keys(body).length) return;
          await act(() => run("classification", body, ct("keys.done", { action: ct("detail.saveClassification") })));
        }}
      >
        <ErrorAlert error={error} />
        <Field id="cl-priority" label={ct("queue.priority")} error={error instanceof ApiError ? error.fieldError("priority") : undefined}>
          {(p) => (
            <select {...p} value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
              {PRIORITIES.map((x) => (
                <option key={x} value={x}>
                  {label("priority", x)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="cl-category" label={ct("queue.category")} error={error instanceof ApiError ? error.fieldError("category") : undefined}>
          {(p) => (
            <select {...p} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
              <option value="">—</option>
              {(category && !categories.includes(category) ? [category, ...categories] : categories).map((c) => (
                <option key={c} value={c}>
                  {label("category", c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="cl-severity" label={ct("detail.severity")} error={error instanceof ApiError ? error.fieldError("severity") : undefined}>
          {(p) => (
            <select {...p} value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
              <option value="">—</option>
              {[1, 2, 3, 4].map((s) => (
                <option key={s} value={String(s)}>
                  {label("severity", s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div>
          <button type="submit" class="btn">
            {ct("detail.saveClassification")}
          </button>
        </div>
      </form>
    </Card>
  );
}
