/**
 * The dashboard's "from index to action" views (docs/statistics.md §11): significance marks of the
 * segment comparison (background permutation tests), the model-quality line (PLSpredict), Kano
 * results with the Better/Worse chart, improvement plans with their verdicts and trend markers,
 * and stored benchmarks.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ChartExport } from "../../components/ChartExport";
import "../../styles/science.css";
import { api, type Query } from "../../lib/api";
import { useAsync } from "../../lib/hooks";
import { href, Link, navigate } from "../../lib/router";
import { localized } from "../../lib/types";
import type { IndicesResponse, SegmentsResponse } from "../../lib/types";
import { Badge, Card, ErrorAlert, Field, Table } from "../../components/ui";
import type { BenchmarkComparisons, KanoResponse, Plan, PlanDetail, SegmentTest } from "../../../../src/contracts/science";
import { constructLabel } from "./constructs";
import { useBootstrapRun } from "./bootstrap-run";
import { useSI18n, type SI18n } from "./science-messages";
import type { DKey } from "./messages";

const PLANS_CHANGED = "feedloop:plans-changed";
const enc = encodeURIComponent;

// ------------------------------------------------------------------ segment significance marks

type Segment = SegmentsResponse["segments"][number];

function satisfactionDifference(test: SegmentTest | null) {
  return test?.result?.indices.find((d) => d.construct === "satisfaction") ?? null;
}

function SignificanceMark({ test, i18n }: { test: SegmentTest | null; i18n: SI18n }) {
  const { t, num } = i18n;
  if (!test) return <span class="muted">{t("sci.tests.notTested")}</span>;
  if (test.status === "failed") return <Badge tone="bad">{t("sci.tests.failed")}</Badge>;
  if (test.status !== "finished") return <span class="muted">{t("sci.tests.running", { done: test.done, total: test.permutations })}</span>;
  const d = satisfactionDifference(test);
  if (!d) return <span class="muted">—</span>;
  // The mark follows the Holm-adjusted p-value when the comparison tested several segments at once.
  const significant = d.significantAdjusted ?? d.significant;
  return (
    <span data-testid="segment-significance" data-significant={String(significant)}>
      <Badge tone={significant ? "warn" : "muted"}>{significant ? `${t("sci.tests.significant")} *` : t("sci.tests.notSignificant")}</Badge>{" "}
      <span class="muted small">
        p = {num(d.pValue, 3)}
        {d.adjustedPValue !== null && (
          <>
            {" · "}
            {t("sci.tests.adjustedP")} = <span data-testid="segment-adjusted-p">{num(d.adjustedPValue, 3)}</span>
          </>
        )}
      </span>
    </span>
  );
}

export function SegmentTests({
  surveyId,
  query,
  by,
  segments,
  adjustment,
  onChanged,
}: {
  surveyId: string;
  query: Query;
  by: string;
  segments: Segment[];
  adjustment: SegmentsResponse["adjustment"];
  onChanged: () => void;
}) {
  const i18n = useSI18n();
  const { t, num } = i18n;
  const [error, setError] = useState<unknown>(null);
  const pending = segments.some((s) => s.test && (s.test.status === "queued" || s.test.status === "running"));
  // While a test runs in the background, re-read the comparison until every test has settled.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(onChanged, 1500);
    return () => clearTimeout(timer);
  }, [pending, segments]);
  const start = async () => {
    setError(null);
    try {
      await api(`/api/surveys/${enc(surveyId)}/indices/segments/tests`, { body: { ...query, by, values: segments.filter((s) => s.sample.indexShown).map((s) => s.value), permutations: 999, seed: 1 } });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  const testable = segments.filter((s) => s.sample.indexShown);
  return (
    <div class="segment-tests" data-testid="segment-tests">
      <h3>{t("sci.tests.title")}</h3>
      <p class="muted small">{t("sci.tests.hint")}</p>
      {error !== null && <ErrorAlert error={error} />}
      <Table focusable columns={[{ label: t("sci.tests.segment") }, { label: t("sci.tests.difference"), num: true }, { label: t("sci.tests.mark") }, { label: t("sci.tests.invariance") }]}>
      {testable.map((s) => {
        const d = satisfactionDifference(s.test);
        return (
          <tr key={s.value} data-segment={s.value}>
            <th scope="row">{s.value}</th>
            <td class="num">{d ? num(d.difference, 1) : "—"}</td>
            <td>
              <SignificanceMark test={s.test} i18n={i18n} />
            </td>
            <td>{s.test?.result ? t(s.test.result.compositionalInvariance ? "sci.yes" : "sci.no") : "—"}</td>
          </tr>
        );
      })}
      </Table>
      {adjustment.tests > 1 && (
        <p class="muted small" data-testid="holm-note">
          {t("sci.tests.holmNote", { tests: adjustment.tests })}
        </p>
      )}
      <button type="button" class="btn btn-secondary" onClick={start} disabled={pending || testable.length === 0} data-testid="run-segment-tests">
        {t("sci.tests.run")}
      </button>
    </div>
  );
}

// ------------------------------------------------------------------ model quality (PLSpredict)

export function ModelQuality({ data, surveyId, selection, onDone }: { data: IndicesResponse; surveyId: string; selection: Query; onDone: () => void }) {
  const i18n = useSI18n();
  const { t, num } = i18n;
  const prediction = data.prediction;
  const run = useBootstrapRun(surveyId, selection, onDone);
  return (
    <Card title={t("sci.quality.title")} id="model-quality">
      {prediction ? (
        <>
          <p data-testid="model-quality" data-power={prediction.power}>
            <Badge tone={prediction.power === "high" || prediction.power === "medium" ? "ok" : prediction.power === "low" ? "warn" : "bad"}>{t(`sci.quality.${prediction.power}`)}</Badge>
          </p>
          <p class="muted small">
            {t("sci.quality.detail", { target: constructLabel(i18n, prediction.target), folds: prediction.folds, repetitions: prediction.repetitions, n: prediction.n })}
            {" · "}Q²predict {prediction.indicators.map((entry) => `${entry.indicator} ${num(entry.q2predict, 2)}`).join(", ")}
          </p>
        </>
      ) : (
        <>
          <p class="muted" data-testid="model-quality" data-power="pending">
            {t("sci.quality.pending")}
          </p>
          <ErrorAlert error={run.error} />
          <button type="button" class="btn btn-small" onClick={() => void run.start()} disabled={run.running} data-testid="compute-model-quality">
            {t("sci.quality.compute")}
          </button>{" "}
          <span class="muted small" role="status" data-testid="model-quality-progress" data-status={run.status ?? "idle"}>
            {run.status === "queued" ? t("sci.quality.queued") : run.status === "running" ? t("sci.quality.running") : ""}
          </span>
        </>
      )}
    </Card>
  );
}

// ------------------------------------------------------------------ Kano

const KANO_TONE = { A: "ok", O: "info", M: "warn", I: "muted", R: "bad", Q: "bad" } as const;

function KanoChart({ features, i18n }: { features: KanoResponse["features"]; i18n: SI18n }) {
  const chartRef = useRef<SVGSVGElement>(null);
  const size = 260;
  const pad = 30;
  const plot = size - 2 * pad;
  const x = (worse: number) => pad + Math.abs(worse) * plot;
  const y = (better: number) => pad + (1 - better) * plot;
  const points = features.filter((f) => f.better !== null && f.worse !== null);
  const { t, lang } = i18n;
  return (
    <>
    <svg ref={chartRef} viewBox={`0 0 ${size} ${size}`} class="kano-chart" role="img" aria-label={t("sci.kano.chart")} data-testid="kano-chart">
      <rect x={pad} y={pad} width={plot} height={plot} fill="none" stroke="currentColor" stroke-opacity="0.3" />
      <line x1={pad + plot / 2} y1={pad} x2={pad + plot / 2} y2={pad + plot} stroke="currentColor" stroke-opacity="0.3" />
      <line x1={pad} y1={pad + plot / 2} x2={pad + plot} y2={pad + plot / 2} stroke="currentColor" stroke-opacity="0.3" />
      <text x={pad + 4} y={pad + 12} font-size="9">{t("sci.kano.cat.A")}</text>
      <text x={pad + plot / 2 + 4} y={pad + 12} font-size="9">{t("sci.kano.cat.O")}</text>
      <text x={pad + plot / 2 + 4} y={pad + plot - 4} font-size="9">{t("sci.kano.cat.M")}</text>
      <text x={pad + 4} y={pad + plot - 4} font-size="9">{t("sci.kano.cat.I")}</text>
      <text x={pad + plot / 2} y={size - 8} font-size="9" text-anchor="middle">|{t("sci.kano.worse")}|</text>
      <text x={10} y={pad + plot / 2} font-size="9" text-anchor="middle" transform={`rotate(-90 10 ${pad + plot / 2})`}>{t("sci.kano.better")}</text>
      {points.map((f) => (
        <g key={f.feature} data-feature={f.feature}>
          <circle cx={x(f.worse!)} cy={y(f.better!)} r="4" fill="currentColor" />
          <text x={x(f.worse!) + 6} y={y(f.better!) + 3} font-size="9">{localized(f.label, lang, f.feature)}</text>
        </g>
      ))}
    </svg>
      <ChartExport target={chartRef} name={t("sci.kano.chart")} vector />
    </>
  );
}

export function KanoSection({ surveyId, query, onPlan }: { surveyId: string; query: Query; onPlan: (featureId: string, label: string) => void }) {
  const i18n = useSI18n();
  const { t, num, lang } = i18n;
  const key = JSON.stringify([surveyId, query]);
  const state = useAsync((signal) => api<KanoResponse>(`/api/surveys/${enc(surveyId)}/kano`, { query, signal }), [key]);
  if (state.error) return <ErrorAlert error={state.error} onRetry={state.reload} />;
  const features = state.data?.features ?? [];
  if (features.length === 0) return null;
  return (
    <Card title={t("sci.kano.title")} id="kano">
      <p class="muted small">{t("sci.kano.hint")}</p>
      <div class="grid grid-2">
        <Table testId="kano-table" focusable columns={[{ label: t("sci.kano.feature") }, { label: t("sci.kano.category") }, { label: t("sci.kano.better"), num: true }, { label: t("sci.kano.worse"), num: true }, { label: t("sci.kano.n"), num: true }, { label: "" }]}>
        {features.map((f) => (
          <tr key={f.feature} data-feature={f.feature}>
            <th scope="row">{localized(f.label, lang, f.feature)}</th>
            <td data-testid="kano-category" data-category={f.category ?? ""}>
              {f.category ? <Badge tone={KANO_TONE[f.category]}>{t(`sci.kano.cat.${f.category}`)}</Badge> : "—"}
              {f.fong && !f.fong.significant && <span class="muted small"> ({t("sci.kano.tie")})</span>}
            </td>
            <td class="num" data-testid="kano-better">{num(f.better, 2)}</td>
            <td class="num" data-testid="kano-worse">{num(f.worse, 2)}</td>
            <td class="num">{f.n}</td>
            <td>
              <button type="button" class="btn btn-small btn-secondary" onClick={() => onPlan(f.feature, localized(f.label, lang, f.feature))}>
                {t("sci.kano.plan")}
              </button>
            </td>
          </tr>
        ))}
        </Table>
        <KanoChart features={features} i18n={i18n} />
      </div>
    </Card>
  );
}

// ------------------------------------------------------------------ improvement plans

const VERDICT_TONE = { improved: "ok", "no-detectable-change": "muted", worse: "bad" } as const;
type Draft = { sourceKind: Plan["sourceKind"]; sourceRef: string; title: string };

/** Where a plan lives in the app: its own page with the verdict. */
export function planPath(surveyId: string, planId: string): string {
  return `/surveys/${enc(surveyId)}/plans/${enc(planId)}`;
}

/** The effect of a plan on its target index: before/after windows, the interval of the difference and the verdict. */
export function PlanEffect({ plan, i18n }: { plan: PlanDetail; i18n: SI18n }) {
  const { t, num } = i18n;
  const effect = plan.effect;
  return (
    <section class="plan-view" data-testid="plan-view" data-plan={plan.id}>
      <h2>{t("sci.plans.effect", { construct: constructLabel(i18n, plan.targetConstruct) })}</h2>
      {effect ? (
        <dl class="facts facts-inline">
          <div>
            <dt>{t("sci.plans.before", { from: effect.before.from, to: effect.before.to })}</dt>
            <dd>
              {num(effect.before.index, 1)} (n = {effect.before.n})
            </dd>
          </div>
          <div>
            <dt>{t("sci.plans.after", { from: effect.after.from, to: effect.after.to })}</dt>
            <dd>
              {num(effect.after.index, 1)} (n = {effect.after.n})
            </dd>
          </div>
          <div>
            <dt>{t("sci.plans.difference")}</dt>
            <dd data-testid="plan-difference">
              {num(effect.difference, 1)} [{num(effect.lower, 1)}, {num(effect.upper, 1)}]
            </dd>
          </div>
          <div>
            <dt>{t("sci.plans.verdict")}</dt>
            <dd data-testid="plan-verdict" data-verdict={effect.verdict}>
              <Badge tone={VERDICT_TONE[effect.verdict]}>{t(`verdict.${effect.verdict}` as DKey)}</Badge>
            </dd>
          </div>
          <div>
            <dt>{t("sci.plans.targetReached")}</dt>
            <dd>
              {t(effect.targetReached ? "sci.yes" : "sci.no")} ({num(plan.targetValue, 1)})
            </dd>
          </div>
        </dl>
      ) : (
        <p class="muted" data-testid="plan-verdict" data-verdict="none">
          {plan.effectProblem}
        </p>
      )}
    </section>
  );
}

/** A form's text state with one binding per field (value + onInput), shared by the plan and benchmark forms. */
function useFormFields<T extends Record<string, string>>(blank: T) {
  const [form, setForm] = useState(blank);
  const bind = (field: keyof T) => ({ value: form[field], onInput: (value: string) => setForm((current) => ({ ...current, [field]: value })) });
  return { form, setForm, bind, reset: () => setForm(blank) };
}

type InputFieldProps = { id: string; label: string; value: string; onInput: (value: string) => void; type?: "text" | "number" | "date"; required?: boolean; maxLength?: number; min?: string; max?: string; step?: string };

/** A labelled input of a form (the Field wrapper gives the label and the aria wiring). */
function InputField({ id, label, value, onInput, type = "text", ...attributes }: InputFieldProps) {
  const input = (props: { id: string }) => {
    const common = { ...props, ...attributes, value, onInput: (e: { currentTarget: HTMLInputElement }) => onInput(e.currentTarget.value) };
    // Preact types <input> per `type`, so each kind is written out rather than passed as a union.
    if (type === "number") return <input {...common} type="number" />;
    if (type === "date") return <input {...common} type="date" />;
    return <input {...common} type="text" />;
  };
  return (
    <Field id={id} label={label}>
      {input}
    </Field>
  );
}

export function PlansSection({ surveyId, data, draft }: { surveyId: string; data: IndicesResponse; draft: Draft | null }) {
  const i18n = useSI18n();
  const { t, num } = i18n;
  const [error, setError] = useState<unknown>(null);
  const today = new Date().toISOString().slice(0, 10);
  const { form, setForm, bind } = useFormFields({ title: "", source: "", owner: "", targetConstruct: "satisfaction", targetValue: "", startDate: today, reviewDate: "" });
  const list = useAsync((signal) => api<{ plans: Plan[] }>(`/api/surveys/${enc(surveyId)}/plans`, { signal }), [surveyId]);
  useEffect(() => {
    if (draft) setForm((current) => ({ ...current, title: draft.title, source: `${draft.sourceKind}:${draft.sourceRef}` }));
  }, [draft]);
  const sources: Array<{ value: string; label: string }> = [
    ...data.drivers.map((d) => ({ value: `driver:${d.construct}`, label: `${t("sci.plans.kind.driver")}: ${constructLabel(i18n, d.construct)}` })),
    ...data.driverIndicators.slice(0, 10).map((d) => ({ value: `indicator:${d.indicator}`, label: `${t("sci.plans.kind.indicator")}: ${d.indicator}` })),
    ...(draft?.sourceKind === "kano" ? [{ value: `kano:${draft.sourceRef}`, label: `${t("sci.plans.kind.kano")}: ${draft.title}` }] : []),
  ];
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const [sourceKind, ...rest] = (form.source || sources[0]?.value || "driver:satisfaction").split(":");
    try {
      const created = await api<Plan>(`/api/surveys/${enc(surveyId)}/plans`, {
        body: {
          title: form.title,
          sourceKind,
          sourceRef: rest.join(":"),
          owner: form.owner,
          targetConstruct: form.targetConstruct,
          targetValue: Number(form.targetValue),
          startDate: form.startDate,
          reviewDate: form.reviewDate,
        },
      });
      window.dispatchEvent(new Event(PLANS_CHANGED));
      // A new plan opens on its own page, where its effect and verdict are evaluated.
      navigate(href(planPath(surveyId, created.id)));
    } catch (caught) {
      setError(caught);
    }
  };
  const constructs = data.constructs.filter((c) => c.index !== null).map((c) => c.construct);
  return (
    <Card title={t("sci.plans.title")} id="plans">
      <p class="muted small">{t("sci.plans.hint")}</p>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      {list.data && list.data.plans.length === 0 && <p class="empty">{t("sci.plans.none")}</p>}
      {list.data && list.data.plans.length > 0 && (
        <Table testId="plans-table" focusable columns={[{ label: t("sci.plans.planTitle") }, { label: t("sci.plans.owner") }, { label: t("sci.plans.target") }, { label: t("sci.plans.start") }, { label: t("sci.plans.review") }, { label: t("sci.plans.status") }]}>
        {list.data.plans.map((plan) => (
          <tr key={plan.id} data-plan={plan.id}>
            <th scope="row">
              <Link to={planPath(surveyId, plan.id)}>{plan.title}</Link>
            </th>
            <td>{plan.owner}</td>
            <td>
              {constructLabel(i18n, plan.targetConstruct)} → {num(plan.targetValue, 1)}
            </td>
            <td>{plan.startDate}</td>
            <td>{plan.reviewDate}</td>
            <td>{t(`sci.plans.status.${plan.status}`)}</td>
          </tr>
        ))}
        </Table>
      )}
      <details open={draft !== null}>
        <summary>{t("sci.plans.new")}</summary>
        {error !== null && <ErrorAlert error={error} />}
        <form class="form-grid" id="plan-form" onSubmit={submit}>
          <InputField id="plan-title" label={t("sci.plans.planTitle")} required maxLength={200} {...bind("title")} />
          <Field id="plan-source" label={t("sci.plans.source")}>
            {(props) => (
              <select {...props} value={form.source || sources[0]?.value} onChange={(e) => bind("source").onInput(e.currentTarget.value)}>
                {sources.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <InputField id="plan-owner" label={t("sci.plans.owner")} required maxLength={200} {...bind("owner")} />
          <Field id="plan-target" label={t("sci.plans.target")}>
            {(props) => (
              <select {...props} value={form.targetConstruct} onChange={(e) => bind("targetConstruct").onInput(e.currentTarget.value)}>
                {constructs.map((c) => (
                  <option key={c} value={c}>
                    {constructLabel(i18n, c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <InputField id="plan-target-value" label={t("sci.plans.targetValue")} type="number" required min="0" max="100" step="0.1" {...bind("targetValue")} />
          <InputField id="plan-start" label={t("sci.plans.start")} type="date" required {...bind("startDate")} />
          <InputField id="plan-review" label={t("sci.plans.review")} type="date" required {...bind("reviewDate")} />
          <button type="submit" class="btn">
            {t("sci.plans.create")}
          </button>
        </form>
      </details>
    </Card>
  );
}

/** Plans as markers along the trend's periods: each plan sits at the period its start falls in. */
export function PlanMarkers({ surveyId, periods }: { surveyId: string; periods: string[] }) {
  const { t } = useSI18n();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    window.addEventListener(PLANS_CHANGED, bump);
    return () => window.removeEventListener(PLANS_CHANGED, bump);
  }, []);
  const list = useAsync((signal) => api<{ plans: Plan[] }>(`/api/surveys/${enc(surveyId)}/plans`, { signal }), [surveyId, version]);
  const plans = list.data?.plans ?? [];
  if (plans.length === 0 || periods.length === 0) return null;
  // A period key is YYYY-MM (month) or YYYY-Www (week); a plan belongs to the last period not after its start.
  const periodOf = (day: string) => [...periods].reverse().find((p) => p <= day.slice(0, p.length)) ?? null;
  return (
    <div class="plan-markers" data-testid="plan-markers" aria-label={t("sci.plans.markers")}>
      <span class="muted small">{t("sci.plans.markers")}:</span>
      <ol class="plan-marker-track" style={`grid-template-columns: repeat(${periods.length}, 1fr)`}>
        {plans.map((plan) => {
          const period = periodOf(plan.startDate);
          if (!period) return null;
          return (
            <li key={plan.id} data-plan={plan.id} data-period={period} style={`grid-column: ${periods.indexOf(period) + 1}`} title={`${plan.title} (${plan.startDate})`}>
              ▲ {plan.title}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

// ------------------------------------------------------------------ benchmarks

const BENCH_TONE = { above: "ok", below: "bad", "no-detectable-difference": "muted", "no-interval": "info", "no-index": "muted" } as const;

export function BenchmarksSection({ surveyId, query }: { surveyId: string; query: Query }) {
  const i18n = useSI18n();
  const { t, num } = i18n;
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const { form, reset, bind } = useFormFields({ source: "", year: String(new Date().getUTCFullYear() - 1), value: "", n: "", sd: "" });
  const key = JSON.stringify([surveyId, query, version]);
  const state = useAsync((signal) => api<BenchmarkComparisons>(`/api/surveys/${enc(surveyId)}/benchmarks`, { query, signal }), [key]);
  const optional = (value: string) => (value.trim() === "" ? undefined : Number(value));
  const add = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api("/api/benchmarks", { body: { source: form.source, year: Number(form.year), value: Number(form.value), n: optional(form.n), sd: optional(form.sd) } });
      reset();
      setVersion((v) => v + 1);
    } catch (caught) {
      setError(caught);
    }
  };
  const remove = async (id: string) => {
    try {
      await api(`/api/benchmarks/${enc(id)}`, { method: "DELETE" });
      setVersion((v) => v + 1);
    } catch (caught) {
      setError(caught);
    }
  };
  const comparisons = state.data?.comparisons ?? [];
  return (
    <Card title={t("sci.bench.title")} id="benchmarks">
      <p class="muted small">{t("sci.bench.hint")}</p>
      {state.error && <ErrorAlert error={state.error} onRetry={state.reload} />}
      {error !== null && <ErrorAlert error={error} />}
      {state.data && comparisons.length === 0 && <p class="empty">{t("sci.bench.none")}</p>}
      {comparisons.length > 0 && (
        <Table testId="benchmarks-table" focusable columns={[{ label: t("sci.bench.source") }, { label: t("sci.bench.value"), num: true }, { label: t("sci.bench.index"), num: true }, { label: t("sci.bench.difference"), num: true }, { label: t("sci.bench.verdict") }, { label: "" }]}>
        {comparisons.map((c) => (
          <tr key={c.benchmark.id}>
            <th scope="row">
              {c.benchmark.source} ({c.benchmark.year}) · {constructLabel(i18n, c.benchmark.construct)}
            </th>
            <td class="num">{num(c.benchmark.value, 1)}</td>
            <td class="num">{num(c.index, 1)}</td>
            <td class="num">
              {num(c.difference, 1)}
              {c.interval && ` [${num(c.interval.lower, 1)}, ${num(c.interval.upper, 1)}]`}
            </td>
            <td data-verdict={c.verdict}>
              <Badge tone={BENCH_TONE[c.verdict]}>{t(`sci.bench.v.${c.verdict}`)}</Badge>
            </td>
            <td>
              <button type="button" class="btn btn-small btn-secondary" onClick={() => remove(c.benchmark.id)}>
                {t("sci.bench.delete")}
              </button>
            </td>
          </tr>
        ))}
        </Table>
      )}
      <form class="filters" onSubmit={add}>
        <InputField id="bench-source" label={t("sci.bench.source")} required maxLength={200} {...bind("source")} />
        <InputField id="bench-year" label={t("sci.bench.year")} type="number" required min="1900" max="3000" {...bind("year")} />
        <InputField id="bench-value" label={t("sci.bench.value")} type="number" required min="0" max="100" step="0.1" {...bind("value")} />
        <InputField id="bench-n" label={t("sci.bench.n")} type="number" min="2" {...bind("n")} />
        <InputField id="bench-sd" label={t("sci.bench.sd")} type="number" min="0" max="100" step="0.1" {...bind("sd")} />
        <button type="submit" class="btn">
          {t("sci.bench.add")}
        </button>
      </form>
    </Card>
  );
}
