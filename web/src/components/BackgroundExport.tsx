/**
 * Exports of any size (issue 16): starts the export Workflow (POST /api/surveys/:id/responses/exports),
 * shows its progress as a progress bar from the rows written so far, and offers the signed download
 * link when it is complete. The one-request export links next to it stay for small exports.
 */
import { useEffect, useState } from "preact/hooks";
import { api, errorMessage, type Query } from "../lib/api";
import { useI18n } from "../lib/i18n";

import type { ExportJob } from "../../../src/contracts/exports";

const POLL_MS = 1000;

export function BackgroundExport({ surveyId, query }: { surveyId: string; query: Query }) {
  const { t } = useI18n();
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!job || job.status !== "running") return;
    const timer = setTimeout(() => {
      api<ExportJob>(`/api/exports/${encodeURIComponent(job.id)}`).then(setJob, (e: unknown) => setError(errorMessage(e)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  async function start(format: "csv" | "xlsx") {
    setError(null);
    try {
      setJob(await api<ExportJob>(`/api/surveys/${encodeURIComponent(surveyId)}/responses/exports`, { body: { format }, query }));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const percent = job && job.rowsTotal > 0 ? Math.round((100 * job.rowsDone) / job.rowsTotal) : job?.status === "complete" ? 100 : 0;
  return (
    <div class="background-export" aria-live="polite">
      <button type="button" class="btn" disabled={job?.status === "running"} onClick={() => void start("csv")}>
        {t("export.backgroundCsv")}
      </button>
      <button type="button" class="btn" disabled={job?.status === "running"} onClick={() => void start("xlsx")}>
        {t("export.backgroundXlsx")}
      </button>
      {job && (
        <div
          class="export-progress"
          role="progressbar"
          aria-label={t("export.progressLabel", { file: job.filename })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={t("export.progress", { done: job.rowsDone, total: job.rowsTotal })}
        >
          <div class="export-progress-bar" style={{ width: `${percent}%` }} />
        </div>
      )}
      {job && <span>{t("export.progress", { done: job.rowsDone, total: job.rowsTotal })}</span>}
      {job?.status === "complete" && job.downloadUrl && (
        <a class="btn btn-primary" href={job.downloadUrl} download={job.filename}>
          {t("export.download", { file: job.filename })}
        </a>
      )}
      {(error || job?.status === "failed") && <p role="alert">{error ?? t("export.failed", { error: job?.error ?? "" })}</p>}
    </div>
  );
}
