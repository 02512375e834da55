import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../../lib/api";
import { Card, ErrorAlert, Select } from "../../../components/ui";
import { useCT, useLabel } from "../messages";
import { categoryOptions, priorityOptions, severityOptions } from "../options";
import type { ComplaintDetail } from "../types";
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
  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldError(field) : undefined);
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
        <Select id="cl-priority" label={ct("queue.priority")} error={fieldError("priority")} value={priority} onChange={setPriority} options={priorityOptions(label)} />
        <Select id="cl-category" label={ct("queue.category")} error={fieldError("category")} value={category} onChange={setCategory} empty="—" options={categoryOptions(label, categories, category)} />
        <Select id="cl-severity" label={ct("detail.severity")} error={fieldError("severity")} value={severity} onChange={setSeverity} empty="—" options={severityOptions(label)} />
        <div>
          <button type="submit" class="btn">
            {ct("detail.saveClassification")}
          </button>
        </div>
      </form>
    </Card>
  );
}
