/**
 * Starts the background bootstrap run of a selection and follows it until it settles. One run gives
 * both the 95 % intervals and PLSpredict's model-quality line (docs/statistics.md §11.7), so the
 * intervals notice and the model-quality card share this.
 */
import { useState } from "preact/hooks";
import { api, type Query } from "../../lib/api";

import type { BootstrapRun } from "../../../../src/contracts/analytics";

type RunStatus = BootstrapRun["status"];

export function useBootstrapRun(surveyId: string, selection: Query, onDone: () => void) {
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [error, setError] = useState<unknown>();
  const running = status === "queued" || status === "running";
  async function start() {
    setError(undefined);
    setStatus("queued");
    try {
      const base = `/api/surveys/${encodeURIComponent(surveyId)}/indices/bootstrap`;
      const body = Object.fromEntries(Object.entries(selection).filter(([, v]) => v !== undefined && v !== ""));
      let run = await api<BootstrapRun>(base, { method: "POST", body });
      setStatus(run.status);
      while (run.status === "queued" || run.status === "running") {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        run = await api<BootstrapRun>(`${base}/${encodeURIComponent(run.id)}`);
        setStatus(run.status);
      }
      if (run.status === "failed") throw new Error(run.error ?? run.status);
      onDone();
    } catch (e) {
      setStatus("failed");
      setError(e);
    }
  }
  return { status, running, error, start };
}
