/**
 * "Did it work?": the satisfaction index before and after a date (an improvement plan's start),
 * with the interval of the difference and a verdict, optionally against an entered benchmark.
 */
import { useState } from "preact/hooks";
import { api, type Query } from "../../lib/api";
import type { ChangeResponse } from "../../lib/types";
import { Badge, Card, ErrorAlert, Field } from "../../components/ui";
import { useDI18n, type DKey } from "./messages";

const VERDICT_TONE = { improved: "ok", "no-detectable-change": "muted", worse: "bad" } as const;

export function ChangeCheck({ surveyId, query }: { surveyId: string; query: Query }) {
  const { t, num } = useDI18n();
  const [since, setSince] = useState("");
  const [benchmark, setBenchmark] = useState("");
  const [result, setResult] = useState<ChangeResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!since) return;
    setError(null);
    try {
      const benchmarkValue = benchmark.trim() === "" ? undefined : benchmark.trim();
      setResult(await api<ChangeResponse>(`/api/surveys/${encodeURIComponent(surveyId)}/indices/change`, { query: { ...query, since, benchmarkValue } }));
    } catch (caught) {
      setResult(null);
      setError(caught);
    }
  };
  return (
    <Card title={t("dash.change")} id="change-check">
      <p class="muted small">{t("dash.changeHint")}</p>
      <form class="filters" onSubmit={submit}>
        <Field id="change-since" label={t("dash.changeSince")}>
          {(props) => <input {...props} type="date" required value={since} onInput={(e) => setSince(e.currentTarget.value)} />}
        </Field>
        <Field id="change-benchmark" label={t("dash.benchmarkValue")}>
          {(props) => <input {...props} type="number" min="0" max="100" step="0.1" value={benchmark} onInput={(e) => setBenchmark(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="btn">
          {t("dash.evaluate")}
        </button>
      </form>
      {error !== null && <ErrorAlert error={error} />}
      {result && (
        <dl class="facts facts-inline" data-testid="change-result">
          <div>
            <dt>{t("dash.before")}</dt>
            <dd>
              {num(result.before.index, 1)} (n = {result.before.n})
            </dd>
          </div>
          <div>
            <dt>{t("dash.after")}</dt>
            <dd>
              {num(result.after.index, 1)} (n = {result.after.n})
            </dd>
          </div>
          <div>
            <dt>{t("dash.difference")}</dt>
            <dd data-testid="change-difference">
              {num(result.difference, 1)} [{num(result.lower, 1)}, {num(result.upper, 1)}]
            </dd>
          </div>
          <div>
            <dt>{t("dash.verdict")}</dt>
            <dd data-testid="change-verdict" data-verdict={result.verdict}>
              <Badge tone={VERDICT_TONE[result.verdict]}>{t(`verdict.${result.verdict}` as DKey)}</Badge>
            </dd>
          </div>
          {result.benchmark && (
            <div>
              <dt>{t("dash.vsBenchmark")}</dt>
              <dd data-testid="benchmark-difference">{num(result.benchmark.difference, 1)}</dd>
            </div>
          )}
        </dl>
      )}
    </Card>
  );
}
